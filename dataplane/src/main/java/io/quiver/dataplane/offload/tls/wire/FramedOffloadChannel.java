package io.quiver.dataplane.offload.tls.wire;

import io.quiver.dataplane.offload.tls.OffloadOperation;
import io.quiver.dataplane.offload.tls.OffloadReply;
import io.quiver.dataplane.offload.tls.OffloadRequest;
import io.quiver.dataplane.offload.tls.host.OffloadChannel;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A client's way to the offload service over the wire protocol: requests are written as frames, pipelined, and each
 * reply completes the request with its id. The transport (a socket stream, UDP datagrams) is the subclass's. The
 * client keeps within the window the service gave in HELLO: a request beyond it is refused at once with
 * {@link FailureReason#TOO_MANY_PENDING}, never sent.
 */
public abstract class FramedOffloadChannel implements OffloadChannel, AutoCloseable {
    private final Object sendLock = new Object();
    private final OffloadRequest scratch = new OffloadRequest(OffloadWire.MAX_PAYLOAD);
    private final ByteBuffer frame = ByteBuffer.allocate(OffloadWire.MAX_FRAME + OffloadWire.LENGTH_FIELD);
    private final Map<Integer, CompletableFuture<WireReply.Read>> pending = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();
    private int nextId = 1;
    /** How long a request may wait for its reply before it is given up (0: for ever); frees its window slot. */
    private final long replyTimeoutMillis;

    protected FramedOffloadChannel(long replyTimeoutMillis) {
        this.replyTimeoutMillis = replyTimeoutMillis;
    }
    private volatile WireReply.Hello hello;
    private volatile boolean closed;
    private Thread reader;

    /** Starts the reply reader and asks the service for its limits; call once the transport is open. */
    protected final void begin(String name) throws IOException {
        reader = Thread.ofPlatform().daemon().name(name).start(this::readLoop);
        try {
            WireReply.Read read = send(OffloadWire.OP_HELLO, null, 0, r -> { }).get(10, TimeUnit.SECONDS);
            if (read.hello() == null || read.hello().version() != OffloadWire.VERSION) {
                throw new IOException("the offload service answered HELLO with " + read.reply());
            }
            hello = read.hello();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("no HELLO reply from the offload service", e);
        }
    }

    /** The service's answer to HELLO: its version and this client's limits. */
    public WireReply.Hello hello() {
        return hello;
    }

    /** Writes one whole frame (called under the send lock). */
    protected abstract void write(ByteBuffer frame) throws IOException;

    /** Reads the next reply body (after its length field) into a buffer; null at the end of the stream. */
    protected abstract ByteBuffer readReply() throws IOException;

    protected abstract void closeTransport() throws IOException;

    @Override
    public int payloadCapacity() {
        WireReply.Hello h = hello;
        return h == null || h.maxRequestPayload() <= 0 ? OffloadWire.MAX_PAYLOAD
                : Math.min(OffloadWire.MAX_PAYLOAD, h.maxRequestPayload());
    }

    @Override
    public long fullCount() {
        return refused.sum();
    }

    /** Requests sent and not answered yet. */
    public int pendingCount() {
        return pending.size();
    }

    @Override
    public CompletableFuture<OffloadReply> submit(OffloadOperation operation, long connectionId,
                                                  Consumer<OffloadRequest> fill) {
        WireReply.Hello h = hello;
        if (h != null && h.maxPending() > 0 && pending.size() >= h.maxPending()) {
            refused.increment();
            return CompletableFuture.completedFuture(OffloadReply.failed(connectionId, operation,
                    FailureReason.TOO_MANY_PENDING, null));
        }
        return send(OffloadWire.code(operation), operation, connectionId, fill).thenApply(WireReply.Read::reply);
    }

    private CompletableFuture<WireReply.Read> send(int operationCode, OffloadOperation operation, long connectionId,
                                                   Consumer<OffloadRequest> fill) {
        CompletableFuture<WireReply.Read> reply = new CompletableFuture<>();
        if (closed) {
            return failed(reply, operation, connectionId);
        }
        synchronized (sendLock) {
            int id = nextId++;
            if (nextId == Integer.MAX_VALUE) {
                nextId = 1;
            }
            try {
                scratch.reset().operation(operation).connectionId(connectionId);
                fill.accept(scratch);
                frame.clear();
                WireRequest.write(scratch, operationCode, id, frame);
                frame.flip();
                pending.put(id, reply);
                write(frame);
                if (replyTimeoutMillis > 0) {
                    int sent = id;
                    reply.orTimeout(replyTimeoutMillis, TimeUnit.MILLISECONDS)
                            .whenComplete((r, timedOut) -> pending.remove(sent, reply));
                }
            } catch (IOException | RuntimeException e) {
                pending.remove(id);
                return failed(reply, operation, connectionId);
            } finally {
                scratch.reset(); // wipes the private key the request carried
                java.util.Arrays.fill(frame.array(), 0, frame.limit(), (byte) 0); // and its encoded copy
            }
        }
        return reply;
    }

    private static CompletableFuture<WireReply.Read> failed(CompletableFuture<WireReply.Read> reply,
                                                            OffloadOperation operation, long connectionId) {
        reply.complete(new WireReply.Read(0, OffloadWire.code(operation),
                OffloadReply.failed(connectionId, operation, FailureReason.ENGINE_STOPPED, null), null));
        return reply;
    }

    private void readLoop() {
        try {
            ByteBuffer body;
            while ((body = readReply()) != null) {
                WireReply.Read read = WireReply.read(body);
                CompletableFuture<WireReply.Read> waiting = pending.remove(read.requestId());
                if (waiting != null) {
                    waiting.complete(read);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the service went away or sent what does not parse: every request still waiting fails below
        } finally {
            closed = true;
            for (Integer id : pending.keySet()) {
                CompletableFuture<WireReply.Read> waiting = pending.remove(id);
                if (waiting != null) {
                    failed(waiting, null, 0);
                }
            }
        }
    }

    /** Whether the service is still reachable on this channel. */
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        closeTransport();
        if (reader != null) {
            try {
                reader.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
