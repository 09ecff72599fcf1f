package io.quiver.control.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.configstore.ConfigStore;
import io.quiver.configstore.StoreOptions;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.control.daemon.QuiverProcess;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.FileTrees;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole daemon killed with SIGKILL at a random moment while the host changes one guest's configuration over REST
 * and another guest changes its own through its VNIC (a real namespace guest sending configuration requests), a
 * hundred times over. After each kill: every change that was acknowledged (a 200, an "accepted" reply) is in the store,
 * nothing newer than what was sent is, the store opens without manual repair, and its maps hold exactly what its
 * journal, the audit log, committed last (ConfigStore.verify). After every other kill the test opens the store itself
 * and checks it; after the others the next daemon recovers it and the check goes through its API. Needs root.
 */
class KillNineLabTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int KILLS = 100;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** A guest that sets its VNIC's tcp-send-buffer to 4096 + k, k rising, and says what it sent and what was accepted. */
    static final String GUEST = String.join("\n",
            "import socket, sys, time",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "s.settimeout(0.5)",
            "k = int(sys.argv[1])",
            "while True:",
            "    v = 4096 + k",
            "    print('SENT', v, flush=True)",
            "    s.sendto(b'QUIVER/1 REQUEST %d\\nop: set\\nparameter: tcp-send-buffer\\nvalue: %d\\n\\n' % (k + 1, v), ('169.254.169.254', 6860))",
            "    try:",
            "        while True:",
            "            r = s.recv(2048).decode()",
            "            if r.startswith('QUIVER/1 REPLY %d\\n' % (k + 1)):",
            "                if 'status: accepted' in r:",
            "                    print('ACK', v, flush=True)",
            "                break",
            "    except socket.timeout:",
            "        pass",
            "    k += 1",
            "    time.sleep(0.02)");

    @TempDir
    static Path dir;
    static Path config;

    @BeforeAll
    static void up() throws Exception {
        LabApi.assumeLab("ip", "python3");
        config = new NamespaceLab(2, "shared", dir).up();
    }

    @AfterAll
    static void down() {
        NamespaceLab.down(2);
    }

    @Test
    void everyAcknowledgedChangeSurvivesAHundredKillsAndTheStoreNeedsNoRepair() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path state = dir.resolve("state");
        long hostAcked = -1;
        long hostNext = 0;
        long guestAcked = -1;
        long guestNext = 0;
        int recoveredByDaemon = 0;
        for (int kill = 1; kill <= KILLS; kill++) {
            String prefix = "quiver-kill9-" + ProcessHandle.current().pid() + "-" + kill;
            QuiverProcess daemon = QuiverProcess.start("run", "--config", config.toString(), "--state-dir", state.toString(),
                    "--api", "127.0.0.1:0", "--file-prefix", prefix, "--guest-rate", "1000", "--guest-burst", "1000");
            String api;
            try {
                api = daemon.apiUrl(60);
                daemon.awaitOutput("quiver: running", 30);
            } catch (AssertionError e) {
                throw new AssertionError("kill " + kill + " (seed " + seed + "): the daemon did not start after the last kill", e);
            }
            String where = "kill " + kill + " (seed " + seed + ")";
            if (kill == 1) {
                put(api, "/v1/vnics/g1/policy", "{\"policy\":\"tcp-send-buffer=4096..67108864\"}");
            } else if (kill % 2 == 0) { // the last kill's store was left to this daemon to recover: check through its API
                recoveredByDaemon++;
                assertBetween(where + ", g2 (host) through the API", hostAcked, hostNext - 1, bytes(get(api, "/v1/vnics/g2")));
                assertBetween(where + ", g1 (guest) through the API", guestAcked, guestNext - 1, bytes(get(api, "/v1/vnics/g1")));
            }
            // the host's changes, each acknowledged by its 200
            AtomicLong sent = new AtomicLong(hostNext - 1);
            AtomicLong acked = new AtomicLong(hostAcked);
            AtomicBoolean stop = new AtomicBoolean();
            long first = hostNext;
            Thread host = new Thread(() -> {
                for (long v = first; !stop.get(); v++) {
                    sent.set(v);
                    try {
                        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/v1/vnics/g2/props/tcp-send-buffer"))
                                .timeout(Duration.ofSeconds(5)).PUT(HttpRequest.BodyPublishers.ofString("{\"value\":\"" + (4096 + v) + "\"}"))
                                .build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            acked.set(v);
                        }
                        Thread.sleep(10);
                    } catch (Exception e) {
                        return; // the daemon is gone
                    }
                }
            }, "host-changes");
            Path guestOut = dir.resolve("guest-" + kill + ".txt");
            Process guest = new ProcessBuilder("ip", "netns", "exec", NamespaceLab.guestNamespace(1), "python3", "-c", GUEST,
                    Long.toString(guestNext)).redirectOutput(guestOut.toFile()).redirectErrorStream(true).start();
            host.start();
            Thread.sleep(300 + random.nextInt(1200));
            daemon.signal("KILL");
            daemon.waitFor();
            stop.set(true);
            host.join(TimeUnit.SECONDS.toMillis(10));
            guest.destroyForcibly().waitFor();
            hostAcked = acked.get();
            hostNext = sent.get() + 1;
            for (String line : Files.readAllLines(guestOut)) {
                String[] f = line.split(" ");
                if (f.length == 2 && f[0].equals("SENT")) {
                    guestNext = Long.parseLong(f[1]) - 4096 + 1;
                } else if (f.length == 2 && f[0].equals("ACK")) {
                    guestAcked = Long.parseLong(f[1]) - 4096;
                }
            }
            if (kill % 2 == 0) { // the test opens the store as the next daemon would, and checks it whole; odd kills
                // leave it to the next daemon
                try (ConfigStore store = ConfigStore.open(state, StoreOptions.defaults())) {
                    assertTrue(store.recoveryReport().recovered(), where + ": a killed writer's store is recovered on open");
                    assertEquals(List.of(), store.verify(), where + ": the maps hold what the journal committed last");
                    VnicConfig g2 = store.vnic("g2").orElseThrow();
                    VnicConfig g1 = store.vnic("g1").orElseThrow();
                    assertBetween(where + ", g2 (host)", hostAcked, hostNext - 1, g2.tcpSendBuffer());
                    assertBetween(where + ", g1 (guest)", guestAcked, guestNext - 1, g1.tcpSendBuffer());
                }
            }
            FileTrees.delete(EalOptions.runtimeFolder(prefix)); // a killed EAL leaves its runtime folder behind
        }
        assertTrue(hostAcked > KILLS && guestAcked > KILLS, "both kept changing through the kills: host " + hostAcked
                + ", guest " + guestAcked + " acknowledged");
        assertEquals(KILLS / 2, recoveredByDaemon, "half the kills were recovered by the next daemon");
    }

    /** What the store holds is at least the last acknowledged value and at most the last one sent (4096 + k). */
    static void assertBetween(String what, long acked, long lastSent, long bytes) {
        long k = bytes - 4096;
        if (acked < 0 && bytes == 256 * 1024) {
            return; // nothing acknowledged yet, and the default (256k) still there
        }
        assertTrue(k >= acked, what + ": change " + acked + " was acknowledged, the store holds " + k);
        assertTrue(k <= lastSent, what + ": the store holds " + k + ", later than the last change sent, " + lastSent);
    }

    /** The VNIC's tcp-send-buffer in bytes, from the API's text (256k, 8M, 4099). */
    static long bytes(com.fasterxml.jackson.databind.JsonNode vnic) {
        String v = vnic.get("properties").get("tcp-send-buffer").asText();
        long unit = switch (v.charAt(v.length() - 1)) {
            case 'k' -> 1024;
            case 'M' -> 1024 * 1024;
            case 'G' -> 1024L * 1024 * 1024;
            default -> 1;
        };
        return Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1)) * unit;
    }

    static com.fasterxml.jackson.databind.JsonNode get(String api, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    static void put(String api, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + path)).PUT(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
    }
}
