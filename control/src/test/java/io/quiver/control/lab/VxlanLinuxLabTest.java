package io.quiver.control.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quiver.control.daemon.QuiverProcess;
import io.quiver.control.host.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quiver's VTEP against Linux's kernel vxlan device (RFC 7348 interoperation). Namespace {@code qv-vtep} is a Linux
 * host whose {@code vxlan0} (VNI 10000, UDP 4789) sits on a veth cabled to Quiver's uplink, with a bridge FDB entry
 * sending its broadcasts to Quiver's VTEP; the configuration file names it as a static peer with one VNIC, the
 * vxlan device's MAC and address. A guest in {@code qv-g1} pings it and runs TCP to it; a frame with a MAC the
 * directory does not give that peer is dropped as unknown-remote; a VNIC MTU VXLAN has no room for is refused.
 * Needs root, iproute2 (ip, bridge), ethtool, ping and iperf3.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VxlanLinuxLabTest {
    private static final String VTEP_NS = "qv-vtep";
    private static final String GUEST = NamespaceLab.guestNamespace(1);
    private static final String LINUX_VNIC_MAC = "02:00:00:00:20:01";
    private static final String LINUX_VNIC_IP = NamespaceLab.SUBNET + "20";
    private static final String LINUX_VTEP = "192.0.2.20";
    private static final String QUIVER_VTEP = "192.0.2.10";
    @TempDir
    static Path dir;
    static QuiverProcess quiver;
    static String api;

    @BeforeAll
    static void up() throws Exception {
        LabApi.assumeLab("ip", "bridge", "ethtool", "ping", "iperf3");
        down();
        NamespaceLab.host(GUEST, "qvg1", NamespaceLab.guestMac(1), NamespaceLab.guestIp(1), null, 1500);
        // the Linux host: its uplink at MTU 1550 (VXLAN's 50 bytes over the VNICs' 1500), the vxlan device on it
        NamespaceLab.host(VTEP_NS, "qvvt", "02:00:00:00:0e:20", LINUX_VTEP, null, 1550);
        inVtep("ip", "link", "add", "vxlan0", "type", "vxlan", "id", "10000", "dstport", "4789", "local", LINUX_VTEP, "dev", "qvvt",
                "nolearning");
        inVtep("ip", "link", "set", "vxlan0", "address", LINUX_VNIC_MAC, "mtu", "1500");
        inVtep("ip", "addr", "add", LINUX_VNIC_IP + "/24", "dev", "vxlan0");
        inVtep("ip", "link", "set", "vxlan0", "up");
        inVtep("bridge", "fdb", "append", "00:00:00:00:00:00", "dev", "vxlan0", "dst", QUIVER_VTEP);
        Path config = dir.resolve("vxlan.yaml");
        Files.writeString(config, """
                ports:
                  - { name: up, devargs: "net_af_packet0,iface=qvvth", mtu: 1550 }
                  - { name: g1, devargs: "net_af_packet1,iface=qvg1h" }
                uplink: { port: up }
                vnics:
                  - { name: g1, mac: "%s", ipv4: ["%s/24"], port: g1 }
                fabric:
                  appliance: qa
                  vtep: %s
                  peers:
                    - name: linux1
                      vtep: %s
                      mac: "02:00:00:00:0e:20"
                      vnics:
                        - { name: l1, mac: "%s", ipv4: ["%s/24"] }
                """.formatted(NamespaceLab.guestMac(1), NamespaceLab.guestIp(1), QUIVER_VTEP, LINUX_VTEP, LINUX_VNIC_MAC, LINUX_VNIC_IP));
        quiver = LabApi.start(config, "quiver-vxlan", dir);
        api = quiver.apiUrl(60);
    }

    @AfterAll
    static void down() throws Exception {
        if (quiver != null) {
            quiver.stop();
            quiver = null;
        }
        NamespaceLab.remove(GUEST, "qvg1h");
        NamespaceLab.remove(VTEP_NS, "qvvth");
    }

    private static void inVtep(String... command) {
        List<String> c = new java.util.ArrayList<>(List.of("ip", "netns", "exec", VTEP_NS));
        c.addAll(List.of(command));
        Shell.check(c.toArray(String[]::new));
    }

    static JsonNode peer() throws Exception {
        for (JsonNode p : LabApi.ok(api, "GET", "/v1/fabric", null).get("peers")) {
            if (p.get("appliance").asText().equals("linux1")) {
                return p;
            }
        }
        throw new AssertionError("no peer linux1 in /v1/fabric");
    }

    @Test
    @Order(1)
    void aGuestAndALinuxVxlanDevicePingEachOtherBothWays() throws Exception {
        Shell.Result there = Shell.run(List.of("ip", "netns", "exec", GUEST, "ping", "-c", "3", "-i", "0.2", "-W", "2", LINUX_VNIC_IP), 30);
        assertEquals(0, there.exitCode(), "guest -> Linux over VXLAN: " + there.output());
        Shell.Result back = Shell.run(List.of("ip", "netns", "exec", VTEP_NS, "ping", "-c", "3", "-i", "0.2", "-W", "2",
                NamespaceLab.guestIp(1)), 30);
        assertEquals(0, back.exitCode(), "Linux -> guest over VXLAN: " + back.output());
        JsonNode p = peer();
        assertEquals("vxlan", p.get("medium").asText());
        assertTrue(p.get("txPackets").asLong() >= 6 && p.get("rxPackets").asLong() >= 6, "counted on the peer: " + p);
        String metrics = Shell.check(List.of("curl", "-s", api + "/metrics"), 30);
        assertTrue(metrics.contains("quiver_fabric_remote_vnics{appliance=\"linux1\",medium=\"vxlan\"} 1"), metrics);
        assertTrue(metrics.contains("quiver_fabric_peer_packets_total{appliance=\"linux1\",direction=\"sent\"}"), metrics);
    }

    @Test
    @Order(2)
    void tcpRunsAcrossAndThePathSaysVxlan() throws Exception {
        Shell.Result server = Shell.run(List.of("ip", "netns", "exec", VTEP_NS, "iperf3", "-s", "-1", "-D", "-B", LINUX_VNIC_IP), 10);
        assertEquals(0, server.exitCode(), server.output());
        Thread.sleep(300);
        Shell.Result client = Shell.run(List.of("ip", "netns", "exec", GUEST, "iperf3", "-c", LINUX_VNIC_IP, "-t", "2", "-J"), 30);
        assertEquals(0, client.exitCode(), client.output());
        JsonNode result = LabApi.JSON.readTree(client.output());
        long bytes = result.get("end").get("sum_received").get("bytes").asLong();
        assertTrue(bytes > 100_000, "TCP over VXLAN moved " + bytes + " bytes");
        System.out.printf("VXLAN to Linux: iperf3 TCP %.1f Mbit/s received%n",
                result.get("end").get("sum_received").get("bits_per_second").asDouble() / 1e6);
        QuiverProcess paths = LabApi.cli(api, "show-vnic", "-o", "path");
        String out = paths.stdout();
        assertTrue(out.contains("l1") && out.contains("linux1") && out.contains("vxlan:" + LINUX_VTEP), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("g1") && l.contains("qa") && l.endsWith("local")), out);
    }

    @Test
    @Order(3)
    void aMacTheDirectoryDoesNotGiveThePeerIsDroppedAsUnknownRemote() throws Exception {
        long before = peer().get("drops").path("unknown-remote").asLong();
        inVtep("ip", "link", "set", "vxlan0", "address", "02:00:00:00:20:99");
        try {
            Shell.Result ping = Shell.run(List.of("ip", "netns", "exec", VTEP_NS, "ping", "-c", "2", "-i", "0.2", "-W", "1",
                    NamespaceLab.guestIp(1)), 30);
            assertTrue(ping.exitCode() != 0, "a forged MAC must not reach the guest: " + ping.output());
        } finally {
            inVtep("ip", "link", "set", "vxlan0", "address", LINUX_VNIC_MAC);
        }
        long after = peer().get("drops").path("unknown-remote").asLong();
        assertTrue(after >= before + 2, "unknown-remote " + before + " -> " + after);
    }

    @Test
    @Order(4)
    void aVnicMtuVxlanHasNoRoomForIsRefused() throws Exception {
        LabApi.Reply r = LabApi.call(api, "PUT", "/v1/vnics/g1/props/mtu", "{\"value\":\"1501\"}");
        assertEquals(409, r.status(), r.body().toString());
        assertTrue(r.body().toString().contains("VXLAN"), r.body().toString());
        assertEquals("1500", LabApi.ok(api, "GET", "/v1/vnics/g1/props", null).get("mtu").asText(), "nothing changed");
    }
}
