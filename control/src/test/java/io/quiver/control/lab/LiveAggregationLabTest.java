package io.quiver.control.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quiver.control.daemon.QuiverProcess;
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
 * {@code create-aggr} on a running Quiver whose uplink is one port cabled to a Linux bridge: the uplink becomes an
 * active-backup aggregation of that port and a spare one, with no restart and no lost ping; then the first cable is
 * pulled and the spare carries. A create-aggr that leaves the uplink port out is refused. Needs root, iproute2,
 * ethtool and ping.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveAggregationLabTest {
    private static final String GUEST = NamespaceLab.guestNamespace(1);
    private static final List<String> CABLES = List.of("qvm0", "qvm1");
    @TempDir
    static Path dir;
    static QuiverProcess quiver;
    static String api;

    @BeforeAll
    static void up() throws Exception {
        LabApi.assumeLab("ip", "ethtool", "ping");
        down();
        BridgePeer.up(CABLES);
        NamespaceLab.host(GUEST, "qvg1", NamespaceLab.guestMac(1), NamespaceLab.guestIp(1), null, 1500);
        Path config = dir.resolve("live.yaml");
        Files.writeString(config, """
                ports:
                  - { name: uplink, devargs: "net_af_packet0,iface=qvm0h" }
                  - { name: spare, devargs: "net_af_packet1,iface=qvm1h" }
                  - { name: g1, devargs: "net_af_packet2,iface=qvg1h" }
                uplink: { port: uplink }
                vnics:
                  - { name: g1, mac: "%s", ipv4: ["%s/24"], port: g1 }
                """.formatted(NamespaceLab.guestMac(1), NamespaceLab.guestIp(1)));
        quiver = LabApi.start(config, "quiver-live-aggr", dir);
        api = quiver.apiUrl(60);
    }

    @AfterAll
    static void down() throws Exception {
        if (quiver != null) {
            quiver.stop();
            quiver = null;
        }
        BridgePeer.down(CABLES);
        NamespaceLab.remove(GUEST, "qvg1h");
    }

    @Test
    @Order(1)
    void createAggrTurnsTheRunningUplinkIntoAnAggregationWithoutLosingAPing() throws Exception {
        assertTrue(BridgePeer.ping(NamespaceLab.guestIp(1), 2), "the one-port uplink carries");
        assertEquals(0, LabApi.ok(api, "GET", "/v1/aggregations", null).size(), "no aggregation yet");
        QuiverProcess without = LabApi.cli(api, "create-aggr", "aggr0", "--ports", "spare");
        assertEquals(1, without.waitFor());
        assertTrue(without.stderr().contains("the uplink port uplink must be a member"), without.stderr());

        Process ping = new ProcessBuilder("ip", "netns", "exec", BridgePeer.NAMESPACE, "ping", "-i", "0.02", "-c", "150", "-W", "1",
                NamespaceLab.guestIp(1)).redirectErrorStream(true).redirectOutput(dir.resolve("ping.txt").toFile()).start();
        Thread.sleep(1000);
        QuiverProcess create = LabApi.cli(api, "create-aggr", "aggr0", "--ports", "uplink,spare", "--mode", "active-backup",
                "--primary", "uplink");
        assertEquals(0, create.waitFor(), create.stderr());
        assertTrue(create.stdout().contains("aggr0") && create.stdout().contains("active-backup"), create.stdout());
        assertTrue(ping.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        String pings = Files.readString(dir.resolve("ping.txt"));
        assertTrue(pings.contains("150 received"), "no ping lost while the uplink became an aggregation: " + pings);

        JsonNode a = LabApi.ok(api, "GET", "/v1/aggregations/aggr0", null);
        assertEquals("uplink", a.get("activePort").asText(), a.toString());
        JsonNode ports = LabApi.ok(api, "GET", "/v1/ports", null);
        for (JsonNode p : ports) {
            if (p.get("name").asText().equals("spare")) {
                assertEquals("uplink (aggregation aggr0)", p.get("role").asText(), "the spare is an uplink member now: " + p);
            }
        }
        QuiverProcess again = LabApi.cli(api, "create-aggr", "aggr1", "--ports", "uplink");
        assertEquals(1, again.waitFor());
        assertTrue(again.stderr().contains("already"), again.stderr());
    }

    @Test
    @Order(2)
    void thenItsBackupCarriesWhenTheFirstCableIsPulled() throws Exception {
        BridgePeer.cable("qvm0", false);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!LabApi.ok(api, "GET", "/v1/aggregations/aggr0", null).get("activePort").asText().equals("spare")
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals("spare", LabApi.ok(api, "GET", "/v1/aggregations/aggr0", null).get("activePort").asText());
        assertTrue(BridgePeer.ping(NamespaceLab.guestIp(1), 3), "the spare carries");
        QuiverProcess show = LabApi.cli(api, "show-aggr", "-x");
        assertEquals(0, show.waitFor(), show.stderr());
        assertTrue(show.stdout().matches("(?s).*aggr0\\s+uplink\\s.*down\\s+down\\s+0/256.*"), show.stdout());
        assertTrue(show.stdout().matches("(?s).*aggr0\\s+spare\\s.*up\\s+attached\\s+256/256.*"), show.stdout());
    }
}
