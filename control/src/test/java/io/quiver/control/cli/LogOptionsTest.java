package io.quiver.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.control.daemon.QuiverProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run}'s log: quiet at start (only Quiver's own lines, no Chronicle banner, no JVM warnings), JSON lines with
 * {@code --log-format json}, levels per package with {@code --log-level}, DPDK's log among them. The embedded
 * default, as a user first runs it. Needs DPDK (the EAL runs with --no-huge as any user; ports need root).
 */
class LogOptionsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    QuiverProcess run(String... extra) throws Exception {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("run", "--duration", "3", "--api", "127.0.0.1:0",
                "--state-dir", dir.resolve("state").toString(), "--file-prefix", "quiver-logopt-" + ProcessHandle.current().pid()));
        args.addAll(java.util.List.of(extra));
        QuiverProcess p = QuiverProcess.start(args.toArray(String[]::new));
        assertEquals(0, p.waitFor(), p.stderr());
        return p;
    }

    @Test
    void theStartIsQuietAndJsonLinesAreWhatAShipperReads() throws Exception {
        QuiverProcess p = run("--log-format", "json", "--log-level", "info,io.quiver.dataplane.port=debug,dpdk=debug");
        String all = p.stdout() + p.stderr();
        for (String noise : new String[] {"Leave your e-mail", "InternalAnnouncer", "Chronicle core loaded", "WARNING:", "jansi"}) {
            assertFalse(all.contains(noise), "no '" + noise + "' at start: " + all);
        }
        int lines = 0;
        boolean debugOfPort = false;
        for (String line : p.stderr().lines().toList()) {
            JsonNode j = JSON.readTree(line); // every stderr line is one JSON object
            assertTrue(j.has("timestamp") && j.has("level") && j.has("loggerName") && j.has("formattedMessage"), line);
            debugOfPort |= j.get("level").asText().equals("DEBUG") && j.get("loggerName").asText().startsWith("io.quiver.dataplane.port");
            assertFalse(j.get("level").asText().equals("DEBUG") && j.get("loggerName").asText().startsWith("io.quiver.configstore"),
                    "DEBUG only where asked: " + line);
            lines++;
        }
        assertTrue(lines >= 3, "the start was logged: " + p.stderr());
        assertTrue(p.stderr().contains("\"formattedMessage\":\"port uplink = ethdev 0"), "messages formatted: " + p.stderr());
        assertTrue(debugOfPort || p.stderr().contains("\"level\":\"INFO\""), p.stderr());
    }

    @Test
    void aBadLevelIsAUsageError() throws Exception {
        QuiverProcess p = QuiverProcess.start("run", "--log-level", "io.quiver=loud", "--duration", "1");
        assertEquals(2, p.waitFor(), p.stderr());
        assertTrue(p.stderr().contains("'loud' is not a level"), p.stderr());
        p = QuiverProcess.start("run", "--log-format", "xml", "--duration", "1");
        assertEquals(2, p.waitFor(), p.stderr());
        assertTrue(p.stderr().contains("text or json"), p.stderr());
    }
}
