package io.quiver.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.control.daemon.QuiverProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The show verbs' output options against the embedded default, whose guest port replays traffic without pause: -o's
 * columns, -p's lines for scripts, --watch's rates (checked against the counters the REST API gives over the same
 * time), and the usage errors, each one line. Needs DPDK (the EAL runs with --no-huge; the pcap port needs root).
 */
class ShowOutputTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    static QuiverProcess daemon;
    static String api;

    @BeforeAll
    static void start() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root: the embedded default's pcap port and DPDK's runtime folder");
        daemon = QuiverProcess.start("run", "--api", "127.0.0.1:0", "--state-dir", dir.resolve("state").toString(),
                "--file-prefix", "quiver-show-" + ProcessHandle.current().pid());
        api = daemon.apiUrl(60);
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.stop();
        }
    }

    static QuiverProcess cli(String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of(args));
        a.add("--api");
        a.add(api);
        QuiverProcess p = QuiverProcess.start(a.toArray(String[]::new));
        p.waitFor();
        return p;
    }

    static long guestsRx() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/v1/ports")).build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode p : JSON.readTree(r.body())) {
            if (p.get("name").asText().equals("guests")) {
                return p.get("rxPackets").asLong();
            }
        }
        throw new AssertionError("no port guests in " + r.body());
    }

    @Test
    void minusOAndMinusPGiveAScriptTheFieldsItAsksForInItsOrder() throws Exception {
        QuiverProcess p = cli("show-vnic", "-p", "-o", "rx,vnic");
        assertEquals(0, p.waitFor(), p.stderr());
        List<String> lines = p.stdout().strip().lines().toList();
        assertEquals(4, lines.size(), p.stdout());
        for (int i = 0; i < 4; i++) {
            assertTrue(lines.get(i).matches("\\d+:vm" + (i + 1)), lines.get(i));
        }
        QuiverProcess ports = cli("show-port", "-o", "PORT,drops-in");
        assertEquals(0, ports.waitFor(), ports.stderr());
        assertTrue(ports.stdout().startsWith("PORT    DROPS IN\n"), ports.stdout());
        // the embedded default's forged frames: counted by reason, and by reason in -p's form too
        QuiverProcess stats = cli("show-stats", "-p", "-o", "what,drops");
        assertTrue(stats.stdout().lines().anyMatch(l -> l.matches("port guests:spoofed-src-mac \\d+")), stats.stdout());
    }

    @Test
    void watchShowsTotalsThenRatesThatFollowTheCounters() throws Exception {
        long before = guestsRx();
        long t0 = System.nanoTime();
        Thread.sleep(2000);
        double apiRate = (guestsRx() - before) / ((System.nanoTime() - t0) / 1e9);
        QuiverProcess p = cli("show-port", "--watch", "1", "--count", "3", "-o", "port,rx");
        assertEquals(0, p.waitFor(), p.stderr());
        String[] rounds = p.stdout().strip().split("\n\n");
        assertEquals(3, rounds.length, p.stdout());
        assertTrue(rounds[0].startsWith("totals, ") && rounds[0].contains("PORT    RX\n"), rounds[0]);
        for (int r = 1; r < 3; r++) {
            assertTrue(rounds[r].startsWith("per second over ") && rounds[r].contains("PORT    RX/s\n"), rounds[r]);
            String guests = rounds[r].lines().filter(l -> l.startsWith("guests")).findFirst().orElseThrow();
            double cliRate = Double.parseDouble(guests.split("\\s+")[1]);
            // the same replay, measured a few seconds apart on a shared machine: the same order of magnitude
            assertTrue(cliRate > apiRate / 5 && cliRate < apiRate * 5, "rate " + cliRate + " against the API's " + apiRate + ": " + rounds[r]);
            assertTrue(rounds[r].lines().anyMatch(l -> l.matches("uplink\\s+0")), "an idle port's rate is 0: " + rounds[r]);
        }
    }

    @Test
    void aWrongOutputOptionIsOneLineThatSaysWhatToDo() throws Exception {
        QuiverProcess unknown = cli("show-vnic", "-o", "vnic,colour");
        assertEquals(2, unknown.waitFor(), unknown.stderr());
        assertEquals(1, unknown.stderr().strip().lines().count(), unknown.stderr());
        assertTrue(unknown.stderr().contains("no field colour") && unknown.stderr().contains("vnic,port,mac")
                && unknown.stderr().contains("see 'quiver show-vnic --help'"), unknown.stderr());
        for (String[] bad : new String[][] {{"show-vnic", "-p"}, {"show-port", "--count", "2"}, {"show-port", "--watch", "0"},
                {"show-vnic", "--json", "-o", "vnic"}}) {
            QuiverProcess p = cli(bad);
            assertEquals(2, p.waitFor(), String.join(" ", bad) + ": " + p.stderr());
            assertEquals(1, p.stderr().strip().lines().count(), String.join(" ", bad) + ": " + p.stderr());
        }
    }
}
