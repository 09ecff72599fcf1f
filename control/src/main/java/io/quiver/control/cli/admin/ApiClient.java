package io.quiver.control.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;

/**
 * The CLI's way to the daemon: its REST API. Errors come back as {@link ApiException} with the daemon's message.
 * Over {@link HttpURLConnection} rather than {@code java.net.http.HttpClient}: the latter starts a selector thread and
 * initialises TLS before its first request, a few hundred milliseconds of a CLI verb's start (docs/control-plane.md).
 */
public final class ApiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONNECT_MILLIS = 3_000;
    private static final int READ_MILLIS = 30_000;
    private static final int STREAM_SILENCE_MILLIS = 10_000;
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
            HttpURLConnection c = connect(method, path, READ_MILLIS);
            c.setRequestProperty("Accept", "application/json");
            if (body != null) {
                byte[] bytes = JSON.writeValueAsBytes(body);
                c.setDoOutput(true);
                c.setRequestProperty("Content-Type", "application/json");
                c.setFixedLengthStreamingMode(bytes.length);
                try (OutputStream out = c.getOutputStream()) {
                    out.write(bytes);
                }
            }
            int status = c.getResponseCode();
            byte[] reply;
            try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                reply = in == null ? new byte[0] : in.readAllBytes();
            }
            JsonNode json = reply.length == 0 ? JSON.nullNode() : JSON.readTree(reply);
            if (status >= 400) {
                throw refusal(status, json);
            }
            return json;
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /**
     * A GET whose body is read as it comes (a capture's stream), at most 10 s apart: the caller reads it. A refusal
     * is an {@link ApiException} with the daemon's message, as for every other call.
     */
    InputStream stream(String path) {
        try {
            // an idle capture still sends its statistics every second: 10 s of silence is a daemon that stopped
            HttpURLConnection c = connect("GET", path, STREAM_SILENCE_MILLIS);
            int status = c.getResponseCode();
            if (status >= 400) {
                byte[] reply;
                try (InputStream in = c.getErrorStream()) {
                    reply = in == null ? new byte[0] : in.readAllBytes();
                }
                throw refusal(status, reply.length == 0 ? JSON.nullNode() : JSON.readTree(reply));
            }
            return c.getInputStream();
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    private HttpURLConnection connect(String method, String path, int readMillis) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(CONNECT_MILLIS);
        c.setReadTimeout(readMillis);
        c.setUseCaches(false);
        if (token != null && !token.isBlank()) {
            c.setRequestProperty("Authorization", "Bearer " + token);
        }
        return c;
    }

    private static ApiException refusal(int status, JsonNode json) {
        return new ApiException(status, json.hasNonNull("error") ? json.get("error").asText() : "HTTP " + status);
    }

    /**
     * Status 0 (exit 3) only when nothing answered: no connection could be made. Anything after that (a reply that
     * never came, a connection reset after the request was sent) may have done what was asked: status -1, exit 1.
     */
    private ApiException unreachable(IOException e) {
        boolean connecting = e instanceof ConnectException || e instanceof java.net.UnknownHostException
                || e instanceof java.net.NoRouteToHostException || e instanceof java.net.SocketTimeoutException
                && e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("connect");
        if (connecting) {
            return new ApiException(0, "cannot reach the Quiver daemon at " + base + ": is 'quiver run' running? (--api URL or QUIVER_API)");
        }
        return new ApiException(-1, "talking to " + base + ": " + e.getMessage() + " (the request may have been carried out: check)");
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

    /** Whether {@code e} says the daemon could not be reached (no connection at all), as opposed to a refusal. */
    public static boolean unreachable(Throwable e) {
        return e instanceof ApiException a && a.status == 0;
    }
}
