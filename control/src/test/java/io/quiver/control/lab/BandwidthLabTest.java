package io.quiver.control.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quiver.control.daemon.QuiverProcess;
import io.quiver.control.host.Shell;
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
 * A VNIC's bandwidth-limit with real TCP (iperf3) between two namespace guests: what is delivered to the VNIC is
 * shaped (its local ring is the queue), so TCP settles at the limit; what its guest sends is policed. Needs root,
 * iproute2 and iperf3 (bin/quiver-test installs them).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BandwidthLabTest {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = LabApi.JSON;
    /** Bytes on the wire per byte of iperf3's payload: a 1514-byte frame carries 1448 (TCP with timestamps). */
    private static final double WIRE_PER_PAYLOAD = 1514.0 / 1448.0;
    private static final long LIMIT = 40_000_000L;
    @TempDir
    static Path dir;
    static QuiverProcess quiver;
    static String api;

    @BeforeAll
    static void up() throws Exception {
        LabApi.assumeLab("ip", "ethtool", "iperf3");
        Path config = new NamespaceLab(2, "shared", dir).up();
        quiver = LabApi.start(config, "quiver-bw", dir);
        api = quiver.apiUrl(60);
    }

    @AfterAll
    static void down() throws Exception {
        if (quiver != null) {
            quiver.stop();
        }
        NamespaceLab.down(2);
    }

    static JsonNode put(String path, String value) throws Exception {
        return LabApi.ok(api, "PUT", path, "{\"value\":\"" + value + "\"}");
    }

    /** iperf3 from guest 1 to guest 2 (or back, {@code reverse}) for 5 s: the receiver's rate in bit/s of payload. */
    static double iperf(boolean reverse) throws Exception {
        Shell.run(List.of("ip", "netns", "exec", NamespaceLab.guestNamespace(2), "iperf3", "-s", "-1", "-D"), 10);
        assertTrue(NamespaceLab.awaitTcpListener(NamespaceLab.guestNamespace(2), 5201, 10));
        List<String> cmd = new java.util.ArrayList<>(List.of("iperf3", "-c", NamespaceLab.guestIp(2), "-t", "6", "-O", "1", "-J"));
        if (reverse) {
            cmd.add("-R");
        }
        Shell.Result r = NamespaceLab.exec(NamespaceLab.guestNamespace(1), 40, cmd.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.output());
        return JSON.readTree(r.output()).get("end").get("sum_received").get("bits_per_second").asDouble();
    }

    @Test
    @Order(1)
    void whatIsDeliveredToAVnicIsShapedToItsLimit() throws Exception {
        double before = iperf(false);
        assertTrue(before * WIRE_PER_PAYLOAD > 2 * LIMIT, "unlimited first, so the limit is what holds it: " + before);
        put("/v1/vnics/g2/props/bandwidth-limit", "40M");
        double wire = iperf(false) * WIRE_PER_PAYLOAD;
        assertTrue(Math.abs(wire - LIMIT) / LIMIT < 0.05, "TCP into g2 on the wire: " + wire + " bit/s against 40M");
    }

    @Test
    @Order(2)
    void whatItsGuestSendsIsPolicedToItsLimit() throws Exception {
        double wire = iperf(true) * WIRE_PER_PAYLOAD; // g2 sends
        assertTrue(wire < LIMIT * 1.05, "g2's sending never passes its limit: " + wire);
        assertTrue(wire > LIMIT * 0.3, "TCP still moves through the policer: " + wire);
        JsonNode g2 = LabApi.call(api, "GET", "/v1/vnics/g2", null).body();
        assertTrue(g2.get("counters").get("drops").path("over-limit").asLong() > 0, "the policer's drops are counted: " + g2);
    }

    @Test
    @Order(3)
    void aLimitUnderOneFramePerSecondIsRefused() throws Exception {
        LabApi.Reply r = LabApi.call(api, "PUT", "/v1/vnics/g2/props/bandwidth-limit", "{\"value\":\"8k\"}");
        assertEquals(400, r.status(), r.body().toString());
        assertTrue(r.body().toString().contains("under one 1514-byte frame"), r.body().toString());
        put("/v1/vnics/g2/props/bandwidth-limit", "unlimited");
        assertTrue(iperf(false) * WIRE_PER_PAYLOAD > 2 * LIMIT, "lifted live");
    }
}
