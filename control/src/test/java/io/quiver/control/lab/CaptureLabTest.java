package io.quiver.control.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quiver.control.daemon.QuiverProcess;
import io.quiver.control.host.Shell;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-VNIC and per-port capture through the real CLI against the real daemon on a namespace lab, read back by
 * {@code tshark}: what it wrote agrees exactly with Quiver's counters, in, out and drops. The lab is kept quiet (no
 * IPv6, permanent neighbours) so that every frame in the window is one the test sent or its answer. Needs root,
 * tshark and python3-scapy (bin/quiver-test installs them).
 */
class CaptureLabTest {
    static final String SCAPY = "/usr/bin/python3";

    @TempDir
    static Path dir;
    static QuiverProcess quiver;
    static String api;

    @BeforeAll
    static void up() throws Exception {
        LabApi.assumeLab("ip", "ping", "tshark", "socat");
        org.junit.jupiter.api.Assumptions.assumeTrue(Shell.run(List.of(SCAPY, "-c", "import scapy.all"), 30).exitCode() == 0,
                "python3-scapy is not installed (bin/quiver-test installs it)");
        Path config = new NamespaceLab(3, "shared", dir).up();
        quiver = LabApi.start(config, "quiver-caplab", dir);
        api = quiver.apiUrl(60);
        quiver.awaitOutput("quiver: running", 30);
        // no frame the test did not send: every neighbour known for good, so no ARP comes in a capture's window
        for (int i = 1; i <= 3; i++) {
            String ns = NamespaceLab.guestNamespace(i);
            for (int j = 1; j <= 3; j++) {
                if (j != i) {
                    Shell.check("ip", "netns", "exec", ns, "ip", "neigh", "replace", NamespaceLab.guestIp(j), "lladdr",
                            NamespaceLab.guestMac(j), "dev", "qvg" + i, "nud", "permanent");
                }
            }
            Shell.check("ip", "netns", "exec", ns, "ip", "neigh", "replace", NamespaceLab.UPLINK_IP, "lladdr", NamespaceLab.UPLINK_MAC,
                    "dev", "qvg" + i, "nud", "permanent");
            Shell.check("ip", "netns", "exec", NamespaceLab.UPLINK_NS, "ip", "neigh", "replace", NamespaceLab.guestIp(i), "lladdr",
                    NamespaceLab.guestMac(i), "dev", "qvup", "nud", "permanent");
        }
    }

    @AfterAll
    static void down() throws Exception {
        if (quiver != null) {
            quiver.stop();
        }
        NamespaceLab.down(3);
    }

    /** One frame as tshark read it. */
    record Frame(int length, int direction, String comment) {
    }

    static List<Frame> tshark(Path file) {
        Shell.Result r = Shell.run(List.of("sh", "-c", "tshark -r '" + file + "' -T fields -E separator=/t -e frame.len"
                + " -e frame.packet_flags_direction -e frame.comment 2>/dev/null"), 60);
        assertEquals(0, r.exitCode(), "tshark read " + file + ": " + r.output());
        List<Frame> frames = new ArrayList<>();
        for (String line : r.output().lines().filter(l -> !l.isBlank()).toList()) {
            String[] f = line.split("\t", -1);
            frames.add(new Frame(Integer.parseInt(f[0]), Integer.decode(f[1]), f.length > 2 ? f[2] : ""));
        }
        return frames;
    }

