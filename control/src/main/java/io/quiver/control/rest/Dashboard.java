package io.quiver.control.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.quiver.control.service.GuestRequestStats;
import io.quiver.control.service.QuiverService;
import io.quiver.control.service.ServiceException;
import io.quiver.control.service.Views;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * The live dashboard: a page at {@code /} (docs/control-plane.md, "Dashboard") and the stream it follows,
 * {@code GET /v1/events}: server-sent events, a {@code stats} event every second (what {@code /v1/stats} answers) and
 * an {@code audit} event for each audit record as it is written. The page computes rates from consecutive totals and
 * charts them with uPlot, served from its WebJar with its licence.
 */
final class Dashboard {
    /** Event streams open at once; each holds a REST thread. */
    static final int MAX_STREAMS = 8;
    private static final String UPLOT = "/META-INF/resources/webjars/uplot/1.6.30/";
    /** The page's files, and where each is in the jar. */
    private static final Map<String, String> FILES = Map.of(
            "", "/dashboard/index.html",
            "dashboard/app.js", "/dashboard/app.js",
            "dashboard/app.css", "/dashboard/app.css",
            "dashboard/lib/uPlot.iife.min.js", UPLOT + "dist/uPlot.iife.min.js",
            "dashboard/lib/uPlot.min.css", UPLOT + "dist/uPlot.min.css",
            "dashboard/lib/LICENSE", UPLOT + "LICENSE");
    /** Audit records sent when a stream opens, so the feed is not empty. */
    private static final int RECENT_AUDIT = 20;
    private static final long PERIOD_MILLIS = 1000;

    private final QuiverService service;
    private final GuestRequestStats guestStats;
    private final ObjectMapper json;
    private final Semaphore streams = new Semaphore(MAX_STREAMS);
    private volatile boolean closed;

    Dashboard(QuiverService service, GuestRequestStats guestStats, ObjectMapper json) {
        this.service = service;
        this.guestStats = guestStats;
        this.json = json;
    }

    /** The file at {@code path} (without its leading '/'), or null when the dashboard has none there. */
    byte[] file(String path) throws IOException {
        String resource = FILES.get(path);
        if (resource == null) {
            return null;
        }
        try (InputStream in = Dashboard.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's " + resource + " is not in the jar");
            }
            return in.readAllBytes();
        }
    }

    static String contentType(String path) {
        if (path.isEmpty() || path.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (path.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        return path.endsWith(".css") ? "text/css; charset=utf-8" : "text/plain; charset=utf-8";
    }

    /** A stream's slot, taken before the response starts (so a refusal is still an error the client reads). */
    Stream open() {
        if (!streams.tryAcquire()) {
            throw new ServiceException(503, MAX_STREAMS + " event streams are open already: close a dashboard first");
        }
        return new Stream();
    }

    /** Ends every stream at its next tick (the REST API is closing). */
    void close() {
        closed = true;
    }

    /** One client's event stream. */
    final class Stream {
        private Stream() {
        }

        /** Writes events to the exchange until the client leaves or the API closes. */
        void run(HttpExchange x) throws IOException {
            try {
                x.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                x.getResponseHeaders().set("Cache-Control", "no-cache");
                x.sendResponseHeaders(200, 0);
                try (OutputStream out = x.getResponseBody()) {
                    long last = service.lastAuditSequence();
                    List<Views.Audit> recent = service.audit(Math.max(0, last - RECENT_AUDIT), RECENT_AUDIT);
                    for (Views.Audit a : recent) {
                        event(out, "audit", a);
                    }
                    while (!closed) {
                        event(out, "stats", service.stats(guestStats));
                        for (Views.Audit a : service.audit(last, 1000)) {
                            event(out, "audit", a);
                            last = a.sequence();
                        }
                        out.flush(); // a client that left fails here, within a second
                        Thread.sleep(PERIOD_MILLIS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the client left
            } finally {
                streams.release();
            }
        }

        private void event(OutputStream out, String name, Object data) throws IOException {
            out.write(("event: " + name + "\ndata: ").getBytes(StandardCharsets.UTF_8));
            out.write(json.writeValueAsBytes(data));
            out.write("\n\n".getBytes(StandardCharsets.UTF_8));
        }
    }
}
