package io.quiver.control.tls;

import io.quiver.control.config.TlsOffloadOptions;
import io.quiver.dataplane.datapath.Datapath;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.ring.HandshakeOffloadService;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS handshake offload service of the running appliance (docs/tls-offload.md): the engine and its ring, served
 * to host processes on a Unix socket and to guests through their VNICs. Started by the daemon when the configuration
 * has {@code tls-offload:}, closed before the datapath.
 */
public final class TlsOffloadService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TlsOffloadService.class);

    private final TlsOffloadOptions options;
    private final HandshakeOffloadService engine;
    private final OffloadFrontEnd frontEnd;
    private final OffloadSocketServer socket;
    private final GuestOffloadServer guests;
    private final ScheduledExecutorService sampler;
    private volatile double handshakesPerSecond;
    private long lastHandshakes;
    private long lastSampleNanos = System.nanoTime();

    private TlsOffloadService(TlsOffloadOptions options, HandshakeOffloadService engine, OffloadFrontEnd frontEnd,
                              OffloadSocketServer socket, GuestOffloadServer guests) {
        this.options = options;
        this.engine = engine;
        this.frontEnd = frontEnd;
        this.socket = socket;
        this.guests = guests;
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("quiver-tls-rate").unstarted(r));
        sampler.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Starts the engine, the socket and (with a datapath, when guests are on) the VNIC front end.
     *
     * @param datapath the running datapath whose guests may offload, or null (hosts only)
     * @param audit    records a guest's refused offload: (VNIC, message)
     */
    public static TlsOffloadService start(TlsOffloadOptions options, Datapath datapath, BiConsumer<String, String> audit)
            throws IOException {
        HandshakeOffloadService engine = HandshakeOffloadService.start(options.engine());
        OffloadFrontEnd frontEnd = new OffloadFrontEnd(engine);
        OffloadSocketServer socket = null;
        try {
            socket = OffloadSocketServer.start(frontEnd, options);
            GuestOffloadServer guests = datapath != null && options.guests()
                    ? new GuestOffloadServer(datapath, frontEnd, options, audit) : null;
            LOG.info("TLS offload service: backend {}, guests {}", engine.backendName(),
                    guests == null ? "off" : "on 169.254.169.254 udp/6862, policy default "
                            + (options.policy().enabledByDefault() ? "on" : "off"));
            return new TlsOffloadService(options, engine, frontEnd, socket, guests);
        } catch (IOException | RuntimeException e) {
            if (socket != null) {
                socket.close();
            }
            engine.close();
            throw e;
        }
    }

    private synchronized void sample() {
        long now = System.nanoTime();
        long total = frontEnd.handshakes();
        handshakesPerSecond = (total - lastHandshakes) * 1e9 / Math.max(1, now - lastSampleNanos);
        lastHandshakes = total;
        lastSampleNanos = now;
    }

    /** One client, as {@code show-tls-offload} lists it. */
    public record Client(long id, String kind, String name, int sessions, int pending, long requests, long handshakes,
                         Map<String, Long> refusals) {
    }

    /** The service's state: what the engine holds, what it served, what it refused and why. */
    public record View(String socket, boolean guests, String backend, int ringSize, long processed, long requests,
                       long handshakes, double handshakesPerSecond, int sessions, int secrets, long ringFull,
                       long foreignHandles, long clientsClosed, long unanswerable, long guestQueueOverflows,
                       long guestRepliesLost,
                       long workerAllocatedBytes, Map<String, Long> failures, List<Client> clients) {
    }

    public View view() {
        List<Client> clients = new ArrayList<>();
        for (OffloadClient c : frontEnd.clients()) {
            clients.add(new Client(c.id, c.kind.name().toLowerCase(), c.name, c.sessions.get(), c.pending.get(),
                    c.requests.sum(), c.handshakes.sum(), names(c.refusals())));
        }
        clients.sort(Comparator.comparingLong(Client::id));
        return new View(options.socket().toString(), guests != null, engine.backendName(),
                engine.configuration().ringSize(), engine.processed(), frontEnd.requests(), frontEnd.handshakes(),
                Math.round(handshakesPerSecond * 10) / 10.0, engine.engine().activeConnections(),
                engine.engine().liveSecrets(), engine.channel().fullCount(), engine.engine().foreignHandles(),
                frontEnd.clientsClosed(), frontEnd.unanswerable.sum(), guests == null ? 0 : guests.queueOverflows(),
                guests == null ? 0 : guests.lostReplies.sum(),
                engine.workerAllocatedBytes(), names(frontEnd.refusals()), clients);
    }

    private static Map<String, Long> names(Map<FailureReason, Long> byReason) {
        Map<String, Long> out = new LinkedHashMap<>();
        byReason.forEach((r, n) -> out.put(r.name().toLowerCase().replace('_', '-'), n));
        return out;
    }

    public TlsOffloadOptions options() {
        return options;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        socket.close();
        if (guests != null) {
            guests.close();
        }
        engine.close();
    }
}
