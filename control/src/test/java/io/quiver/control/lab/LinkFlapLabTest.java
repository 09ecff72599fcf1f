package io.quiver.control.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.control.daemon.QuiverProcess;
import io.quiver.control.host.Shell;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A guest's link goes down and up under traffic (docs/testing.md, "Fault injection"): Quiver's end of the veth is
 * set down while guest 1 pings guest 2 and then up again, three times. Each time the port's link shows down and up
 * in show-port's data and in the metrics, the change is counted, no mbuf is left behind, and the ping gets through
 * again by itself, with nobody touching Quiver. Real namespaces, the real daemon. Needs root.
 */
class LinkFlapLabTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static QuiverProcess quiver;
    static String api;

    @BeforeAll
    static void up() throws Exception {
        LabApi.assumeLab("ip", "ping");
        Path config = new NamespaceLab(2, "shared", dir).up();
        quiver = QuiverProcess.start("run", "--config", config.toString(), "--file-prefix", "quiver-flap-" + ProcessHandle.current().pid(),
                "--state-dir", dir.resolve("state").toString(), "--api", "127.0.0.1:0");
        api = quiver.apiUrl(60);
        quiver.awaitOutput("quiver: running", 30);
    }

    @AfterAll
    static void down() throws Exception {
        if (quiver != null) {
            quiver.stop();
        }
        NamespaceLab.down(2);
    }

    static String get(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.body();
    }

    static JsonNode port(String name) throws Exception {
        for (JsonNode p : JSON.readTree(get("/v1/ports"))) {
            if (p.get("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no port " + name);
    }

    static double metric(String line) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(line) + "\\s+([0-9.eE+-]+)$").matcher(get("/metrics"));
        assertTrue(m.find(), "no " + line + " in the metrics");
        return Double.parseDouble(m.group(1));
    }

    /** Waits up to {@code seconds} for port g2's link to read {@code up}, in the API and in the metrics. */
    static void awaitLink(boolean up, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (port("g2").get("linkUp").asBoolean() != up && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(up, port("g2").get("linkUp").asBoolean(), "port g2's link in the API");
        assertEquals(up ? 1.0 : 0.0, metric("quiver_port_link_up{port=\"g2\",role=\"guests\"}"), "and in the metrics");
    }

    static boolean pingGetsThrough(int seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (NamespaceLab.exec(NamespaceLab.guestNamespace(1), 10, "ping", "-c", "1", "-W", "1", NamespaceLab.guestIp(2)).exitCode() == 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aFlappingLinkShowsItsStateAndTrafficResumesByItself() throws Exception {
        assertTrue(pingGetsThrough(10), "g1 reaches g2 before");
        awaitLink(true, 5);
        long changes = port("g2").get("linkChanges").asLong();
        double mbufsBefore = metric("quiver_mbufs_in_use");
        // a flood of pings keeps frames coming for g2 while its link is down
        Process load = new ProcessBuilder("ip", "netns", "exec", NamespaceLab.guestNamespace(1), "ping", "-i", "0.01", "-q",
                NamespaceLab.guestIp(2)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            for (int flap = 1; flap <= 3; flap++) {
                Shell.check("ip", "link", "set", "qvg2h", "down");
                awaitLink(false, 5);
                Thread.sleep(500);
                Shell.check("ip", "link", "set", "qvg2h", "up");
                awaitLink(true, 10);
                long want = changes + 2L * flap; // the link monitor looks every 200 ms: give it a few looks
                long deadline = System.nanoTime() + 3_000_000_000L;
                while (port("g2").get("linkChanges").asLong() < want && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(want, port("g2").get("linkChanges").asLong(), "every change counted, flap " + flap);
                assertTrue(pingGetsThrough(15), "traffic resumes by itself after flap " + flap);
            }
        } finally {
            load.destroyForcibly().waitFor();
        }
        Thread.sleep(500);
        assertTrue(metric("quiver_mbufs_in_use") <= mbufsBefore + 512, "no mbuf left behind: " + metric("quiver_mbufs_in_use")
                + " in use, " + mbufsBefore + " before");
        assertTrue(quiver.stdout().contains("port g2") || quiver.stderr().contains("port g2"), "the changes are logged");
    }
}
