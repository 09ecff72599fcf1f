package io.quiver.control.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quiver.control.daemon.QuiverProcess;
import io.quiver.control.host.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the fabric's lab tests share: appliances on this host with a namespace guest each, their uplinks the two ends
 * of one veth pair (MTU 1550: VXLAN's 50 bytes over the guests' 1500), found in an etcd cluster.
 */
final class FabricLab {
    private FabricLab() {
    }

    /** Cables two uplinks: a veth pair {@code a}-{@code b}, both up, offloads off. */
    static void cable(String a, String b) {
        Shell.check("ip", "link", "add", a, "mtu", "1550", "type", "veth", "peer", "name", b, "mtu", "1550");
        for (String dev : List.of(a, b)) {
            Shell.run(List.of("ethtool", "-K", dev, "tx", "off", "rx", "off", "tso", "off", "gso", "off", "gro", "off"), 10);
            Shell.check("ip", "link", "set", dev, "up");
        }
    }

    /**
     * Starts appliance {@code name}: its uplink on interface {@code uplink}, guest {@code guest}'s VNIC on its
     * namespace's veth, a spare port on {@code spare} (null: none) for VNICs made at run time, VTEP {@code vtep}, the
     * directory on {@code etcd}, memif links when {@code memif}.
     */
    static QuiverProcess start(Path dir, String name, String uplink, String spare, int guest, String vtep, List<String> etcd,
                               int leaseTtl, boolean memif) throws Exception {
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, """
                ports:
                  - { name: up, devargs: "net_af_packet0,iface=%s", mtu: 1550 }
                  - { name: g, devargs: "net_af_packet1,iface=qvg%dh" }
                %s
                uplink: { port: up }
                datapath: { idle: backoff }
                vnics:
                  - { name: g%d, mac: "%s", ipv4: ["%s/24"], port: g }
                fabric:
                  appliance: %s
                  vtep: %s
                  memif: %s
                  etcd: { endpoints: [%s], leaseTtl: %d }
                """.formatted(uplink, guest, spare == null ? "" : "  - { name: spare, devargs: \"net_af_packet2,iface=" + spare + "\" }",
                guest, NamespaceLab.guestMac(guest), NamespaceLab.guestIp(guest), name, vtep, memif, String.join(", ", etcd), leaseTtl));
        Path state = dir.resolve(name);
        Files.createDirectories(state);
        QuiverProcess q = LabApi.start(config, "quiver-" + name, state);
        try {
            q.apiUrl(60);
        } catch (AssertionError e) {
            // DPDK 22.11's af_packet names its fanout group pid ^ ifindex: another Quiver's ports on this host can hold
            // the same group (EINVAL). A new process has a new pid, as systemd's restart would give it (docs/fabric.md).
            if (!q.stderr().contains("could not set PACKET_FANOUT")) {
                throw e;
            }
            q = LabApi.start(config, "quiver-" + name, state);
        }
        return q;
    }

    static JsonNode fabric(String api) throws Exception {
        return LabApi.ok(api, "GET", "/v1/fabric", null);
    }

    static Shell.Result ping(String ns, String ip) {
        return Shell.run(List.of("ip", "netns", "exec", ns, "ping", "-c", "3", "-i", "0.2", "-W", "2", ip), 30);
    }

    /** iperf3 TCP for 2 s from namespace {@code from} to {@code ip} in namespace {@code to}; Mbit/s received. */
    static double tcp(String from, String to, String ip) throws Exception {
        assertEquals(0, Shell.run(List.of("ip", "netns", "exec", to, "iperf3", "-s", "-1", "-D", "-B", ip), 10).exitCode());
        Thread.sleep(300);
        Shell.Result tcp = Shell.run(List.of("ip", "netns", "exec", from, "iperf3", "-c", ip, "-t", "2", "-J"), 30);
        assertEquals(0, tcp.exitCode(), tcp.output());
        JsonNode end = LabApi.JSON.readTree(tcp.output()).get("end").get("sum_received");
        assertTrue(end.get("bytes").asLong() > 100_000, tcp.output());
        return end.get("bits_per_second").asDouble() / 1e6;
    }
}
