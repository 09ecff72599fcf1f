package io.quiver.control.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quiver.control.daemon.QuiverProcess;
import io.quiver.control.host.Shell;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Virtual network stacks end to end ({@link VnsLab}): Linux hosts in two tenants with the same subnets route between
 * their own subnets through Quiver, never into the other tenant, reach a shared VNS only once routes say so, and reach
 * the outside through a neighbour Quiver resolves by ARP. Real ping, traceroute, tracepath and iperf3 (TCP). Needs
 * root, iproute2, ping, traceroute, tracepath and iperf3 (bin/quiver-test installs them).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VnsLabTest {
    @TempDir
    static Path dir;
    static QuiverProcess quiver;
    static String api;

    @BeforeAll
    static void up() throws Exception {
        LabApi.assumeLab("ip", "ethtool", "ping", "traceroute", "tracepath", "iperf3");
        Path config = new VnsLab(dir).up();
        quiver = LabApi.start(config, "quiver-vns", dir);
        api = quiver.apiUrl(60);
    }

    @AfterAll
    static void down() throws Exception {
        if (quiver != null) {
            quiver.stop();
        }
        VnsLab.down();
    }

    static Shell.Result in(String host, long timeout, String... command) {
        return NamespaceLab.exec(VnsLab.host(host).namespace(), timeout, command);
    }

    static Shell.Result ping(String from, String to) {
        return in(from, 20, "ping", "-c", "2", "-W", "2", to);
    }

    static LabApi.Reply call(String method, String path, String body) throws Exception {
        return LabApi.call(api, method, path, body);
    }

    static JsonNode ok(String method, String path, String body) throws Exception {
        return LabApi.ok(api, method, path, body);
    }

    static QuiverProcess cli(String... args) throws Exception {
        return LabApi.cli(api, args);
    }

    static long counter(String vns, String name) throws Exception {
        return ok("GET", "/v1/vns/" + vns, null).get("counters").get(name).asLong();
    }

    static long rx(String vnic) throws Exception {
        return ok("GET", "/v1/vnics/" + vnic, null).get("counters").get("rxPackets").asLong();
    }

    static String prefix(String p) {
        return URLEncoder.encode(p, StandardCharsets.UTF_8);
    }

    @Test
    @Order(1)
    void eachTenantRoutesBetweenItsOwnSubnetsAndNeverIntoTheOther() throws Exception {
        long a2Before = rx("a2");
        long b2Before = rx("b2");
        Shell.Result a = ping("a1", "10.0.1.2");
        assertEquals(0, a.exitCode(), "a1 -> a2 through VNS a: " + a.output());
        Shell.Result b = ping("b1", "10.0.1.2");
        assertEquals(0, b.exitCode(), "b1 -> b2 through VNS b, the same addresses: " + b.output());
        assertTrue(a.output().contains("ttl=63"), "one router on the way: " + a.output());
        long a2 = rx("a2") - a2Before;
        long b2 = rx("b2") - b2Before;
        assertTrue(a2 >= 2 && b2 >= 2 && a2 < 8 && b2 < 8, "each tenant's echo reached its own host only: a2 " + a2 + ", b2 " + b2);
        assertEquals(0, ping("a1", "10.0.0.1").exitCode(), "the router answers echo at its gateway address");
        Shell.Result neigh = in("a1", 10, "ip", "neigh", "show", "10.0.0.1");
        String routerMac = ok("GET", "/v1/vns/a", null).get("routerMac").asText();
        assertTrue(neigh.output().contains(routerMac), "the gateway's ARP answer is VNS a's router MAC " + routerMac + ": " + neigh.output());
        Shell.Result tcp = iperf("a2", "a1", "10.0.1.2");
        assertEquals(0, tcp.exitCode(), "TCP through the router: " + tcp.output());
    }

    static Shell.Result iperf(String server, String client, String address) throws Exception {
        Shell.run(List.of("ip", "netns", "exec", VnsLab.host(server).namespace(), "iperf3", "-s", "-1", "-D"), 10);
        NamespaceLab.awaitTcpListener(VnsLab.host(server).namespace(), 5201, 10);
        return in(client, 30, "iperf3", "-c", address, "-t", "2", "-M", "1300");
    }

    @Test
    @Order(2)
    void tracerouteShowsTheRouterAndTracepathFindsTheSmallerMtu() throws Exception {
        Shell.Result trace = in("a1", 60, "traceroute", "-n", "-q", "1", "-w", "2", "-m", "4", "10.0.1.2");
        assertTrue(trace.output().lines().anyMatch(l -> l.strip().startsWith("1  10.0.0.1")), "hop 1 is Quiver's gateway: " + trace.output());
        assertTrue(trace.output().lines().anyMatch(l -> l.strip().startsWith("2  10.0.1.2")), "hop 2 the host: " + trace.output());
        Shell.Result path = in("a1", 60, "tracepath", "-n", "10.0.1.2");
        assertTrue(path.output().contains("pmtu " + VnsLab.SMALL_MTU), "fragmentation-needed from Quiver gave the path MTU: " + path.output());
        assertTrue(counter("a", "ttlExceeded") >= 1 && counter("a", "tooBig") >= 1 && counter("a", "icmpSent") >= 2);
    }

    @Test
    @Order(3)
    void aSharedVnsIsReachableOnlyOnceRoutesLeadThere() throws Exception {
        Shell.Result before = in("a1", 20, "ping", "-c", "1", "-W", "2", "192.168.50.2");
        assertNotEquals(0, before.exitCode(), before.output());
        assertTrue(before.output().contains("Net Unreachable"), "VNS a says it has no route: " + before.output());
        QuiverProcess added = cli("add-route", "a", "192.168.50.0/24", "vns", "shared");
        assertEquals(0, added.waitFor(), added.stderr());
        ok("POST", "/v1/vns/shared/routes", "{\"route\":\"10.0.0.0/24 vns a\"}");
        Shell.Result after = ping("a1", "192.168.50.2");
        assertEquals(0, after.exitCode(), "a1 -> s1 through VNS a and VNS shared, and back: " + after.output());
        assertNotEquals(0, in("b1", 20, "ping", "-c", "1", "-W", "2", "192.168.50.2").exitCode(), "tenant b has no such route");
        String routes = cli("show-route", "a").stdout();
        assertTrue(routes.contains("192.168.50.0/24") && routes.contains("vns shared"), routes);
    }

    @Test
    @Order(4)
    void theOutsideIsReachedThroughANeighbourQuiverResolves() throws Exception {
        Shell.Result out = ping("a1", VnsLab.OUTSIDE_HOST);
        assertEquals(0, out.exitCode(), "a1 -> 198.51.100.1 via 192.0.2.1 on the uplink: " + out.output());
        String neighbours = cli("show-neighbour", "a").stdout();
        assertTrue(neighbours.contains(VnsLab.OUTSIDE_GATEWAY) && neighbours.contains("02:00:00:00:0a:fe"), neighbours);
        assertTrue(counter("a", "arpMiss") >= 1, "the first packet waited for ARP");
        assertNotEquals(0, ping("b1", VnsLab.OUTSIDE_HOST).exitCode(), "tenant b has no way out");
    }

    @Test
    @Order(5)
    void aNeighbourThatNeverAnswersFailsAndItsHeldPacketsAreCountedDropped() throws Exception {
        ok("POST", "/v1/vns/a/routes", "{\"route\":\"203.0.113.0/24 via 192.0.2.99\"}");
        in("a1", 20, "ping", "-c", "3", "-i", "0.2", "-W", "1", "203.0.113.1");
        Thread.sleep(4500); // three broadcast probes a second apart, then failed
        JsonNode n = ok("GET", "/v1/vns/a/neighbours", null);
        String state = "";
        for (JsonNode e : n) {
            if (e.get("address").asText().equals("192.0.2.99")) {
                state = e.get("state").asText();
            }
        }
        assertEquals("failed", state, n.toString());
        assertTrue(counter("a", "heldDropped") >= 3, "the held pings were dropped and counted");
    }

    @Test
    @Order(6)
    void aNeighbourThatGoesAwayFails() throws Exception {
        Shell.check("ip", "netns", "exec", VnsLab.UPLINK_NS, "ip", "addr", "del", VnsLab.OUTSIDE_GATEWAY + "/24", "dev", "qvvup");
        try {
            Thread.sleep(2500); // past neighbour-reachable (2 s): the next packet finds it stale and probes it
            in("a1", 20, "ping", "-c", "1", "-W", "1", VnsLab.OUTSIDE_HOST);
            String state = "";
            for (int i = 0; i < 100 && !state.equals("failed"); i++) {
                Thread.sleep(200);
                for (JsonNode e : ok("GET", "/v1/vns/a/neighbours", null)) {
                    if (e.get("address").asText().equals(VnsLab.OUTSIDE_GATEWAY)) {
                        state = e.get("state").asText();
                    }
                }
            }
            assertEquals("failed", state, "3 unicast and 3 broadcast probes went unanswered");
        } finally {
            Shell.check("ip", "netns", "exec", VnsLab.UPLINK_NS, "ip", "addr", "add", VnsLab.OUTSIDE_GATEWAY + "/24", "dev", "qvvup");
            Shell.check("ip", "netns", "exec", VnsLab.UPLINK_NS, "ip", "route", "replace", "10.0.0.0/8", "via", VnsLab.ROUTER_UPLINK);
        }
    }

    @Test
    @Order(7)
    void routesChangeUnderTrafficWithinABurstAndLoseNothingElse() throws Exception {
        // a steady ping to a2 (a connected subnet) while another route is added and removed 20 times
        CompletableFuture<Shell.Result> steady = CompletableFuture.supplyAsync(
                () -> in("a1", 60, "ping", "-c", "200", "-i", "0.02", "-W", "1", "10.0.1.2"));
        for (int i = 0; i < 20; i++) {
            ok("POST", "/v1/vns/a/routes", "{\"route\":\"172.16.0.0/16 vns shared\"}");
            ok("DELETE", "/v1/vns/a/routes/" + prefix("172.16.0.0/16"), null);
        }
        // a2 becomes a router for 192.168.60.0/24 (so it may send from addresses not its VNIC's), then the route to it
        ok("PUT", "/v1/vnics/a2/props/protection", "{\"value\":\"mac-nospoof\"}");
        in("a2", 10, "ip", "addr", "add", "192.168.60.1/32", "dev", "lo");
        ok("POST", "/v1/vns/a/routes", "{\"route\":\"192.168.60.0/24 via 10.0.1.2\"}");
        Shell.Result first = in("a1", 10, "ping", "-c", "1", "-W", "2", "192.168.60.1");
        assertEquals(0, first.exitCode(), "the new route carries the very next packet: " + first.output());
        Shell.Result r = steady.get();
        assertTrue(r.output().contains(" 0% packet loss"), "no packet of the other route was lost: " + r.output());
    }

    @Test
    @Order(8)
    void badRequestsAreRefusedNamingWhatIsWrong() throws Exception {
        QuiverProcess overlap = cli("create-vns", "c", "--addresses", "10.0.0.1/24,10.0.0.129/25");
        assertEquals(1, overlap.waitFor());
        assertTrue(overlap.stderr().contains("overlap"), overlap.stderr());
        LabApi.Reply outside = call("POST", "/v1/vns/a/routes", "{\"route\":\"172.17.0.0/16 via 172.31.9.9\"}");
        assertEquals(400, outside.status());
        assertTrue(outside.body().get("error").asText().contains("in none of VNS a's subnets"), outside.body().toString());
        assertEquals(404, call("POST", "/v1/vns/a/routes", "{\"route\":\"172.17.0.0/16 vns nowhere\"}").status());
        assertEquals(400, call("POST", "/v1/vns/a/routes", "{\"route\":\"172.17.0.1/16 vns shared\"}").status(), "host bits");
        LabApi.Reply inUse = call("DELETE", "/v1/vns/b", null);
        assertEquals(409, inUse.status());
        assertTrue(inUse.body().get("error").asText().contains("b1, b2"), inUse.body().toString());
        LabApi.Reply limit = call("PUT", "/v1/vns/b/props/max-routes", "{\"value\":\"1\"}");
        assertEquals(400, limit.status(), limit.body().toString());
        QuiverProcess shown = cli("show-vns");
        assertTrue(shown.stdout().contains("shared") && shown.stdout().contains("10.0.0.1/24,10.0.1.1/24"), shown.stdout());
    }

    @Test
    @Order(9)
    void everyVnsCountsWhatItsRouterDid() throws Exception {
        JsonNode a = ok("GET", "/v1/vns/a", null).get("counters");
        assertTrue(a.get("routed").asLong() > 200 && a.get("noRoute").asLong() >= 1 && a.get("local").asLong() >= 2, a.toString());
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("quiver_vns_packets_total{event=\"routed\",vns=\"a\"}"), metrics);
        String audit = cli("show-audit", "--limit", "500").stdout();
        assertTrue(audit.contains("ROUTE_ADD") && audit.contains("ROUTE_DELETE") && audit.contains("VNS_PUT"), audit);
    }
}
