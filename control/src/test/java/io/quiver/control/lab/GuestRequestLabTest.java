package io.quiver.control.lab;

import io.quiver.control.host.Shell;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.control.cli.QuiverCli;
import io.quiver.control.daemon.QuiverProcess;
import io.quiver.control.guest.GuestRequestService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guests change their own network configuration through their VNIC, under the policy the host set; the host
 * changes a guest's configuration and the guest is told. Real namespaces, the real daemon, the guest-side
 * {@code quiver guest} tool run inside the guests' namespaces. Needs root (skips, saying why, without it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuestRequestLabTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The lab's lcore CPU (the main CPU's neighbour). */
    static final String LCORE_CPU = "1";

    @TempDir
    static Path dir;
    static QuiverProcess quiver;
    static String api;

    @BeforeAll
    static void up() throws Exception {
        LabApi.assumeLab("ip", "ethtool", "ping");
        Path config = new NamespaceLab(3, "shared", dir).up();
        quiver = QuiverProcess.start("run", "--config", config.toString(), "--file-prefix", "quiver-glab-" + ProcessHandle.current().pid(),
                "--state-dir", dir.resolve("state").toString(), "--api", "127.0.0.1:0"); // the default placement: auto
        api = quiver.apiUrl(60);
        quiver.awaitOutput("quiver: running", 30);
    }

    @AfterAll
    static void down() throws Exception {
        if (quiver != null) {
            quiver.stop();
        }
        NamespaceLab.down(3);
    }

    /** Runs the quiver command inside a guest's namespace, as a guest would. */
    static Shell.Result guest(int i, String... args) {
        return inNamespace(NamespaceLab.guestNamespace(i), args);
    }

    /** Runs the quiver command inside namespace {@code ns}. */
    static Shell.Result inNamespace(String ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                ProcessHandle.current().info().command().orElse("java"), "@" + Path.of(System.getProperty("quiver.home"), "bin", "jvm.options"),
                "-cp", System.getProperty("java.class.path"), QuiverCli.class.getName()));
        cmd.addAll(List.of(args));
        return Shell.run(cmd, 60);
    }

    static JsonNode rest(String method, String path, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(api + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> resp = HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(resp.statusCode() < 300, method + " " + path + ": " + resp.body());
        return resp.body().isEmpty() ? JSON.nullNode() : JSON.readTree(resp.body());
    }

    static Shell.Result ping(int from, String to) {
        return NamespaceLab.exec(NamespaceLab.guestNamespace(from), 20, "ping", "-c", "2", "-W", "2", to);
    }

    static void moveAddress(int i, String from, String to) {
        String ns = NamespaceLab.guestNamespace(i);
        Shell.check("ip", "netns", "exec", ns, "ip", "addr", "del", from, "dev", "qvg" + i);
        Shell.check("ip", "netns", "exec", ns, "ip", "addr", "add", to, "dev", "qvg" + i);
        Shell.check("ip", "netns", "exec", ns, "ip", "route", "replace", "169.254.169.254/32", "dev", "qvg" + i);
    }

    @Test
    @Order(1)
    void aGuestMovesToAnAllowedAddressAndTrafficFollows() throws Exception {
        rest("PUT", "/v1/vnics/g1/policy", "{\"policy\":\"ipv4-addresses=10.77.0.0/24\"}");
        Shell.Result r = guest(1, "guest", "request", "--set", "ipv4-addresses=10.77.0.11/24", "--timeout", "5");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("accepted"), r.output());
        moveAddress(1, "10.77.0.1/24", "10.77.0.11/24");
        Shell.Result p = ping(2, "10.77.0.11");
        assertEquals(0, p.exitCode(), "traffic to the new address flows: " + p.output());
        assertEquals("10.77.0.11/24", rest("GET", "/v1/vnics/g1", null).get("ipv4").get(0).asText());
    }

    @Test
    @Order(2)
    void aForbiddenAddressIsDroppedAuditedAndTheOldOneKeepsWorking() throws Exception {
        Shell.Result r = guest(1, "guest", "request", "--set", "ipv4-addresses=192.168.7.7/24", "--timeout", "2");
        assertEquals(4, r.exitCode(), "no reply: denied requests are dropped: " + r.output());
        boolean audited = false;
        for (JsonNode a : rest("GET", "/v1/audit?limit=1000", null)) {
            audited |= a.get("requester").asText().equals("guest:g1") && a.get("value").asText().contains("192.168.7.7")
                    && a.get("denial").asText().equals("VALUE_NOT_ALLOWED");
        }
        assertTrue(audited, "the denial is audited with its reason");
        assertEquals(0, ping(2, "10.77.0.11").exitCode(), "the old address still works");
        Shell.Result other = guest(1, "guest", "request", "--set", "mtu=1400", "--timeout", "2");
        assertEquals(4, other.exitCode(), "mtu is not in g1's policy: " + other.output());
    }

    @Test
    @Order(3)
    void aGuestThatChangesItsMacWithoutPermissionIsDroppedAsSpoofed() throws Exception {
        Shell.check("ip", "netns", "exec", "qv-g3", "ip", "link", "set", "qvg3", "address", "02:00:00:00:00:33");
        Shell.check("ip", "netns", "exec", "qv-g3", "ip", "neigh", "flush", "all");
        assertNotEquals(0, ping(3, NamespaceLab.guestIp(2)).exitCode(), "its frames no longer pass");
        JsonNode drops = rest("GET", "/v1/vnics/g3", null).get("counters").get("drops");
        assertTrue(drops.has("spoofed-src-mac") && drops.get("spoofed-src-mac").asLong() > 0, drops.toString());
        Shell.check("ip", "netns", "exec", "qv-g3", "ip", "link", "set", "qvg3", "address", NamespaceLab.guestMac(3));
    }

    @Test
    @Order(4)
    void withPermissionTheGuestMovesItsMacAndItsFramesPass() throws Exception {
        rest("PUT", "/v1/vnics/g3/policy", "{\"policy\":\"mac=02:00:00:00:00:33\"}");
        Shell.Result r = guest(3, "guest", "request", "--set", "mac=02:00:00:00:00:33", "--timeout", "5");
        assertEquals(0, r.exitCode(), r.output());
        Shell.check("ip", "netns", "exec", "qv-g3", "ip", "link", "set", "qvg3", "address", "02:00:00:00:00:33");
        Shell.check("ip", "netns", "exec", "qv-g3", "ip", "neigh", "flush", "all");
        Shell.check("ip", "netns", "exec", "qv-g2", "ip", "neigh", "flush", "all");
        Shell.Result p = ping(3, NamespaceLab.guestIp(2));
        assertEquals(0, p.exitCode(), "with the MAC its VNIC now has, g3 talks again: " + p.output());
        assertEquals("02:00:00:00:00:33", rest("GET", "/v1/vnics/g3", null).get("mac").asText());
    }

    @Test
    @Order(6)
    void aFloodIsRateLimitedAndGarbledRequestsAreCountedNotCrashes() throws Exception {
        assumeTrue(Shell.run(List.of("/usr/bin/python3", "-c", "import scapy.all"), 30).exitCode() == 0, "python3-scapy is not installed");
        // g1: its address agrees on both sides since order 1 (g2's was moved by the host in order 5)
        rest("PUT", "/v1/vnics/g1/policy", "{\"policy\":\"ipv4-addresses=10.77.0.0/24; mtu=68..9216\"}");
        JsonNode before = rest("GET", "/v1/stats", null);
        // 60 well-formed requests at once (the default limit lets a burst of 10 through, then 1 per second), then
        // garbage once the bucket has refilled (the limiter runs before decoding): random bytes, a truncated request,
        // a request naming another VNIC (reach the service: malformed), an oversized datagram (dropped by the lcore)
        String script = String.join("\n",
                "import socket, os",
                "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                "for i in range(60):",
                "    s.sendto(b'QUIVER/1 REQUEST %d\\nop: set\\nparameter: mtu\\nvalue: %d\\n\\n' % (i + 1, 1000 + i), ('169.254.169.254', 6860))",
                "import time; time.sleep(3.5)",
                "for junk in [os.urandom(40), b'QUIVER/1 REQUEST 7\\nop: se', b'QUIVER/1 REQUEST 8\\nop: set\\nvnic: g1\\nparameter: mtu\\nvalue: 1400\\n\\n', b'x' * 600]:  # over the 512 a request may have, under the MTU the burst set",
                "    s.sendto(junk, ('169.254.169.254', 6860))");
        Shell.Result r = NamespaceLab.exec("qv-g1", 30, "/usr/bin/python3", "-c", script);
        assertEquals(0, r.exitCode(), r.output());
        Thread.sleep(1000);
        JsonNode after = rest("GET", "/v1/stats", null);
        long accepted = after.get("guestRequestsAccepted").asLong() - before.get("guestRequestsAccepted").asLong();
        long limited = after.get("guestRequestsRateLimited").asLong() - before.get("guestRequestsRateLimited").asLong();
        long malformed = after.get("guestRequestsMalformed").asLong() - before.get("guestRequestsMalformed").asLong();
        assertTrue(accepted >= 10 && accepted <= 13, "the burst and what the rate refilled were served: " + accepted);
        assertEquals(60, accepted + limited, "every other request was counted as rate-limited");
        assertEquals(3, malformed, "garbled, truncated and foreign-field requests are counted as malformed");
        JsonNode g1 = rest("GET", "/v1/vnics/g1", null);
        assertTrue(g1.get("counters").get("drops").has("malformed"), "the oversized datagram is dropped by the dataplane: " + g1);
        assertEquals(0, ping(1, NamespaceLab.UPLINK_IP).exitCode(), "the daemon and g1's traffic are unharmed");
    }

    @Test
    @Order(5)
    void aHostChangeIsToldToTheGuest() throws Exception {
        final Shell.Result[] heard = new Shell.Result[1];
        Thread listener = new Thread(() -> heard[0] = guest(2, "guest", "listen", "--count", "1", "--timeout", "40"));
        listener.start();
        assertTrue(NamespaceLab.awaitUdpListener("qv-g2", 6861, 30), "the guest's listener is bound");
        rest("PUT", "/v1/vnics/g2/props/ipv4-addresses", "{\"value\":\"10.77.0.22/24\"}");
        listener.join();
        assertEquals(0, heard[0].exitCode(), heard[0].output());
        assertTrue(heard[0].output().contains("ipv4-addresses = 10.77.0.22/24"), heard[0].output());
    }

    @Test
    @Order(7)
    void theServiceThreadRunsRealTimeWhereAutoPlacesIt() throws Exception {
        Path task = null;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(quiver.pid()), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                if (Files.readString(t.resolve("comm")).strip().equals("quiver-guest-re")) { // comm keeps 15 characters
                    task = t;
                }
            }
        }
        assertNotNull(task, "the daemon has a guest request service thread");
        String stat = Files.readString(task.resolve("stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // fields from the 3rd on
        assertEquals("10", fields[40 - 3], "rt_priority: " + stat);
        assertEquals("1", fields[41 - 3], "policy SCHED_FIFO: " + stat);
        String status = Files.readString(task.resolve("status"));
        int auto = GuestRequestService.Settings.cpuFor("auto", List.of(Integer.parseInt(LCORE_CPU)), Runtime.getRuntime().availableProcessors());
        if (auto >= 0) { // a machine whose only CPU besides the lcore's is the main one, as this 2-CPU one
            assertTrue(status.contains("Cpus_allowed_list:\t" + auto + "\n"), status);
        } else {
            assertFalse(status.contains("Cpus_allowed_list:\t" + LCORE_CPU + "\n"), "off the lcore's CPU: " + status);
        }
    }

    @Test
    @Order(8)
    void withoutTheTlsOffloadServiceItsDatagramsAreCountedDrops() throws Exception {
        // this daemon's configuration has no tls-offload section: nobody would answer 6862, so the lcore drops and counts;
        // g1, whose address agrees on both sides since order 1 (g2's was moved by the host alone in order 5)
        long before = rest("GET", "/v1/vnics/g1", null).get("counters").get("drops").path("unknown-destination").asLong();
        for (int i = 0; i < 3; i++) {
            Shell.check("ip", "netns", "exec", NamespaceLab.guestNamespace(1), "bash", "-c",
                    "echo offload > /dev/udp/169.254.169.254/6862");
        }
        long after = before;
        for (int i = 0; i < 50 && after < before + 3; i++) {
            Thread.sleep(100);
            after = rest("GET", "/v1/vnics/g1", null).get("counters").get("drops").path("unknown-destination").asLong();
        }
        assertEquals(before + 3, after, "three datagrams to an unserved service port, three counted drops");
    }

    @Test
    @Order(9)
    void theServiceAddressCannotBeReachedFromTheUplink() throws Exception {
        // a host on the uplink's network tries the guests' service three ways: by ARP, by the service's MAC, and by a
        // guest's MAC; identity comes from the ingress VNIC, so none of them may reach the service or be answered
        String ns = NamespaceLab.UPLINK_NS;
        JsonNode before = rest("GET", "/v1/stats", null);
        Shell.check("ip", "netns", "exec", ns, "ip", "route", "replace", "169.254.169.254/32", "dev", "qvup");
        try {
            assertEquals(4, inNamespace(ns, "guest", "request", "--set", "mtu=1400", "--timeout", "2").exitCode(), "no answer by ARP");
            String neighbour = Shell.run(List.of("ip", "netns", "exec", ns, "ip", "neigh", "show", "169.254.169.254"), 10).output();
            assertFalse(neighbour.contains("lladdr"), "the service address is not answered on the uplink: " + neighbour);
            for (String mac : List.of("02:51:56:52:00:01", NamespaceLab.guestMac(1))) {
                Shell.check("ip", "netns", "exec", ns, "ip", "neigh", "replace", "169.254.169.254", "lladdr", mac, "dev", "qvup",
                        "nud", "permanent");
                Shell.Result r = inNamespace(ns, "guest", "request", "--set", "mtu=1400", "--timeout", "2");
                assertEquals(4, r.exitCode(), "no answer when sent to " + mac + ": " + r.output());
            }
        } finally {
            Shell.run(List.of("ip", "netns", "exec", ns, "ip", "neigh", "del", "169.254.169.254", "dev", "qvup"), 10);
            Shell.run(List.of("ip", "netns", "exec", ns, "ip", "route", "del", "169.254.169.254/32"), 10);
        }
        JsonNode after = rest("GET", "/v1/stats", null);
        for (String outcome : List.of("guestRequestsAccepted", "guestRequestsDenied", "guestRequestsRateLimited", "guestRequestsMalformed")) {
            assertEquals(before.get(outcome).asLong(), after.get(outcome).asLong(), outcome + ": nothing from the uplink reached the service");
        }
        Shell.Result g1 = guest(1, "guest", "request", "--set", "mtu=1400", "--timeout", "5");
        assertEquals(0, g1.exitCode(), "the service still answers a guest through its VNIC: " + g1.output());
    }
}
