package io.quiver.perf.measure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@code quiver run} a benchmark started as a child process, writing to {@code log}: where its API is, and calls to it. */
public final class DaemonProcess {
    private DaemonProcess() {
    }

    /** The REST API's base URL once the daemon said it runs (60 s at most). */
    public static String apiUrl(Path log, Process daemon) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Pattern p = Pattern.compile("REST API on (http://[^/]+)/");
        while (System.nanoTime() < deadline && daemon.isAlive()) {
            String text = Files.readString(log);
            Matcher m = p.matcher(text);
            if (m.find() && text.contains("quiver: running")) {
                return m.group(1);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the daemon did not start; see " + log);
    }

    /** {@code method url} with {@code body} (null: none); the reply's body, or an exception naming the refusal. */
    public static String send(HttpClient http, String method, String url, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + url + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }
}
