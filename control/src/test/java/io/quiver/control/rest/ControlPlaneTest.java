package io.quiver.control.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.control.daemon.QuiverProcess;
import io.quiver.dataplane.capture.PcapFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's control plane through its REST API and the quiver CLI: a real daemon process (DPDK on pcap and
 * null ports, its configuration database in a temporary folder), real HTTP, real CLI processes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlPlaneTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    @TempDir
    static Path dir;
    static Path config;
    static QuiverProcess daemon;
    static String api;

    @BeforeAll
    static void start() throws Exception {
        PcapFile.write(dir.resolve("empty.pcap"), List.of());
        config = dir.resolve("quiver.yaml");
        Files.writeString(config, """
                ports:
                  - { name: uplink, devargs: "net_null50,no-rx=1" }
                  - { name: guests, devargs: "net_pcap51,rx_pcap=%s" }
                uplink: { port: uplink }
                vnics:
                  - { name: vm1, mac: "02:00:00:00:10:01", ipv4: ["10.9.0.1/24"], port: guests }
                """.formatted(dir.resolve("empty.pcap")));
        daemon = startDaemon();
    }

    static QuiverProcess startDaemon() throws Exception {
        QuiverProcess q = QuiverProcess.start("run", "--config", config.toString(), "--state-dir", dir.resolve("state").toString(),
                "--api", "127.0.0.1:0", "--file-prefix", "quiver-cp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        api = q.apiUrl(60);
        return q;
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.stop();
        }
    }

    record Reply(int status, JsonNode body) {
    }

    static Reply call(String method, String path, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(api + path));
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> resp = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(resp.statusCode(), resp.body().isEmpty() ? JSON.nullNode() : JSON.readTree(resp.body()));
    }

    static QuiverProcess cli(String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of(args));
        a.add("--api");
        a.add(api);
        QuiverProcess p = QuiverProcess.start(a.toArray(String[]::new));
        p.waitFor();
        return p;
    }

    @Test
    @Order(1)
    void vnicsAreCreatedShownChangedAndDeletedThroughTheCli() throws Exception {
        QuiverProcess created = cli("create-vnic", "vm2", "--port", "guests", "--mac", "02:00:00:00:10:02", "--ipv4", "10.9.0.2/24");
        assertEquals(0, created.waitFor(), created.stderr());
        QuiverProcess shown = cli("show-vnic");
        assertTrue(shown.stdout().contains("vm1") && shown.stdout().contains("vm2") && shown.stdout().contains("10.9.0.2/24"), shown.stdout());
        assertTrue(shown.stdout().contains("FWD"), "show-vnic shows forwarded counts: " + shown.stdout());
        String portTable = cli("show-port").stdout();
        assertTrue(portTable.contains("DROPS IN") && portTable.contains("DROPS OUT") && portTable.contains("MTU"), "show-port: drops by direction and reason: " + portTable);
        QuiverProcess changed = cli("set-vnicprop", "vm2", "ipv4-addresses=10.9.0.22/24", "--json");
        assertEquals(0, changed.waitFor(), changed.stderr());
        assertEquals("10.9.0.22/24", JSON.readTree(changed.stdout()).get("ipv4").get(0).asText());
        QuiverProcess props = cli("show-vnicprop", "vm2");
        assertTrue(props.stdout().contains("ipv4-addresses") && props.stdout().contains("10.9.0.22/24") && props.stdout().contains("mtu"), props.stdout());
        QuiverProcess policy = cli("set-policy", "vm2", "ipv4-addresses=10.9.0.0/24; mtu=68..1500");
        assertEquals(0, policy.waitFor(), policy.stderr());
        assertTrue(cli("show-policy", "vm2").stdout().contains("mtu=68..1500"));
        QuiverProcess ports = cli("show-port");
        assertTrue(ports.stdout().contains("uplink") && ports.stdout().contains("software"), ports.stdout());
        assertTrue(ports.stdout().lines().allMatch(l -> l.length() <= 100), "show-port fits 100 columns: " + ports.stdout());
        QuiverProcess verbose = cli("show-port", "-v");
        assertTrue(verbose.stdout().contains("uplink: classifier software (") && verbose.stdout().contains("drops in: "),
                "show-port -v says why the uplink classifies in software: " + verbose.stdout());
        QuiverProcess stats = cli("show-stats", "--watch", "1", "--count", "2");
        assertEquals(2, stats.stdout().split("GUEST REQUESTS").length - 1, stats.stdout());
        assertEquals(1, stats.stdout().split("GUEST REQUESTS  ACCEPTED/s").length - 1, "the second round is rates: " + stats.stdout());
    }

    @Test
    @Order(2)
    void badRequestsAreClearErrorsAndChangeNothing() throws Exception {
        QuiverProcess unknownVnic = cli("set-vnicprop", "nosuch", "mtu=1400");
        assertEquals(1, unknownVnic.waitFor());
        assertTrue(unknownVnic.stderr().contains("no VNIC named 'nosuch'"), unknownVnic.stderr());
        QuiverProcess badValue = cli("set-vnicprop", "vm1", "mtu=huge");
        assertEquals(1, badValue.waitFor());
        assertTrue(badValue.stderr().contains("mtu"), badValue.stderr());
        QuiverProcess badParam = cli("set-vnicprop", "vm1", "colour=blue");
        assertTrue(badParam.stderr().contains("unknown parameter 'colour'"), badParam.stderr());
        QuiverProcess clash = cli("create-vnic", "vm3", "--port", "guests", "--mac", "02:00:00:00:10:01");
        assertEquals(1, clash.waitFor());
        assertTrue(clash.stderr().contains("02:00:00:00:10:01"), clash.stderr());
        QuiverProcess onUplink = cli("create-vnic", "vm4", "--port", "uplink", "--mac", "02:00:00:00:10:04");
        assertEquals(1, onUplink.waitFor());
        assertTrue(onUplink.stderr().contains("uplink"), onUplink.stderr());
        assertEquals(400, call("POST", "/v1/vnics", "{not json").status());
        assertEquals(400, call("POST", "/v1/vnics", "{\"name\":\"x\"}").status());
        assertEquals(400, call("PUT", "/v1/vnics/vm1/props/mtu", "{\"nothing\":1}").status());
        assertEquals(404, call("GET", "/v1/vnics/ghost", null).status());
        assertEquals(404, call("GET", "/v2/whatever", null).status());
        assertEquals(405, call("PATCH", "/v1/vnics/vm1", null).status());
        assertEquals(400, call("GET", "/v1/audit?limit=-3", null).status());
        assertEquals(400, call("PUT", "/v1/vnics/vm1/policy", "{\"policy\":\"mtu=banana\"}").status());
        Reply clash2 = call("PUT", "/v1/vnics/vm1/props/ipv4-addresses", "{\"value\":\"10.9.0.22/24\"}");
        assertEquals(409, clash2.status(), "vm2 owns 10.9.0.22: " + clash2.body());
        assertEquals("10.9.0.1/24", call("GET", "/v1/vnics/vm1", null).body().get("ipv4").get(0).asText(), "nothing changed");
        assertEquals("10.9.0.1/24", call("GET", "/v1/vnics/vm1/props", null).body().get("ipv4-addresses").asText(), "the database was put back too");
        JsonNode audit = call("GET", "/v1/audit?limit=1000", null).body();
        boolean deniedMtu = false;
        for (JsonNode a : audit) {
            deniedMtu |= a.get("parameter").asText().equals("mtu") && !a.get("committed").asBoolean() && a.get("denial").asText().equals("MALFORMED_VALUE");
        }
        assertTrue(deniedMtu, "the refused change is audited with its reason: " + audit);
        QuiverProcess cliAudit = cli("show-audit");
        assertTrue(cliAudit.stdout().contains("MALFORMED_VALUE"), cliAudit.stdout());
    }

    @Test
    @Order(3)
    void concurrentAdminChangesLeaveTheDatabaseAndTheDataplaneAgreeing() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int n = 10 + i;
            replies.add(pool.submit(() -> call("PUT", "/v1/vnics/vm1/props/ipv4-addresses", "{\"value\":\"10.9.1." + n + "/24\"}")));
            replies.add(pool.submit(() -> call("PUT", "/v1/vnics/vm1/props/mtu", "{\"value\":\"" + (1000 + n) + "\"}")));
        }
        for (Future<Reply> f : replies) {
            assertEquals(200, f.get().status(), f.get().body().toString());
        }
        pool.shutdown();
        JsonNode vm1 = call("GET", "/v1/vnics/vm1", null).body();
        assertEquals(vm1.get("properties").get("ipv4-addresses").asText(), vm1.get("ipv4").get(0).asText(),
                "the live VNIC carries exactly the committed address");
    }

    /** Every parameter at a value other than its default: what a refused change must give back exactly. */
    static final java.util.Map<String, String> EVERY_PARAMETER = new java.util.LinkedHashMap<>();

    static {
        EVERY_PARAMETER.put("secondary-macs", "02:00:00:00:10:22");
        EVERY_PARAMETER.put("mtu", "1400");
        EVERY_PARAMETER.put("default-route", "10.9.0.254");
        EVERY_PARAMETER.put("routing-protocol", "ospf");
        EVERY_PARAMETER.put("transport-protocols", "tcp");
        EVERY_PARAMETER.put("tcp-send-buffer", "1M");
        EVERY_PARAMETER.put("tcp-receive-buffer", "2M");
        EVERY_PARAMETER.put("tcp-port", "8080");
        EVERY_PARAMETER.put("bandwidth-limit", "100M");
        EVERY_PARAMETER.put("priority", "5");
        EVERY_PARAMETER.put("ipv6-addresses", "2001:db8:9::2/64");
        EVERY_PARAMETER.put("protection", "mac-nospoof,ip-nospoof,dhcp-nospoof");
        EVERY_PARAMETER.put("router", "yes");
    }

    @Test
    @Order(3)
    void aChangeTheDataplaneRefusesRestoresTheWholeRecord() throws Exception {
        assertEquals(201, call("POST", "/v1/vnics", """
                {"name": "vm7", "port": "guests", "mac": "02:00:00:00:10:07", "ipv4": ["10.9.0.7/24"]}""").status());
        for (var e : EVERY_PARAMETER.entrySet()) {
            Reply r = call("PUT", "/v1/vnics/vm7/props/" + e.getKey(), "{\"value\":\"" + e.getValue() + "\"}");
            assertEquals(200, r.status(), e + ": " + r.body());
        }
        JsonNode before = call("GET", "/v1/vnics/vm7/props", null).body();
        String vm1Address = call("GET", "/v1/vnics/vm1", null).body().get("ipv4").get(0).asText();
        // the database sees no clash in two VNICs sharing an IPv4 address; the dataplane's classifier does
        Reply refused = call("PUT", "/v1/vnics/vm7/props/ipv4-addresses", "{\"value\":\"" + vm1Address + "\"}");
        assertEquals(409, refused.status(), refused.body().toString());
        assertTrue(refused.body().toString().contains("nothing changed"), refused.body().toString());
        JsonNode after = call("GET", "/v1/vnics/vm7/props", null).body();
        assertEquals(before, after, "every parameter is as it was before the refused change");
        assertEquals("1400", after.get("mtu").asText());
        assertEquals(204, call("DELETE", "/v1/vnics/vm7", null).status());
    }

    @Test
    @Order(4)
    void metricsAndTheOpenApiDocumentAreServed() throws Exception {
        HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("quiver_vnic_rx_packets_total{vnic=\"vm1\"}"), metrics.body());
        assertTrue(metrics.body().contains("quiver_port_link_up{port=\"uplink\",role=\"uplink\"} 1.0"), metrics.body());
        assertTrue(metrics.body().contains("quiver_connection_rules 0.0"), "a software uplink holds no connection rules");
        assertTrue(metrics.body().contains("quiver_connection_rules_refused_total{by=\"nic\"} 0.0"), metrics.body());
        JsonNode openapi = call("GET", "/openapi.json", null).body();
        assertEquals("3.0.3", openapi.get("openapi").asText());
        assertTrue(openapi.get("paths").has("/v1/vnics/{name}/props/{parameter}"));
        assertTrue(openapi.get("paths").has("/v1/vns/{name}/routes/{prefix}"), "the VNS resources are described");
        assertTrue(openapi.get("paths").has("/v1/ports/{name}/trace"), "packet trace is described");
    }

    @Test
    @Order(5)
    void aFrameIsTracedThroughTheDatapathWithoutMovingACounter() throws Exception {
        JsonNode before = call("GET", "/v1/ports", null).body();
        String vm1 = call("GET", "/v1/vnics/vm1", null).body().get("ipv4").get(0).asText().replaceAll("/.*", ""); // moved by earlier tests
        QuiverProcess spoofed = cli("trace", "--port", "guests", "--udp", "02:66:00:00:00:01,02:00:00:00:10:02,10.9.0.1,10.9.0.22");
        assertEquals(0, spoofed.waitFor(), spoofed.stderr());
        // two VNICs on the port (vm1 and vm2): a MAC that is neither's is the port's drop
        assertTrue(spoofed.stdout().contains("no VNIC on port guests sends with 02:66:00:00:00:01")
                && spoofed.stdout().contains("=> dropped: spoofed-src-mac (counted on port guests)"), spoofed.stdout());
        QuiverProcess out = cli("trace", "--port", "guests", "--udp", "02:00:00:00:10:01,02:00:00:00:ff:fe," + vm1 + ",198.51.100.7",
                "--vlan", "0", "--json");
        assertEquals(0, out.waitFor(), out.stderr());
        JsonNode t = JSON.readTree(out.stdout());
        assertEquals("out port uplink", t.get("verdict").asText(), out.stdout());
        assertTrue(t.get("frameOut").asText().startsWith("020000" + "00fffe" + "020000001001"), out.stdout());
        JsonNode arp = call("GET", "/v1/ports/uplink/trace?arp=02:00:00:00:00:99,10.9.0.254," + vm1, null).body();
        assertEquals("delivered to VNIC vm1", arp.get("verdict").asText(), arp.toString());
        assertEquals(before, call("GET", "/v1/ports", null).body(), "a trace sends nothing and counts nothing");
        assertEquals(404, call("GET", "/v1/ports/nope/trace?frame=00", null).status());
        for (String bad : new String[] {"", "?frame=zz", "?udp=1,2", "?frame=00&arp=x", "?arp=02:00:00:00:00:99,1.2.3.4,1.2.3.5&vlan=3",
                "?udp=02:00:00:00:00:01,02:00:00:00:00:02,1.2.3.4,1.2.3.5&size=99999",
                "?udp=02:00:00:00:00:01,02:00:00:00:00:02,1.2.3.4,1.2.3.5&size=10", "?colour=blue"}) {
            Reply r = call("GET", "/v1/ports/guests/trace" + bad, null);
            assertEquals(400, r.status(), bad + ": " + r.body());
            assertTrue(r.body().has("error"), r.body().toString());
        }
        QuiverProcess none = cli("trace", "--port", "guests");
        assertEquals(2, none.waitFor(), "a trace without a frame is a usage error: " + none.stderr());
    }

    /** bin/quiver as a user runs it: curl asks the daemon to run the verb (POST /v1/cli), a JVM when it will not. */
    static io.quiver.control.host.Shell.Result binQuiver(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("quiver.home"), "bin", "quiver").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--api", api));
        return io.quiver.control.host.Shell.run(command, 120);
    }

    @Test
    @Order(6)
    void theDaemonRunsAClientVerbAsTheClientsJvmWouldAndNothingElse() throws Exception {
        for (String[] verb : new String[][] {{"show-vnic"}, {"show-port", "-o", "port,role,rx"}, {"show-policy", "vm1"},
                {"trace", "--port", "guests", "--udp", "02:00:00:00:10:01,02:00:00:00:ff:fe,10.9.0.1,198.51.100.7"}}) {
            QuiverProcess jvm = cli(verb);
            assertEquals(0, jvm.waitFor(), jvm.stderr());
            io.quiver.control.host.Shell.Result daemonSide = binQuiver(verb);
            assertEquals(0, daemonSide.exitCode(), daemonSide.output());
            // bin/quiver may build first (a tree edited since its last build), and says so
            assertEquals(jvm.stdout().strip(), daemonSide.output().replaceFirst("^quiver: building \\(.*\\)\n", "").strip(),
                    String.join(" ", verb));
        }
        io.quiver.control.host.Shell.Result refused = binQuiver("set-vnicprop", "nosuch", "mtu=1400");
        assertEquals(1, refused.exitCode(), refused.output());
        assertTrue(refused.output().contains("no VNIC named 'nosuch'"), refused.output());
        io.quiver.control.host.Shell.Result usage = binQuiver("show-vnic", "--bogus");
        assertEquals(2, usage.exitCode(), usage.output());
        io.quiver.control.host.Shell.Result changed = binQuiver("set-vnicprop", "vm1", "mtu=1400");
        assertEquals(0, changed.exitCode(), changed.output());
        assertEquals("1400", call("GET", "/v1/vnics/vm1/props", null).body().get("mtu").asText(), "a change made through the daemon's CLI");
        for (String refusedHere : new String[] {"capture\u0000vm1\u0000-w\u0000-\u0000", "show-stats\u0000--watch\u00001\u0000",
                "show-vnic\u0000-pw1\u0000-o\u0000vnic\u0000", "run\u0000",
                "lab\u0000up\u0000", ""}) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/v1/cli"))
                    .POST(HttpRequest.BodyPublishers.ofString(refusedHere)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, r.statusCode(), "the daemon runs no '" + refusedHere.replace('\u0000', ' ') + "': " + r.body());
        }
    }

    @Test
    @Order(7)
    void configurationSurvivesARestart() throws Exception {
        daemon.signal("TERM");
        assertEquals(0, daemon.waitFor(), daemon.stderr());
        daemon = startDaemon();
        JsonNode vm2 = call("GET", "/v1/vnics/vm2", null).body();
        assertEquals("10.9.0.22/24", vm2.get("ipv4").get(0).asText(), "a VNIC created at run time comes back with its changed address");
        assertEquals("ipv4-addresses=10.9.0.0/24; mtu=68..1500", call("GET", "/v1/vnics/vm2/policy", null).body().get("policy").asText());
        assertEquals(0, cli("delete-vnic", "vm2").waitFor());
        assertEquals(404, call("GET", "/v1/vnics/vm2", null).status());
    }

    @Test
    @Order(8)
    void beyondLoopbackTheApiNeedsAToken() throws Exception {
        QuiverProcess refused = QuiverProcess.start("run", "--config", config.toString(), "--state-dir", dir.resolve("state2").toString(),
                "--api", "0.0.0.0:0", "--file-prefix", "quiver-cp2-" + ProcessHandle.current().pid());
        assertEquals(1, refused.waitFor());
        assertTrue(refused.stderr().contains("needs a token"), refused.stderr());
    }
}
