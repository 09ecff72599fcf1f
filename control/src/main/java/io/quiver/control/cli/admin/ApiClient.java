package io.quiver.control.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The CLI's way to the daemon: its REST API. Errors come back as {@link ApiException} with the daemon's message. */
final class ApiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final String base;
    private final String token;

    ApiClient(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
    }

    static String path(String... segments) {
        StringBuilder b = new StringBuilder();
        for (String s : segments) {
            b.append('/').append(URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return b.toString();
    }

    JsonNode get(String path) {
        return send("GET", path, null);
    }

    /** GET, or null when the daemon answers 404 (a resource it does not have, such as a fabric when it runs alone). */
    JsonNode getIfFound(String path) {
        try {
            return get(path);
        } catch (ApiException e) {
            if (e.status == 404) {
                return null;
            }
            throw e;
        }
    }

    JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    JsonNode put(String path, Object body) {
        return send("PUT", path, body);
    }

    JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    private JsonNode send(String method, String path, Object body) {
        try {
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                    .header("Accept", "application/json");
            if (token != null && !token.isBlank()) {
                r.header("Authorization", "Bearer " + token);
            }
            if (body != null) {
                r.header("Content-Type", "application/json");
                r.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            } else {
                r.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<byte[]> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode json = resp.body().length == 0 ? JSON.nullNode() : JSON.readTree(resp.body());
            if (resp.statusCode() >= 400) {
                String message = json.hasNonNull("error") ? json.get("error").asText() : "HTTP " + resp.statusCode();
                throw new ApiException(resp.statusCode(), message);
            }
            return json;
        } catch (ConnectException e) {
            throw new ApiException(0, "cannot reach the Quiver daemon at " + base + ": is 'quiver run' running? (--api URL or QUIVER_API)");
        } catch (IOException e) {
            throw new ApiException(0, "talking to " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, "interrupted");
        }
    }

    /** The daemon refused, or could not be reached. */
    static final class ApiException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        ApiException(int status, String message) {
            super(message);
            this.status = status;
        }
    }
}
