package io.quiver.control.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quiver.control.daemon.QuiverProcess;
import io.quiver.control.host.Shell;
import io.quiver.dataplane.capture.PcapFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * An active-backup aggregation as the uplink, its two members cabled to a Linux bridge in namespace {@code qv-peer}
 * (where the peer host's address is, on the bridge), and a guest in {@code qv-g1}. When the active member's cable
 * goes down on the bridge's side, Quiver moves to the backup and announces the guest's address on it: the bridge
 * sees the gratuitous ARP, and a ping every 10 ms loses only what was in flight. Bad changes are refused with the
 * reason and audited; a live change survives a restart. Needs root, iproute2, ethtool, ping and tcpdump.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ActiveBackupLabTest {
    private static final String PEER = BridgePeer.NAMESPACE;
    private static final String GUEST = NamespaceLab.guestNamespace(1);
    @TempDir
    static Path dir;
    static Path config;
    static QuiverProcess quiver;
    static String api;

    @BeforeAll
    static void up() throws Exception {
        LabApi.assumeLab("ip", "ethtool", "ping", "tcpdump");
        down();
        BridgePeer.up(List.of("qvm0", "qvm1"));
        // a spare port of another MTU, which cannot join
        Shell.check("ip", "link", "add", "qvsph", "mtu", "9000", "type", "veth", "peer", "name", "qvsp", "netns", PEER);
        Shell.check("ip", "link", "set", "qvsph", "up");
        NamespaceLab.host(GUEST, "qvg1", NamespaceLab.guestMac(1), NamespaceLab.guestIp(1), null, 1500);
        config = dir.resolve("aggr.yaml");
        Files.writeString(config, """
                ports:
                  - { name: m0, devargs: "net_af_packet0,iface=qvm0h" }
                  - { name: m1, devargs: "net_af_packet1,iface=qvm1h" }
                  - { name: spare, devargs: "net_af_packet2,iface=qvsph", mtu: 9000 }
                  - { name: g1, devargs: "net_af_packet3,iface=qvg1h" }
                aggregations:
                  - { name: aggr0, ports: [m0, m1], mode: active-backup, primary: m0 }
                uplink: { port: aggr0 }
                vnics:
                  - { name: g1, mac: "%s", ipv4: ["%s/24"], port: g1 }
                """.formatted(NamespaceLab.guestMac(1), NamespaceLab.guestIp(1)));
        quiver = LabApi.start(config, "quiver-ab", dir);
        api = quiver.apiUrl(60);
    }

    @AfterAll
    static void down() throws Exception {
        if (quiver != null) {
            quiver.stop();
            quiver = null;
        }
        BridgePeer.down(List.of("qvm0", "qvm1"));
        Shell.quietly("ip", "link", "del", "qvsph");
        NamespaceLab.remove(GUEST, "qvg1h");
    }

    static JsonNode aggregation() throws Exception {
        return LabApi.ok(api, "GET", "/v1/aggregations/aggr0", null);
    }


    @Test
    @Order(1)
    void thePrimaryCarriesAndTheBridgePeerReachesTheGuest() throws Exception {
        QuiverProcess show = LabApi.cli(api, "show-aggr", "-x");
        assertEquals(0, show.waitFor(), show.stderr());
        assertTrue(show.stdout().matches("(?s).*aggr0\\s+m0\\s.*up\\s+attached\\s+256/256.*"), show.stdout());
        assertTrue(show.stdout().matches("(?s).*aggr0\\s+m1\\s.*up\\s+standby\\s+0/256.*"), show.stdout());
        Shell.Result ping = NamespaceLab.exec(PEER, 30, "ping", "-c", "3", "-i", "0.2", "-W", "2", NamespaceLab.guestIp(1));
        assertEquals(0, ping.exitCode(), ping.output());
        String metrics = Shell.check(List.of("curl", "-s", api + "/metrics"), 30);
        assertTrue(metrics.contains("quiver_aggregation_member_attached{aggregation=\"aggr0\",port=\"m0\"} 1"), metrics);
        assertTrue(metrics.contains("quiver_aggregation_member_attached{aggregation=\"aggr0\",port=\"m1\"} 0"), metrics);
        JsonNode a = aggregation();
        assertEquals(0, a.get("framesNotSent").asLong() + a.get("lacpduOverflows").asLong(), "the control side lost nothing: " + a);
    }

    @Test
    @Order(2)
    void whenTheActiveCableGoesDownTheBackupCarriesAndTheBridgeSeesTheGratuitousArp() throws Exception {
        Path pcap = dir.resolve("br0.pcap");
        Process tcpdump = new ProcessBuilder("ip", "netns", "exec", PEER, "tcpdump", "-i", "br0", "-U", "-w", pcap.toString(), "arp")
                .redirectErrorStream(true).redirectOutput(dir.resolve("tcpdump.txt").toFile()).start();
        Thread.sleep(1000);
        Process ping = new ProcessBuilder("ip", "netns", "exec", PEER, "ping", "-D", "-i", "0.01", "-c", "400", "-W", "1",
                NamespaceLab.guestIp(1)).redirectErrorStream(true).redirectOutput(dir.resolve("ping.txt").toFile()).start();
        aggregation(); // the HTTP client warmed up, so that polling measures the aggregation, not the first request
        Thread.sleep(1500);
        BridgePeer.cable("qvm0", false);
        long downAt = System.nanoTime();
        JsonNode a = aggregation();
        while (!a.get("activePort").asText().equals("m1") && System.nanoTime() - downAt < 5_000_000_000L) {
            Thread.sleep(5);
            a = aggregation();
        }
        long seenAt = System.nanoTime();
        assertEquals("m1", a.get("activePort").asText(), "the backup took over: " + a);
        // when it took over: the member's own clock (seconds since it became attached), not this test's polling
        double since = 0;
        for (JsonNode member : a.get("members")) {
            if (member.get("port").asText().equals("m1")) {
                since = member.get("sinceSeconds").asDouble();
            }
        }
        double switched = (seenAt - downAt) / 1e6 - since * 1000;
        assertTrue(ping.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        Thread.sleep(500);
        tcpdump.destroy();
        tcpdump.waitFor();
        List<Double> replies = new ArrayList<>();
        Matcher m = Pattern.compile("\\[(\\d+\\.\\d+)\\].*icmp_seq=\\d+").matcher(Files.readString(dir.resolve("ping.txt")));
        while (m.find()) {
            replies.add(Double.parseDouble(m.group(1)));
        }
        double gap = 0;
        for (int k = 1; k < replies.size(); k++) {
            gap = Math.max(gap, replies.get(k) - replies.get(k - 1));
        }
        int lost = 400 - replies.size();
        System.out.printf("active-backup failover: backup active %.1f ms after the cable went down; "
                + "ping every 10 ms lost %d of 400, longest gap between replies %.0f ms%n", switched, lost, gap * 1000);
        assertTrue(switched < 100, "the backup took over within 100 ms of link loss: " + switched + " ms");
        assertTrue(lost <= 12, "pings lost only what was in flight during the switch: " + lost);
        assertTrue(gap < 0.2, "replies resumed within 200 ms: the longest gap was " + gap * 1000 + " ms");
        // the gratuitous ARP for the guest, from its MAC, on the bridge
        byte[] guestMac = io.quiver.dataplane.packet.Ethernet.parseMac(NamespaceLab.guestMac(1));
        byte[] guestIp = java.net.InetAddress.getByName(NamespaceLab.guestIp(1)).getAddress();
        long garps = PcapFile.read(pcap).stream().filter(f -> f.length >= 42 && f[21] == 1
                && java.util.Arrays.equals(java.util.Arrays.copyOfRange(f, 6, 12), guestMac)
                && java.util.Arrays.equals(java.util.Arrays.copyOfRange(f, 28, 32), guestIp)
                && java.util.Arrays.equals(java.util.Arrays.copyOfRange(f, 38, 42), guestIp)).count();
        assertTrue(garps >= 1, "the bridge saw the guest's gratuitous ARP: " + Files.readString(dir.resolve("tcpdump.txt")));
        // the primary comes back with its cable
        BridgePeer.cable("qvm0", true);
        long upAt = System.nanoTime();
        while (!aggregation().get("activePort").asText().equals("m0") && System.nanoTime() - upAt < 5_000_000_000L) {
            Thread.sleep(20);
        }
        assertEquals("m0", aggregation().get("activePort").asText(), "the primary is active again once its link is up");
        assertEquals(0, NamespaceLab.exec(PEER, 30, "ping", "-c", "2", "-i", "0.2", "-W", "2", NamespaceLab.guestIp(1)).exitCode());
    }

    @Test
    @Order(3)
    void badChangesAreRefusedWithTheReasonAndAudited() throws Exception {
        LabApi.Reply inUse = LabApi.call(api, "POST", "/v1/aggregations/aggr0/ports", "{\"port\":\"g1\"}");
        assertEquals(400, inUse.status());
        assertTrue(inUse.body().get("error").asText().contains("in use by VNIC g1"), inUse.body().toString());
        LabApi.Reply mtu = LabApi.call(api, "POST", "/v1/aggregations/aggr0/ports", "{\"port\":\"spare\"}");
        assertEquals(400, mtu.status());
        assertTrue(mtu.body().get("error").asText().contains("MTUs differ"), mtu.body().toString());
        LabApi.Reply unknown = LabApi.call(api, "POST", "/v1/aggregations/aggr0/ports", "{\"port\":\"nope\"}");
        assertEquals(400, unknown.status());
        assertTrue(unknown.body().get("error").asText().contains("'nope' is not a port"), unknown.body().toString());
        LabApi.Reply mac = LabApi.call(api, "PUT", "/v1/aggregations/aggr0", "{\"mac\":\"01:00:5e:00:00:01\"}");
        assertEquals(400, mac.status());
        assertTrue(mac.body().get("error").asText().contains("not a unicast"), mac.body().toString());
        LabApi.Reply lacp = LabApi.call(api, "PUT", "/v1/aggregations/aggr0", "{\"lacp\":\"active\"}");
        assertEquals(400, lacp.status(), "active-backup runs without LACP: " + lacp.body());
        LabApi.Reply again = LabApi.call(api, "POST", "/v1/aggregations", "{\"name\":\"aggr1\",\"ports\":[\"m0\"]}");
        assertEquals(400, again.status());
        assertTrue(again.body().get("error").asText().contains("already"), again.body().toString());
        assertEquals(200, LabApi.call(api, "DELETE", "/v1/aggregations/aggr0/ports/m1", null).status());
        LabApi.Reply last = LabApi.call(api, "DELETE", "/v1/aggregations/aggr0/ports/m0", null);
        assertEquals(409, last.status());
        assertTrue(last.body().get("error").asText().contains("last member"), last.body().toString());
        assertEquals(0, NamespaceLab.exec(PEER, 30, "ping", "-c", "2", "-i", "0.2", "-W", "2", NamespaceLab.guestIp(1)).exitCode(),
                "the last member carries on");
        LabApi.ok(api, "POST", "/v1/aggregations/aggr0/ports", "{\"port\":\"m1\"}");
        LabApi.ok(api, "PUT", "/v1/aggregations/aggr0", "{\"policy\":\"L2\",\"primary\":\"m1\"}");
        JsonNode audit = LabApi.ok(api, "GET", "/v1/audit?limit=1000", null);
        long refused = 0;
        long committed = 0;
        for (JsonNode r : audit) {
            if (r.get("action").asText().equals("AGGREGATION_PUT")) {
                if (r.get("committed").asBoolean()) {
                    committed++;
                } else {
                    refused++;
                }
            }
        }
        assertEquals(3, committed, "remove-aggr, add-aggr and modify-aggr audited as committed: " + audit);
        assertTrue(refused >= 6, "each refusal audited: " + audit);
    }

    @Test
    @Order(4)
    void aLiveChangeSurvivesARestartWhileTheFileIsUnchanged() throws Exception {
        quiver.stop();
        quiver = LabApi.start(config, "quiver-ab", dir);
        api = quiver.apiUrl(60);
        JsonNode a = aggregation();
        assertEquals("L2", a.get("policy").asText(), "the policy changed live is kept: " + a);
        assertEquals("m1", a.get("primary").asText());
        assertEquals("m1", a.get("activePort").asText());
        assertEquals(0, NamespaceLab.exec(PEER, 30, "ping", "-c", "2", "-i", "0.2", "-W", "2", NamespaceLab.guestIp(1)).exitCode());
    }
}
