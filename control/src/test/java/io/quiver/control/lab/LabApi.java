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

    static Reply call(String api, String method, String path, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(api + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> resp = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(resp.statusCode(), resp.body().isEmpty() ? JSON.nullNode() : JSON.readTree(resp.body()));
    }
}