    /** {@code quiver capture args -w file} in the background, returned once the daemon has attached it (the file has its header). */
    static QuiverProcess capture(Path file, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("capture"));
        a.addAll(List.of(args));
        a.addAll(List.of("-w", file.toString(), "--api", api));
        QuiverProcess p = QuiverProcess.start(a.toArray(String[]::new));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!(Files.exists(file) && Files.size(file) > 0)) {
            assertTrue(System.nanoTime() < deadline, "the capture started: " + p.stderr());
            Thread.sleep(50);
        }
        return p;
    }

    static JsonNode vnic(String name) throws Exception {
        return LabApi.ok(api, "GET", "/v1/vnics/" + name, null).get("counters");
    }

    static JsonNode port(String name) throws Exception {
        for (JsonNode p : LabApi.ok(api, "GET", "/v1/ports", null)) {
            if (p.get("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no port " + name);
    }

    static long delta(JsonNode after, JsonNode before, String field) {
        return after.get(field).asLong() - before.get(field).asLong();
    }

    static Shell.Result in(String ns, String... command) {
        return NamespaceLab.exec(ns, 60, command);
    }

    @Test
    void aVnicsCaptureAgreesWithItsCountersInOutAndDrops() throws Exception {
        Path file = dir.resolve("g1.pcapng");
        JsonNode before = vnic("g1");
        QuiverProcess cli = capture(file, "g1", "--drops", "--duration", "12");
        assertEquals(0, in("qv-g1", "ping", "-c", "3", "-i", "0.2", "-W", "2", NamespaceLab.guestIp(2)).exitCode());
        assertEquals(0, in("qv-up", "ping", "-c", "2", "-i", "0.2", "-W", "2", NamespaceLab.guestIp(1)).exitCode());
        for (int k = 0; k < 4; k++) { // to a closed port: the uplink answers each with ICMP port unreachable
            in("qv-g1", "sh", "-c", "echo d" + k + " | socat -u STDIN UDP-SENDTO:" + NamespaceLab.UPLINK_IP + ":5999");
        }
        String g1 = NamespaceLab.guestMac(1);
        Shell.Result forged = in("qv-g1", SCAPY, "-c", String.join("\n",
                "from scapy.all import *",
                "sendp(Ether(src='02:66:00:00:00:09', dst='" + NamespaceLab.guestMac(2) + "')/IP(src='" + NamespaceLab.guestIp(1)
                        + "', dst='" + NamespaceLab.guestIp(2) + "')/UDP(sport=4000, dport=5001)/b'forged-mac', iface='qvg1', count=2, verbose=0)",
                "sendp(Ether(src='" + g1 + "', dst='" + NamespaceLab.guestMac(2) + "')/IP(src='10.77.0.99', dst='"
                        + NamespaceLab.guestIp(2) + "')/UDP(sport=4000, dport=5001)/(b'x' * 300), iface='qvg1', count=3, verbose=0)"));
        assertEquals(0, forged.exitCode(), forged.output());
        assertEquals(0, cli.waitFor(), cli.stderr());
        JsonNode after = vnic("g1");

        List<Frame> frames = tshark(file);
        List<Frame> inbound = frames.stream().filter(f -> f.direction() == 1 && f.comment().isEmpty()).toList();
        List<Frame> outbound = frames.stream().filter(f -> f.direction() == 2 && f.comment().isEmpty()).toList();
        assertEquals(delta(after, before, "rxPackets"), inbound.size(), "in: what g1 received: " + frames);
        assertEquals(delta(after, before, "rxBytes"), inbound.stream().mapToLong(Frame::length).sum(), "in: bytes");
        assertEquals(delta(after, before, "txPackets") + delta(after, before, "guestRequests"), outbound.size(), "out: what g1 sent");
        assertEquals(delta(after, before, "txBytes"), outbound.stream().mapToLong(Frame::length).sum(), "out: bytes");
        assertTrue(inbound.size() >= 3 + 2 + 4 && outbound.size() >= 3 + 2 + 4, "the traffic was captured: " + frames);

        Map<String, Long> dropped = frames.stream().filter(f -> !f.comment().isEmpty())
                .collect(Collectors.groupingBy(Frame::comment, TreeMap::new, Collectors.counting()));
        Map<String, Long> counted = new TreeMap<>();
        after.get("drops").fields().forEachRemaining(e -> {
            long d = e.getValue().asLong() - (before.get("drops").has(e.getKey()) ? before.get("drops").get(e.getKey()).asLong() : 0);
            if (d > 0) {
                counted.put("drop: " + e.getKey(), d);
            }
        });
        assertEquals(counted, dropped, "every drop captured with its reason");
        assertEquals(Map.of("drop: spoofed-src-ip", 3L, "drop: spoofed-src-mac", 2L), dropped);
        assertTrue(frames.stream().filter(f -> f.comment().equals("drop: spoofed-src-ip")).allMatch(f -> f.length() == 342),
                "a dropped frame is whole: " + frames);
        assertTrue(cli.stderr().contains(frames.size() + " frame(s) captured"), cli.stderr());
    }

    @Test
    void aPortsCaptureAgreesWithItsCounters() throws Exception {
        Path file = dir.resolve("uplink.pcapng");
        JsonNode before = port("uplink");
        QuiverProcess cli = capture(file, "port:uplink", "--duration", "6");
        assertEquals(0, in("qv-up", "ping", "-c", "3", "-i", "0.2", "-s", "1000", "-W", "2", NamespaceLab.guestIp(3)).exitCode());
        assertEquals(0, cli.waitFor(), cli.stderr());
        JsonNode after = port("uplink");
        List<Frame> frames = tshark(file);
        List<Frame> inbound = frames.stream().filter(f -> f.direction() == 1).toList();
        List<Frame> outbound = frames.stream().filter(f -> f.direction() == 2).toList();
        assertEquals(delta(after, before, "rxPackets"), inbound.size(), "in: " + frames);
        assertEquals(delta(after, before, "rxBytes"), inbound.stream().mapToLong(Frame::length).sum());
        assertEquals(delta(after, before, "txPackets"), outbound.size(), "out: " + frames);
        assertEquals(delta(after, before, "txBytes"), outbound.stream().mapToLong(Frame::length).sum());
        assertEquals(3, inbound.size());
        assertTrue(inbound.stream().allMatch(f -> f.length() == 1042), "the pings, whole: " + frames);
    }

    @Test
    void aCaptureWithACountPipesIntoTshark() throws Exception {
        String cmd = QuiverProcess.command("capture", "g2", "--direction", "in", "-c", "2", "--snaplen", "64", "-w", "-", "--api", api)
                .stream().map(a -> "'" + a + "'").collect(Collectors.joining(" "));
        Shell.Result[] piped = new Shell.Result[1];
        Thread reader = new Thread(() -> piped[0] = Shell.run(List.of("sh", "-c", cmd + " 2>/dev/null | tshark -r - -T fields"
                + " -e frame.len -e frame.cap_len -e icmp.type 2>/dev/null"), 60));
        reader.start();
        awaitLog("capture of vnic:g2");
        assertEquals(0, in("qv-g1", "ping", "-c", "3", "-i", "0.2", "-s", "500", "-W", "2", NamespaceLab.guestIp(2)).exitCode());
        reader.join(60_000);
        List<String> lines = piped[0].output().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(List.of("542\t64\t8", "542\t64\t8"), lines, "two echo requests into g2, cut at 64 bytes: " + piped[0].output());
    }

    @Test
    void badCapturesAreRefusedWithTheReason() throws Exception {
        QuiverProcess p = LabApi.cli(api, "capture", "nosuch", "-w", dir.resolve("x.pcapng").toString());
        assertEquals(1, p.waitFor());
        assertTrue(p.stderr().contains("no VNIC or port named 'nosuch'"), p.stderr());
        p = LabApi.cli(api, "capture", "g3", "--direction", "sideways", "-w", dir.resolve("x.pcapng").toString());
        assertEquals(1, p.waitFor());
        assertTrue(p.stderr().contains("in, out or both"), p.stderr());
        assertEquals(400, LabApi.call(api, "GET", "/v1/vnics/g3/capture?snaplen=0", null).status());
        assertEquals(400, LabApi.call(api, "GET", "/v1/vnics/g3/capture?count=-1", null).status());
        assertEquals(400, LabApi.call(api, "GET", "/v1/vnics/g3/capture?duration=soon", null).status());
        assertEquals(400, LabApi.call(api, "GET", "/v1/vnics/g3/capture?filter=tcp", null).status());
        assertEquals(404, LabApi.call(api, "GET", "/v1/ports/nosuch/capture", null).status());

        // one capture per VNIC: a second is refused while the first runs, and taken once it has ended
        HttpResponse<InputStream> first = open("/v1/vnics/g3/capture?duration=30");
        assertEquals(200, first.statusCode());
        LabApi.Reply second = LabApi.call(api, "GET", "/v1/vnics/g3/capture?duration=1", null);
        assertEquals(409, second.status());
        assertTrue(second.body().get("error").asText().contains("captured already"), second.body().toString());
        first.body().close();
        awaitLog("capture of vnic:g3 for rest:127.0.0.1 ended (the reader left)");
        HttpResponse<InputStream> again = open("/v1/vnics/g3/capture?count=1&duration=1");
        assertEquals(200, again.statusCode());
        again.body().readAllBytes();
    }

    @Test
    void deletingTheCapturedVnicEndsItsCapture() throws Exception {
        LabApi.ok(api, "POST", "/v1/vnics", "{\"name\": \"tmp\", \"port\": \"g3\", \"mac\": \"02:00:00:00:07:01\", \"ipv4\": [\"10.77.0.71/24\"]}");
        HttpResponse<InputStream> stream = open("/v1/vnics/tmp/capture");
        assertEquals(200, stream.statusCode());
        LabApi.ok(api, "DELETE", "/v1/vnics/tmp", null);
        long start = System.nanoTime();
        byte[] all = stream.body().readAllBytes(); // ends: the daemon closed the stream
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "ended within seconds");
        assertTrue(all.length > 0 && (all[0] & 0xFF) == 0x0A, "a pcapng section");
        awaitLog("capture of vnic:tmp for rest:127.0.0.1 ended (the vnic was removed)");
    }

    @Test
    void aReaderThatStopsReadingEndsItsCaptureAndFreesTheVnic() throws Exception {
        try (java.net.Socket reader = new java.net.Socket()) {
            URI u = URI.create(api);
            reader.setReceiveBufferSize(4096);
            reader.connect(new java.net.InetSocketAddress(u.getHost(), u.getPort()));
            reader.getOutputStream().write(("GET /v1/vnics/g1/capture?direction=in HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            awaitLog("capture of vnic:g1 for rest:127.0.0.1 started: in");
            // the reader reads nothing: a flood into g1 fills the socket's buffers, and the daemon's write blocks
            Thread flood = new Thread(() -> in("qv-g2", "timeout", "40", "ping", "-f", "-s", "1400", "-c", "30000", "-W", "1",
                    NamespaceLab.guestIp(1)));
            flood.start();
            awaitLog("capture of vnic:g1 for rest:127.0.0.1 ended (the reader stopped reading for 10 s)");
            flood.join();
        }
        HttpResponse<InputStream> again = open("/v1/vnics/g1/capture?count=1&duration=1");
        assertEquals(200, again.statusCode(), "g1 can be captured again");
        again.body().readAllBytes();
    }

    static HttpResponse<InputStream> open(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api + path)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    static void awaitLog(String text) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!(quiver.stdout() + quiver.stderr()).contains(text)) {
            assertTrue(System.nanoTime() < deadline, "no '" + text + "' in the daemon's log: " + quiver.stderr());
            Thread.sleep(50);
        }
    }
}
