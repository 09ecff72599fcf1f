package io.quiver.control.rest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quiver.control.fabric.FabricDirectory;
import io.quiver.control.tls.TlsOffloadService;
import io.quiver.control.service.Captures;
import io.quiver.control.service.Traces;
import io.quiver.control.service.GuestRequestStats;
import io.quiver.control.service.QuiverService;
import io.quiver.control.service.ServiceException;
import io.quiver.control.service.Views;
import io.quiver.configstore.model.Subscription;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API over {@link QuiverService}: JSON in and out, errors as {@code {"error": "..."}} with a status that
 * says whose fault it was. Bound to loopback by default; bound anywhere else it refuses to start without a token,
 * and then every request must carry {@code Authorization: Bearer <token>}. The OpenAPI document is at
 * {@code /openapi.json}, Prometheus metrics at {@code /metrics}.
 */
public final class RestApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);
    static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 64 * 1024;

    private final HttpServer server;
    private final ExecutorService threads;
    private final QuiverService service;
    private final MetricsExporter metrics;
    private final GuestRequestStats guestStats;
    private final byte[] token;
    /** The fabric this appliance is in, or null. */
    private final FabricDirectory fabric;
    /** The TLS offload service, or null. */
    private final TlsOffloadService tlsOffload;
    private final Captures captures;
    private final Traces traces;
    /** This API's own address, for the verbs it runs for clients ({@link #cli}). */
    private String self;
    /** The CLI's client verbs, which {@link #cli} runs for clients on this host; null where none were given. */
    private ClientVerbs clientVerbs;
    /** Client verbs running at once ({@link #cli}), fewer than the threads their own requests need. */
    private final java.util.concurrent.Semaphore cliSlots = new java.util.concurrent.Semaphore(2);
    private final Dashboard dashboard;

    private RestApi(HttpServer server, QuiverService service, MetricsExporter metrics,
                    GuestRequestStats guestStats, String token, FabricDirectory fabric, TlsOffloadService tlsOffload) {
        this.fabric = fabric;
        this.tlsOffload = tlsOffload;
        this.server = server;
        this.service = service;
        this.metrics = metrics;
        this.guestStats = guestStats;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.captures = new Captures(service.datapath());
        this.traces = new Traces(service.datapath());
        this.dashboard = new Dashboard(service, guestStats, JSON);
        // a capture or a dashboard's event stream holds its thread while it streams: the others keep two for every other request
        this.threads = Executors.newFixedThreadPool(2 + Captures.MAX_ACTIVE + Dashboard.MAX_STREAMS, r -> {
            Thread t = new Thread(r, "quiver-rest");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts the API on {@code host:port}. A non-loopback address needs a token.
     *
     * @throws IllegalArgumentException when bound beyond loopback without a token
     */
    public static RestApi start(String host, int port, String token, QuiverService service,
                                GuestRequestStats guestStats) throws IOException {
        return start(host, port, token, service, guestStats, null, null);
    }

    /** The same, for an appliance in fabric {@code fabric} (null: alone), which {@code /v1/fabric} shows. */
    public static RestApi start(String host, int port, String token, QuiverService service,
                                GuestRequestStats guestStats, FabricDirectory fabric, TlsOffloadService tlsOffload)
            throws IOException {
        return start(host, port, token, service, guestStats, fabric, tlsOffload, null);
    }

    /** The same, running {@code clientVerbs} for {@code bin/quiver}'s curl ({@code POST /v1/cli}; null: refused). */
    public static RestApi start(String host, int port, String token, QuiverService service, GuestRequestStats guestStats,
                                FabricDirectory fabric, TlsOffloadService tlsOffload, ClientVerbs clientVerbs)
            throws IOException {
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress() && (token == null || token.isBlank())) {
            throw new IllegalArgumentException("the REST API on " + host + " (beyond loopback) needs a token: --api-token-file FILE");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 16);
        RestApi api = new RestApi(server, service, new MetricsExporter(service, guestStats, fabric, tlsOffload), guestStats,
                token, fabric, tlsOffload);
        String reachable = address.isAnyLocalAddress() ? "127.0.0.1" : address.getHostAddress();
        api.self = "http://" + (reachable.contains(":") ? "[" + reachable + "]" : reachable) + ":" + server.getAddress().getPort();
        api.clientVerbs = clientVerbs;
        server.createContext("/", api::handle);
        server.setExecutor(api.threads);
        server.start();
        LOG.info("REST API on http://{}:{}/ (OpenAPI at /openapi.json, metrics at /metrics){}", host, server.getAddress().getPort(),
                token == null ? "" : ", token required");
        return api;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        try {
            if (!authorised(x)) {
                send(x, 401, Map.of("error", "missing or wrong bearer token"));
                return;
            }
            String path = x.getRequestURI().getRawPath();
            String[] parts = path.replaceAll("^/+|/+$", "").split("/");
            String method = x.getRequestMethod();
            Object result = route(method, parts, query(x), x);
            if (result instanceof Captures.Capture capture) {
                stream(x, capture);
            } else if (result instanceof Dashboard.Stream events) {
                events.run(x);
            } else if (result instanceof CliReply reply) {
                byte[] body = (reply.outcome().out() + '\0' + reply.outcome().err()).getBytes(StandardCharsets.UTF_8);
                x.getResponseHeaders().set("Content-Type", "application/octet-stream");
                x.getResponseHeaders().set("X-Quiver-Exit", Integer.toString(reply.outcome().exit()));
                x.sendResponseHeaders(200, body.length);
                try (OutputStream o = x.getResponseBody()) {
                    o.write(body);
                }
            } else if (result instanceof Raw raw) {
                x.getResponseHeaders().set("Content-Type", raw.contentType());
                x.sendResponseHeaders(200, raw.body().length);
                try (OutputStream o = x.getResponseBody()) {
                    o.write(raw.body());
                }
            } else if (result == null) {
                x.sendResponseHeaders(204, -1);
            } else {
                send(x, "POST".equals(method) ? 201 : 200, result);
            }
        } catch (ServiceException e) {
            send(x, e.status(), Map.of("error", e.getMessage()));
        } catch (JacksonException e) {
            send(x, 400, Map.of("error", "malformed JSON: " + e.getOriginalMessage()));
        } catch (RuntimeException e) {
            LOG.warn("REST {} {} failed", x.getRequestMethod(), x.getRequestURI().getPath(), e); // the path: a query may hold a token
            send(x, 500, Map.of("error", e.getClass().getSimpleName() + ": " + e.getMessage()));
        } finally {
            x.close();
        }
    }

    private record Raw(String contentType, byte[] body) {
    }

    /** A capture, streamed as pcapng for as long as it runs (chunked: its length is not known). */
    private static void stream(HttpExchange x, Captures.Capture capture) throws IOException {
        try (capture) {
            x.getResponseHeaders().set("Content-Type", "application/x-pcapng");
            x.sendResponseHeaders(200, 0);
            try (OutputStream o = x.getResponseBody()) {
                capture.streamTo(o);
            } catch (IOException e) {
                // the reader left while the last block was written: the capture ended, nothing to answer
            }
        }
    }

    private Object route(String method, String[] p, Map<String, String> q, HttpExchange x) throws IOException {
        String who = "rest:" + x.getRemoteAddress().getAddress().getHostAddress();
        if (p.length == 1 && p[0].equals("metrics") && method.equals("GET")) {
            return new Raw(MetricsExporter.CONTENT_TYPE, metrics.scrape());
        }
        if (p.length == 1 && p[0].equals("openapi.json") && method.equals("GET")) {
            try (InputStream in = RestApi.class.getResourceAsStream("/openapi.json")) {
                return new Raw("application/json", in.readAllBytes());
            }
        }
        if (method.equals("GET") && (p.length == 1 && p[0].isEmpty() || p.length >= 2 && p[0].equals("dashboard"))) {
            String file = String.join("/", p);
            byte[] body = dashboard.file(file);
            if (body != null) {
                return new Raw(Dashboard.contentType(file), body);
            }
        }
        if (p.length == 2 && p[0].equals("v1") && p[1].equals("events") && method.equals("GET")) {
            return dashboard.open();
        }
        if (p.length == 2 && p[0].equals("v1") && p[1].equals("cli") && method.equals("POST")) {
            return cli(bytes(x), x.getRemoteAddress().getAddress().isLoopbackAddress());
        }
        if (p.length < 2 || !p[0].equals("v1")) {
            throw ServiceException.notFound("no such resource: " + x.getRequestURI().getPath() + " (see /openapi.json)");
        }
        String resource = p[1];
        switch (resource) {
            case "vnics" -> {
                if (p.length == 2) {
                    return switch (method) {
                        case "GET" -> service.vnics();
                        case "POST" -> service.createVnic(JSON.readValue(body(x), Views.CreateVnic.class), who);
                        default -> throw notAllowed(method, x);
                    };
                }
                String name = decode(p[2]);
                if (p.length == 3) {
                    return switch (method) {
                        case "GET" -> service.vnic(name);
                        case "DELETE" -> {
                            service.deleteVnic(name, who);
                            yield null;
                        }
                        default -> throw notAllowed(method, x);
                    };
                }
                if (p[3].equals("props")) {
                    if (p.length == 4 && method.equals("GET")) {
                        return service.properties(name);
                    }
                    if (p.length == 5 && method.equals("PUT")) {
                        return service.setProperty(name, decode(p[4]), field(body(x), "value"), who);
                    }
                }
                if (p[3].equals("capture") && p.length == 4 && method.equals("GET")) {
                    return captures.open(Captures.Kind.VNIC, name, q, who);
                }
                if (p[3].equals("policy") && p.length == 4) {
                    return switch (method) {
                        case "GET" -> Map.of("policy", service.policy(name));
                        case "PUT" -> {
                            service.setPolicy(name, field(body(x), "policy"), who);
                            yield Map.of("policy", service.policy(name));
                        }
                        default -> throw notAllowed(method, x);
                    };
                }
            }
            case "vns" -> {
                Object result = vns(method, p, x, who);
                if (result != NOT_FOUND) {
                    return result;
                }
            }
            case "fabric" -> {
                if (p.length == 2 && method.equals("GET")) {
                    if (fabric == null) {
                        throw ServiceException.notFound("this appliance is in no fabric (the configuration file has no 'fabric:' section)");
                    }
                    return fabric.view();
                }
            }
            case "tls-offload" -> {
                if (p.length == 2 && method.equals("GET")) {
                    if (tlsOffload == null) {
                        throw ServiceException.notFound("the TLS offload service is off (the configuration file has no 'tls-offload:' section)");
                    }
                    return tlsOffload.view();
                }
            }
            case "aggregations" -> {
                Object result = aggregations(method, p, x, who);
                if (result != NOT_FOUND) {
                    return result;
                }
            }
            case "subscriptions", "flows" -> {
                Subscription.Kind kind = resource.equals("flows") ? Subscription.Kind.FLOW : Subscription.Kind.SUBSCRIPTION;
                if (p.length == 2) {
                    return switch (method) {
                        case "GET" -> service.subscriptions(kind);
                        case "POST" -> kind == Subscription.Kind.FLOW
                                ? service.addFlow(JSON.readValue(body(x), Views.CreateFlow.class), who)
                                : service.createSubscription(JSON.readValue(body(x), Views.CreateSubscription.class), who);
                        default -> throw notAllowed(method, x);
                    };
                }
                if (p.length == 3) {
                    String name = decode(p[2]);
                    return switch (method) {
                        case "GET" -> service.subscription(name, kind);
                        case "PUT" -> {
                            if (kind == Subscription.Kind.FLOW) {
                                throw notAllowed(method, x);
                            }
                            yield service.replaceSubscription(name, JSON.readValue(body(x), Views.CreateSubscription.class), who);
                        }
                        case "DELETE" -> {
                            service.deleteSubscription(name, kind, who);
                            yield null;
                        }
                        default -> throw notAllowed(method, x);
                    };
                }
            }
            case "connections" -> {
                if (p.length == 2 && method.equals("GET")) {
                    long limit = number(q, "limit", 100);
                    if (limit < 0 || limit > 100_000) {
                        throw ServiceException.badRequest("'limit' is 0..100000, not " + limit);
                    }
                    return service.connections(q.get("level"), q.get("address"), (int) limit);
                }
            }
            case "audit" -> {
                if (method.equals("GET")) {
                    return service.audit(number(q, "after", 0), (int) number(q, "limit", 100));
                }
            }
            case "ports" -> {
                if (p.length == 4 && p[3].equals("capture") && method.equals("GET")) {
                    return captures.open(Captures.Kind.PORT, decode(p[2]), q, who);
                }
                if (p.length == 4 && p[3].equals("trace") && method.equals("GET")) {
                    return traces.trace(decode(p[2]), q);
                }
                if (method.equals("GET")) {
                    return service.ports();
                }
            }
            case "stats" -> {
                if (p.length == 2 && method.equals("GET")) {
                    return service.stats(guestStats);
                }
                if (p.length == 3 && p[2].equals("guest-latency") && method.equals("DELETE")) {
                    guestStats.resetLatency();
                    return null;
                }
            }
            default -> {
            }
        }
        throw ServiceException.notFound("no such resource: " + method + " " + x.getRequestURI().getPath() + " (see /openapi.json)");
    }

    private static final Object NOT_FOUND = new Object();

    /** A CLI verb the daemon ran for a client: its output and exit status. */
    private record CliReply(ClientVerbs.Outcome outcome) {
    }

    /**
     * {@code POST /v1/cli}: a client verb (its arguments NUL-separated) run here, as {@code bin/quiver}'s curl asks
     * (docs/control-plane.md, "A fast CLI"): through this API, with this API's token, so it may do nothing the caller
     * could not do itself; a verb that streams or acts on the client's host is refused (400) and runs in the client.
     */
    private CliReply cli(byte[] body, boolean loopback) {
        if (!loopback) { // its REST calls would be audited as this host's own: a remote client runs its verbs itself
            throw ServiceException.badRequest("the daemon runs verbs for clients on its own host only: run it locally");
        }
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(new String(body, StandardCharsets.UTF_8).split("\0", -1)));
        if (!args.isEmpty() && args.get(args.size() - 1).isEmpty()) {
            args.remove(args.size() - 1); // the terminator after the last argument
        }
        if (clientVerbs == null || !ClientVerbs.accepts(args)) {
            throw ServiceException.badRequest("not a verb the daemon runs for a client (it streams or acts on the client's host): run it locally");
        }
        java.util.List<String> through = ClientVerbs.through(args, self, token == null ? null : new String(token, StandardCharsets.UTF_8));
        // each verb holds this thread while its own requests need another: a few at a time, the rest run in the client
        if (!cliSlots.tryAcquire()) {
            throw ServiceException.unavailable("busy running other clients' verbs: run it locally");
        }
        try {
            return new CliReply(clientVerbs.run(through.toArray(String[]::new)));
        } catch (IllegalArgumentException streams) {
            throw ServiceException.badRequest(streams.getMessage());
        } finally {
            cliSlots.release();
        }
    }

    /** {@code /v1/aggregations[/NAME[/ports[/PORT]]]}: show-aggr, create-aggr, modify-aggr, add-aggr, remove-aggr. */
    private Object aggregations(String method, String[] p, HttpExchange x, String who) throws IOException {
        if (p.length == 2) {
            return switch (method) {
                case "GET" -> service.aggregations();
                case "POST" -> service.createAggregation(JSON.readValue(body(x), Views.AggregationRequest.class), who);
                default -> throw notAllowed(method, x);
            };
        }
        String name = decode(p[2]);
        if (p.length == 3) {
            return switch (method) {
                case "GET" -> service.aggregation(name);
                case "PUT" -> service.modifyAggregation(name, JSON.readValue(body(x), Views.AggregationRequest.class), who);
                default -> throw notAllowed(method, x);
            };
        }
        if (p[3].equals("ports")) {
            if (p.length == 4 && method.equals("POST")) {
                return service.addAggregationMember(name, JSON.readValue(body(x), Views.AggregationPort.class).port(), who);
            }
            if (p.length == 5 && method.equals("DELETE")) {
                return service.removeAggregationMember(name, decode(p[4]), who);
            }
        }
        return NOT_FOUND;
    }

    /** {@code /v1/vns[/NAME[/props[/PROP]|/routes[/PREFIX]|/neighbours]]}; a prefix's '/' is written %2F. */
    private Object vns(String method, String[] p, HttpExchange x, String who) throws IOException {
        if (p.length == 2) {
            return switch (method) {
                case "GET" -> service.vnses();
                case "POST" -> service.createVns(JSON.readValue(body(x), Views.CreateVns.class), who);
                default -> throw notAllowed(method, x);
            };
        }
        String name = decode(p[2]);
        if (p.length == 3) {
            return switch (method) {
                case "GET" -> service.vns(name);
                case "DELETE" -> {
                    service.deleteVns(name, who);
                    yield null;
                }
                default -> throw notAllowed(method, x);
            };
        }
        switch (p[3]) {
            case "props" -> {
                if (p.length == 4 && method.equals("GET")) {
                    return service.vnsProperties(name);
                }
                if (p.length == 5 && method.equals("PUT")) {
                    return service.setVnsProperty(name, decode(p[4]), field(body(x), "value"), who);
                }
            }
            case "routes" -> {
                if (p.length == 4) {
                    return switch (method) {
                        case "GET" -> service.routes(name);
                        case "POST" -> service.addRoute(name, field(body(x), "route"), who);
                        default -> throw notAllowed(method, x);
                    };
                }
                if (p.length == 5 && method.equals("DELETE")) {
                    service.deleteRoute(name, decode(p[4]), who);
                    return null;
                }
            }
            case "neighbours" -> {
                if (p.length == 4 && method.equals("GET")) {
                    return service.neighbours(name);
                }
            }
            default -> {
            }
        }
        return NOT_FOUND;
    }

    private boolean authorised(HttpExchange x) {
        if (token == null) {
            return true;
        }
        String h = x.getRequestHeaders().getFirst("Authorization");
        String bearer = h != null && h.startsWith("Bearer ") ? h.substring(7) : null;
        if (bearer == null && x.getRequestMethod().equals("GET")) {
            bearer = query(x).get("access_token"); // RFC 6750: a browser's page and its EventSource cannot set headers
        }
        byte[] given = bearer == null ? new byte[0] : bearer.getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token);
    }

    /**
     * The body as JSON text: UTF-8, which RFC 8259 makes JSON's only encoding on the wire. Decoded here, strictly, rather
     * than by Jackson from bytes: Jackson guesses UTF-16 or UTF-32 from NUL bytes, and its UTF-32 reader fails with an
     * IOException that no handler expects, so the client got a closed connection instead of a 400 (RestApiFuzzTest).
     */
    private static String body(HttpExchange x) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes(x))).toString();
        } catch (CharacterCodingException e) {
            throw ServiceException.badRequest("the body is not UTF-8 text: JSON travels as UTF-8");
        }
    }

    private static byte[] bytes(HttpExchange x) throws IOException {
        try (InputStream in = x.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                throw ServiceException.badRequest("request body over " + MAX_BODY + " bytes");
            }
            return b;
        }
    }

    private static String field(String body, String name) throws IOException {
        JsonNode n = JSON.readTree(body);
        if (n == null || !n.hasNonNull(name) || !n.get(name).isValueNode()) {
            throw ServiceException.badRequest("the body must be a JSON object with a '" + name + "' string");
        }
        return n.get(name).asText();
    }

    private static Map<String, String> query(HttpExchange x) {
        Map<String, String> q = new HashMap<>();
        String raw = x.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    q.put(decode(kv.substring(0, eq)), decode(kv.substring(eq + 1)));
                }
            }
        }
        return q;
    }

    private static long number(Map<String, String> q, String name, long fallback) {
        String v = q.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ServiceException.badRequest("'" + name + "' must be a number, not '" + v + "'");
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static ServiceException notAllowed(String method, HttpExchange x) {
        return new ServiceException(405, method + " is not allowed on " + x.getRequestURI().getPath());
    }

    private static void send(HttpExchange x, int status, Object body) throws IOException {
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(bytes);
        }
    }

    @Override
    public void close() {
        dashboard.close();
        captures.close();
        server.stop(0);
        threads.shutdownNow();
    }
}
