package io.quiver.control.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.control.daemon.QuiverProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/** A lab test's daemon and its REST API: started on a lab's configuration, called with JSON. */
final class LabApi {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    record Reply(int status, JsonNode body) {
    }

    private LabApi() {
    }

    /** {@code quiver run} on {@code config}, its own EAL file prefix and state under {@code dir}, the API on a free port. */
    static QuiverProcess start(Path config, String prefix, Path dir) throws Exception {
        return QuiverProcess.start("run", "--config", config.toString(), "--file-prefix", prefix + "-" + ProcessHandle.current().pid(),
                "--state-dir", dir.resolve("state").toString(), "--api", "127.0.0.1:0");
    }

    /** Skips the test class unless it runs as root with {@code tools} installed (bin/quiver-test installs them). */
    static void assumeLab(String... tools) {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root: namespaces, veth pairs and DPDK's runtime folder");
        for (String tool : tools) {
            org.junit.jupiter.api.Assumptions.assumeTrue(io.quiver.control.host.Shell.available(tool),
                    tool + " is not installed (bin/quiver-test installs it)");
        }
    }

    /** The {@code quiver} CLI with {@code args} against the daemon at {@code api}, run to its end. */
    static QuiverProcess cli(String api, String... args) throws Exception {
        java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of(args));
        a.add("--api");
        a.add(api);
        QuiverProcess p = QuiverProcess.start(a.toArray(String[]::new));
        p.waitFor();
        return p;
    }

    /** A call that must succeed (2xx): its body; otherwise the test fails with the status and body. */
    static JsonNode ok(String api, String method, String path, String body) throws Exception {
        Reply r = call(api, method, path, body);
        org.junit.jupiter.api.Assertions.assertTrue(r.status() < 300, method + " " + path + ": " + r.status() + " " + r.body());
        return r.body();
    }

    static Reply call(String api, String method, String path, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(api + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> resp = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(resp.statusCode(), resp.body().isEmpty() ? JSON.nullNode() : JSON.readTree(resp.body()));
    }
}
