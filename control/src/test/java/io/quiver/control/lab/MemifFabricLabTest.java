package io.quiver.control.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quiver.control.daemon.QuiverProcess;
import io.quiver.control.fabric.EtcdCluster;
import io.quiver.control.host.Shell;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Quiver appliances on this host that both take memif links ({@code fabric.memif: true}), found in a 3-member
 * etcd cluster: they open one net_memif link between them (qa, first by name, is memif's server; qb connects and owns
 * the shared memory), and their guests' frames cross it instead of VXLAN, although both have VTEPs on a cabled
 * uplink. When B stops, A closes the link; when B is back, the link comes back and carries the traffic again.
 * Needs root, iproute2, ethtool, ping, iperf3, etcd and etcdctl.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MemifFabricLabTest {
    private static final String GUEST_A = NamespaceLab.guestNamespace(1);
    private static final String GUEST_B = NamespaceLab.guestNamespace(2);
    @TempDir
    static Path dir;
    static EtcdCluster etcd;
    static QuiverProcess a;
    static QuiverProcess b;
    static String apiA;
    static String apiB;

    @BeforeAll
    static void up() throws Exception {
        LabApi.assumeLab("ip", "ethtool", "ping", "iperf3");
        Assumptions.assumeTrue(EtcdCluster.available(), "etcd and etcdctl are not installed (bin/quiver-test installs etcd-server, etcd-client)");
        down();
        etcd = EtcdCluster.start(dir.resolve("etcd"), 3, 23891);
        NamespaceLab.host(GUEST_A, "qvg1", NamespaceLab.guestMac(1), NamespaceLab.guestIp(1), null, 1500);
        NamespaceLab.host(GUEST_B, "qvg2", NamespaceLab.guestMac(2), NamespaceLab.guestIp(2), null, 1500);
        FabricLab.cable("qvya", "qvyb");
        a = start("qa", "qvya", 1, "192.0.2.1");
        apiA = a.apiUrl(60);
        b = start("qb", "qvyb", 2, "192.0.2.2");
        apiB = b.apiUrl(60);
    }

    static QuiverProcess start(String name, String uplink, int guest, String vtep) throws Exception {
        return FabricLab.start(dir, name, uplink, null, guest, vtep, etcd.endpoints(), 4, true);
    }

    @AfterAll
    static void down() throws Exception {
        for (QuiverProcess q : new QuiverProcess[] {a, b}) {
            if (q != null) {
                q.stop();
            }
        }
        a = null;
        b = null;
        if (etcd != null) {
            etcd.close();
            etcd = null;
        }
        NamespaceLab.remove(GUEST_A, "qvg1h");
        NamespaceLab.remove(GUEST_B, "qvg2h");
        Shell.quietly("ip", "link", "del", "qvya");
    }

    static JsonNode peer(String api) throws Exception {
        JsonNode peers = FabricLab.fabric(api).get("peers");
        return peers.isEmpty() ? null : peers.get(0);
    }

    static boolean medium(String api, String medium) throws Exception {
        JsonNode p = peer(api);
        return p != null && p.get("medium").asText().equals(medium);
    }

    static void awaitMedium(String api, String medium, long millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!medium(api, medium) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(medium(api, medium), "peer reached by " + medium + ": " + LabApi.ok(api, "GET", "/v1/fabric", null));
    }

    static long uplinkTx(String api) throws Exception {
        for (JsonNode p : LabApi.ok(api, "GET", "/v1/ports", null)) {
            if (p.get("name").asText().equals("up")) {
                return p.get("txPackets").asLong();
            }
        }
        throw new AssertionError("no uplink port");
    }

    static Shell.Result ping(String ns, String ip) {
        return FabricLab.ping(ns, ip);
    }

    @Test
    @Order(1)
    void theGuestsTrafficCrossesTheMemifLinkNotVxlan() throws Exception {
        awaitMedium(apiA, "memif", 20_000);
        awaitMedium(apiB, "memif", 5_000);
        long uplinkBefore = uplinkTx(apiA);
        Shell.Result there = ping(GUEST_A, NamespaceLab.guestIp(2));
        assertEquals(0, there.exitCode(), "g1 -> g2 over memif: " + there.output());
        assertEquals(0, ping(GUEST_B, NamespaceLab.guestIp(1)).exitCode(), "g2 -> g1");
        assertTrue(uplinkTx(apiA) - uplinkBefore < 5, "nothing went out as VXLAN on the uplink");
        JsonNode p = peer(apiA);
        assertTrue(p.get("txPackets").asLong() >= 6 && p.get("rxPackets").asLong() >= 6, "counted on the peer: " + p);
        System.out.printf("appliance to appliance over memif: iperf3 TCP %.1f Mbit/s%n", FabricLab.tcp(GUEST_A, GUEST_B, NamespaceLab.guestIp(2)));
        QuiverProcess paths = LabApi.cli(apiA, "show-vnic", "-o", "path");
        assertTrue(paths.stdout().contains("memif:qb"), paths.stdout());
    }

    @Test
    @Order(2)
    void whenThePeerStopsAndComesBackTheLinkFollows() throws Exception {
        b.stop();
        b = null;
        long t0 = System.nanoTime();
        while (peer(apiA) != null && System.nanoTime() - t0 < 10_000_000_000L) {
            Thread.sleep(20);
        }
        assertEquals(null, peer(apiA), "B's clean stop revokes its lease: A forgets it");
        b = start("qb", "qvyb", 2, "192.0.2.2");
        apiB = b.apiUrl(60);
        awaitMedium(apiA, "memif", 20_000);
        assertEquals(0, ping(GUEST_A, NamespaceLab.guestIp(2)).exitCode(), "across the new link");
    }
}
