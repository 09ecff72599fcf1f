package io.quiver.control.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.control.daemon.Daemon;
import io.quiver.control.guest.GuestRequestService;
import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.classify.ClassifierChoice;
import io.quiver.dataplane.datapath.DatapathConfig;
import io.quiver.dataplane.datapath.ThreadingMode;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dataplane.vnic.AttachedVnic;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import io.quiver.dataplane.runtime.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Whatever an API client sends (docs/testing.md, "Fuzzing"): a method, a path, a query and a body, to a real daemon
 * (its datapath on pcap ports, its store, its REST API) over real HTTP. Every call is answered with a status the API
 * documents and, for a refusal, a JSON reason; never a 500, which is a failure nobody explained. An input is text:
 * its first line is {@code METHOD /path?query}, the rest the body, so the seeds are readable requests. Streams
 * (captures, events) are left out: they answer by never ending.
 */
class RestApiFuzzTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<Integer> ANSWERS = Set.of(200, 201, 204, 400, 401, 404, 405, 409, 413, 429, 503);
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static Path dir;
    static Daemon daemon;
    static String api;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("quiver-rest-fuzz");
        PcapFile.write(dir.resolve("empty.pcap"), List.of());
        var ports = List.of(PortConfig.of("uplink", "net_null80,no-rx=1"),
                PortConfig.of("guests", "net_pcap81,rx_pcap=" + dir.resolve("empty.pcap") + ",tx_pcap=" + dir.resolve("out.pcap")));
        var base = new RuntimeConfig(EalOptions.virtualDefaults().withFilePrefix("quiver-rest-fuzz-" + ProcessHandle.current().pid()),
                8191, 64, 32, ports);
        var vm1 = AttachedVnic.of("vm1", "02:00:00:00:10:01", List.of(), List.of("10.9.0.1/24"), 0, "guests");
        DatapathConfig config = new DatapathConfig(base, "uplink", DatapathConfig.routes(List.of()), "02:00:00:00:ff:fe",
                List.of(vm1), ThreadingMode.SHARED, List.of(1), 64, 16, ClassifierChoice.AUTO, null, List.of(), List.of());
        daemon = Daemon.start(config, new Daemon.Options(dir.resolve("state"), "127.0.0.1", 0, null,
                GuestRequestService.Settings.defaults(), Map.of("vm1", "mtu=68..9000"), true));
        api = "http://127.0.0.1:" + daemon.apiPort();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (daemon != null) {
                assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create(api + "/v1/vnics")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode(), "the daemon still answers");
                daemon.close();
            }
        } finally {
            FileTrees.delete(dir);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void everyCallIsAnsweredWithADocumentedStatusAndNeverA500(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String line = newline < 0 ? text : text.substring(0, newline);
        String body = newline < 0 ? "" : text.substring(newline + 1);
        int space = line.indexOf(' ');
        if (space < 1) {
            return;
        }
        String method = line.substring(0, space);
        String target = line.substring(space + 1);
        if (!method.matches("GET|POST|PUT|DELETE|PATCH") || !target.startsWith("/") || target.startsWith("//")
                || target.contains("capture") || target.contains("events") || target.contains("/cli")) {
            return;
        }
        URI uri;
        try {
            uri = URI.create(api + target);
        } catch (IllegalArgumentException e) {
            return; // no HTTP client sends it
        }
        HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).method(method,
                body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> reply = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
        int status = reply.statusCode();
        assertTrue(ANSWERS.contains(status), method + " " + target + " -> " + status + ": " + reply.body());
        if (status >= 400) {
            JsonNode error = JSON.readTree(reply.body());
            assertTrue(error.hasNonNull("error") && !error.get("error").asText().isBlank(), "a refusal says why: " + reply.body());
        }
    }
}
