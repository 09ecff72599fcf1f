package io.quiver.control.tls;

import io.quiver.control.config.TlsOffloadOptions.ClientLimits;
import io.quiver.dataplane.offload.tls.HandshakeProgress;
import io.quiver.dataplane.offload.tls.OffloadOperation;
import io.quiver.dataplane.offload.tls.OffloadReply;
import io.quiver.dataplane.offload.tls.OffloadRequest;
import io.quiver.dataplane.offload.tls.ReplyHandler;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.ring.HandshakeOffloadService;
import io.quiver.dataplane.offload.tls.ring.RingChannel;
import io.quiver.dataplane.offload.tls.wire.OffloadWire;
import io.quiver.dataplane.offload.tls.wire.WireReply;
import io.quiver.dataplane.offload.tls.wire.WireRequest;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the socket and the VNIC front ends share: clients and their ids, admission (limits, policy) before a request
 * takes a ring slot, the ring hop tagged with the client, the accounting of each reply and its frame. Replies are
 * encoded on the offload worker, into a buffer of that thread's, and handed to the front end's sink, which copies.
 */
final class OffloadFrontEnd {
    private static final Logger LOG = LoggerFactory.getLogger(OffloadFrontEnd.class);

    /**
     * Where a client's replies go: the socket's writer, or the VNIC. {@link #reply} is called on the offload worker
     * (or the front end's thread for a refusal), so it must not block: it queues, or encodes and injects.
     */
    interface ReplySink {
        void reply(OffloadReply reply, int operationCode, int requestId);

        void hello(WireReply.Hello hello, int requestId);
    }

    private final HandshakeOffloadService engine;
    private final RingChannel ring;
    private final AtomicLong nextClient = new AtomicLong(1);
    private final Map<Long, OffloadClient> clients = new ConcurrentHashMap<>();
    private final ReasonCounts refusals = new ReasonCounts();
    private final LongAdder requests = new LongAdder();
    private final LongAdder handshakes = new LongAdder();
    private final LongAdder clientsClosed = new LongAdder();
    /** Datagrams and streams that could not even be answered (a frame length out of bounds). */
    final LongAdder unanswerable = new LongAdder();

    OffloadFrontEnd(HandshakeOffloadService engine) {
        this.engine = engine;
        this.ring = engine.channel();
    }

    OffloadClient open(OffloadClient.Kind kind, String name, ClientLimits limits) {
        OffloadClient client = new OffloadClient(nextClient.getAndIncrement(), kind, name, limits);
        clients.put(client.id, client);
        return client;
    }

    Collection<OffloadClient> clients() {
        return clients.values();
    }

    /**
     * Serves one request frame the front end read into {@code scratch} ({@code decoded} is {@link WireRequest#read}'s
     * verdict). {@code policy} may refuse a START (null: allowed). The reply goes to {@code sink}, now when refused,
     * else from the offload worker.
     */
    void serve(OffloadClient client, WireRequest frame, FailureReason decoded, OffloadRequest scratch,
               Function<OffloadRequest, FailureReason> policy, ReplySink sink) {
        requests.increment();
        if (decoded != null) {
            refuse(client, frame, decoded, sink);
            return;
        }
        if (frame.isHello()) {
            client.requests.increment();
            sink.hello(new WireReply.Hello(OffloadWire.VERSION, client.limits.maxPending(), client.limits.maxSessions(),
                    client.limits.requestsPerSecond(), maxRequestPayload(client)), frame.requestId());
            return;
        }
        OffloadOperation operation = scratch.operation();
        boolean start = operation == OffloadOperation.START;
        FailureReason refused = client.admit(start);
        if (refused == null && start && policy != null) {
            refused = policy.apply(scratch);
            if (refused != null) {
                client.sessions.decrementAndGet();
                client.refuse(refused);
            }
        }
        if (refused != null) {
            count(refused);
            sink.reply(OffloadReply.failed(frame.connectionId(), operation, refused, null), frame.operationCode(),
                    frame.requestId());
            return;
        }
        long tag = (long) frame.operationCode() << 32 | (frame.requestId() & 0xffffffffL);
        client.pending.incrementAndGet();
        ReplyHandler handler = (reply, t) -> {
            client.pending.decrementAndGet();
            account(client, operation, reply);
            sink.reply(reply, (int) (t >>> 32), (int) t);
        };
        if (!ring.submit(operation, frame.connectionId(), slot -> slot.copyFrom(scratch).client(client.id), handler, tag)) {
            FailureReason why = engine.isRunning() ? FailureReason.RING_FULL : FailureReason.ENGINE_STOPPED;
            handler.replied(OffloadReply.failed(frame.connectionId(), operation, why, null), tag);
        }
    }

    private int maxRequestPayload(OffloadClient client) {
        return client.kind == OffloadClient.Kind.VNIC ? GuestOffloadServer.MAX_REQUEST_PAYLOAD : OffloadWire.MAX_PAYLOAD;
    }

    private void account(OffloadClient client, OffloadOperation operation, OffloadReply reply) {
        if (!reply.ok()) {
            client.refuse(reply.reason());
            count(reply.reason());
            if (operation == OffloadOperation.START) {
                client.sessions.decrementAndGet();
            }
            return;
        }
        if (operation == OffloadOperation.CLOSE) {
            client.sessions.decrementAndGet();
        } else if (reply.progress() == HandshakeProgress.COMPLETE && (operation == OffloadOperation.FINISHED
                || operation == OffloadOperation.HANDSHAKE_MESSAGES || operation == OffloadOperation.TRANSCRIPT_HASH)) {
            client.handshakes.increment();
            handshakes.increment();
        }
    }

    private void refuse(OffloadClient client, WireRequest frame, FailureReason reason, ReplySink sink) {
        client.requests.increment();
        client.refuse(reason);
        count(reason);
        sink.reply(OffloadReply.failed(frame.connectionId(), frame.operation(), reason, null), frame.operationCode(),
                frame.requestId());
    }

    private void count(FailureReason reason) {
        refusals.count(reason);
    }

    /**
     * The client went away: every session and secret it held is erased in the engine (queued behind its last
     * requests, so nothing of it survives them). Waits for a ring slot rather than leak a session.
     */
    void close(OffloadClient client) {
        if (client.closed) {
            return;
        }
        client.closed = true;
        ReplyHandler erased = (reply, tag) -> {
            int closed = reply.output().length == 4 ? ByteBuffer.wrap(reply.output()).getInt() : 0;
            LOG.debug("TLS offload client {} ({}) gone: {} session(s) erased", client.id, client.name, closed);
            client.sessions.set(0);
            clients.remove(client.id);
            clientsClosed.increment();
        };
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!ring.submit(OffloadOperation.CLOSE_CLIENT, 0, slot -> slot.client(client.id), erased, 0)) {
            if (!engine.isRunning() || System.nanoTime() > deadline) {
                LOG.warn("TLS offload client {} ({}): its sessions were not erased: the engine {}", client.id,
                        client.name, engine.isRunning() ? "ring stayed full for 10 s" : "stopped (it erases everything)");
                clients.remove(client.id);
                return;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    long requests() {
        return requests.sum();
    }

    long handshakes() {
        return handshakes.sum();
    }

    long clientsClosed() {
        return clientsClosed.sum();
    }

    Map<FailureReason, Long> refusals() {
        return refusals.asMap();
    }
}
