package io.quiver.control.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.control.daemon.QuiverProcess;
import io.quiver.control.host.Shell;
import io.quiver.dataplane.capture.PcapFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access control of a real daemon on loopback with a token file (docs/control-plane.md, "Access control"): the token
 * file it makes, every route of the API refusing a call without the token, what the daemon keeps readable by its owner
 * only, and the CLI carrying the token from a file. Real process, real HTTP, real files.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessControlTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** What the daemon holds that a refused call must not have changed. */
    static final List<String> STATE = List.of("/v1/vnics", "/v1/vns", "/v1/subscriptions", "/v1/flows", "/v1/aggregations",
            "/v1/audit?limit=1000", "/v1/vns/r1/routes");
    @TempDir
    static Path dir;
    static Path tokenFile;
    static QuiverProcess daemon;
    static String api;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        PcapFile.write(dir.resolve("empty.pcap"), List.of());
        Path config = dir.resolve("quiver.yaml");
        Files.writeString(config, """
                ports:
                  - { name: uplink, devargs: "net_null52,no-rx=1" }
                  - { name: guests, devargs: "net_pcap53,rx_pcap=%s" }
                uplink: { port: uplink }
                vnics:
                  - { name: vm1, mac: "02:00:00:00:20:01", ipv4: ["10.8.0.1/24"], port: guests }
                vns:
                  - { name: r1, properties: { addresses: "10.8.1.1/24" } }
                """.formatted(dir.resolve("empty.pcap")));
        tokenFile = dir.resolve("api.token");
        daemon = QuiverProcess.start("run", "--config", config.toString(), "--state-dir", dir.resolve("state").toString(),
                "--api", "127.0.0.1:0", "--api-token-file", tokenFile.toString(),
                "--file-prefix", "quiver-acl-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        api = daemon.apiUrl(60);
        token = Files.readString(tokenFile).strip();
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.stop();
        }
    }

    static HttpResponse<String> call(String method, String path, String body, String bearer) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            r.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every route the API documents, as METHOD and a path with its parameters filled with names that exist. */
    static List<String[]> documentedRoutes() throws Exception {
        JsonNode openapi = JSON.readTree(call("GET", "/openapi.json", null, token).body());
        Map<String, String> values = Map.of("{name}", "vm1", "{parameter}", "mtu", "{property}", "addresses",
                "{prefix}", "10.99.0.0%2F16", "{port}", "guests");
        List<String[]> routes = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = openapi.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> p = paths.next();
            String path = p.getKey();
            for (Map.Entry<String, String> v : values.entrySet()) {
                path = path.replace(v.getKey(), v.getValue());
            }
            if (path.startsWith("/v1/vns/vm1")) {
                path = path.replace("/v1/vns/vm1", "/v1/vns/r1");
            } else if (path.startsWith("/v1/ports/vm1")) {
                path = path.replace("/v1/ports/vm1", "/v1/ports/guests");
            }
            for (Iterator<String> methods = p.getValue().fieldNames(); methods.hasNext(); ) {
                String m = methods.next().toUpperCase(java.util.Locale.ROOT);
                if (List.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(m)) {
                    routes.add(new String[] {m, path});
                }
            }
        }
        return routes;
    }

    /** The daemon's state as the API shows it, counters left out (they are the lcore's, not the API's, to change). */
    static String state() throws Exception {
        StringBuilder out = new StringBuilder();
        for (String path : STATE) {
            HttpResponse<String> r = call("GET", path, null, token);
            assertEquals(200, r.statusCode(), path + ": " + r.body());
            JsonNode n = JSON.readTree(r.body());
            withoutCounters(n);
            out.append(path).append(' ').append(n).append('\n');
        }
        return out.toString();
    }

    static void withoutCounters(JsonNode n) {
        if (n instanceof ObjectNode o) {
            o.remove(List.of("counters", "rxPackets", "txPackets", "rxBytes", "txBytes", "hits", "lastSeen"));
        }
        n.forEach(AccessControlTest::withoutCounters);
    }

    @Test
    @Order(1)
    void theDaemonMakesATokenFileOnlyItsOwnerCanReadOrWrite() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
        assertTrue(token.matches("[A-Za-z0-9_-]{43}"), "256 random bits, base64url: " + token);
        assertTrue(daemon.stdout().contains("wrote a new API token to " + tokenFile), daemon.stdout());
        assertFalse(daemon.stdout().contains(token) || daemon.stderr().contains(token), "the token is never printed");
    }

    @Test
    @Order(4)
    void everyRouteOnLoopbackRefusesAMissingOrWrongTokenAndChangesNothing() throws Exception {
        String before = state();
        List<String[]> routes = new ArrayList<>(documentedRoutes());
        routes.add(new String[] {"PATCH", "/v1/vnics/vm1"}); // and what the API does not document
        routes.add(new String[] {"POST", "/v1/no-such-resource"});
        assertTrue(routes.size() > 40, "the API documents its routes: " + routes.size());
        int mutating = 0;
        for (String[] route : routes) {
            String body = route[0].equals("GET") || route[0].equals("DELETE") ? null : "{\"name\":\"intruder\"}";
            for (String bearer : new String[] {null, "", "wrong", token + "x", token.substring(1)}) {
                HttpResponse<String> r = call(route[0], route[1], body, bearer);
                assertEquals(401, r.statusCode(), route[0] + " " + route[1] + " with token '" + bearer + "': " + r.body());
                assertTrue(r.body().contains("missing or wrong bearer token"), r.body());
            }
            if (!route[0].equals("GET")) {
                mutating++;
                // the query's token (for a browser's EventSource) is for reading only: a change needs the header
                HttpResponse<String> byQuery = call(route[0], route[1] + "?access_token=" + token, body, null);
                assertEquals(401, byQuery.statusCode(), route[0] + " " + route[1] + " with the token in its query: " + byQuery.body());
            }
        }
        assertTrue(mutating >= 20, "every mutating route was tried: " + mutating);
        assertEquals(before, state(), "no refused call changed anything");
        for (String[] route : routes) {
            if (!route[0].equals("GET")) { // with the token, the same calls reach the API (reads that stream are left out)
                String body = route[1].equals("/v1/cli") ? "show-vnic" : "{\"name\":\"intruder\"}";
                HttpResponse<String> r = call(route[0], route[1], body, token);
                assertNotEquals(401, r.statusCode(), route[0] + " " + route[1] + " with the token: " + r.body());
            }
        }
        assertEquals(200, call("GET", "/v1/vnics?access_token=" + token, null, null).statusCode(), "a read may carry it in its query");
        assertEquals(401, call("GET", "/metrics?access_token=wrong", null, null).statusCode());
    }

    @Test
    @Order(3)
    void whatTheDaemonKeepsOnDiskNoOtherUserCanReadOrWrite() throws Exception {
        Path state = dir.resolve("state");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)), "the state directory Quiver made");
        List<Path> files;
        try (Stream<Path> s = Files.walk(state)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().startsWith("journal-")), "the journal (the audit log) is there: " + files);
        assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().equals("vnics.cm3")), "the store is there: " + files);
        for (Path f : files) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
        }
    }

    @Test
    @Order(2)
    void theCliCarriesTheTokenFromAFileAndIsRefusedWithoutIt() throws Exception {
        QuiverProcess without = QuiverProcess.start("show-vnic", "--api", api);
        assertEquals(1, without.waitFor());
        assertTrue(without.stderr().contains("401") || without.stderr().contains("token"), without.stderr());
        QuiverProcess withFile = QuiverProcess.start(Map.of("QUIVER_TOKEN_FILE", tokenFile.toString()), "show-vnic", "--api", api);
        assertEquals(0, withFile.waitFor(), withFile.stderr());
        assertTrue(withFile.stdout().contains("vm1"), withFile.stdout());
        Path wrong = dir.resolve("wrong.token");
        Files.writeString(wrong, "not-the-token\n");
        QuiverProcess wrongFile = QuiverProcess.start("show-vnic", "--api", api, "--token-file", wrong.toString());
        assertEquals(1, wrongFile.waitFor());
        // bin/quiver: curl reads the file and the daemon runs the verb; a wrong token falls back to the JVM, which says why
        String quiver = Path.of(System.getProperty("quiver.home"), "bin", "quiver").toString();
        Shell.Result script = Shell.run(List.of("env", "QUIVER_TOKEN_FILE=" + tokenFile, quiver, "show-vnic", "--api", api), 120);
        assertEquals(0, script.exitCode(), script.output());
        assertTrue(script.output().contains("vm1"), script.output());
        Shell.Result refused = Shell.run(List.of(quiver, "show-vnic", "--api", api, "--token-file", wrong.toString()), 120);
        assertEquals(1, refused.exitCode(), refused.output());
    }

    @Test
    @Order(5)
    void aTokenFileOtherUsersCanReadIsRefusedBeforeAnythingStarts() throws Exception {
        Path loose = dir.resolve("loose.token");
        Files.writeString(loose, "a-token-others-can-read\n");
        Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
        QuiverProcess refused = QuiverProcess.start("run", "--state-dir", dir.resolve("state2").toString(), "--api", "127.0.0.1:0",
                "--api-token-file", loose.toString(), "--file-prefix", "quiver-acl2-" + ProcessHandle.current().pid());
        assertNotEquals(0, refused.waitFor());
        assertTrue(refused.stderr().contains("can be read or written by other users") && refused.stderr().contains("chmod 600 " + loose),
                refused.stderr());
        Path empty = dir.resolve("empty.token");
        Files.createFile(empty, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        QuiverProcess blank = QuiverProcess.start("run", "--state-dir", dir.resolve("state3").toString(), "--api", "127.0.0.1:0",
                "--api-token-file", empty.toString(), "--file-prefix", "quiver-acl3-" + ProcessHandle.current().pid());
        assertNotEquals(0, blank.waitFor());
        assertTrue(blank.stderr().contains("holds no token"), blank.stderr());
    }
}
