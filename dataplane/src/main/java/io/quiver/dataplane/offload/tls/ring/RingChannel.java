package io.quiver.dataplane.offload.tls.ring;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.quiver.dataplane.offload.tls.OffloadOperation;
import io.quiver.dataplane.offload.tls.OffloadReply;
import io.quiver.dataplane.offload.tls.OffloadRequest;
import io.quiver.dataplane.offload.tls.ReplyHandler;
import io.quiver.dataplane.offload.tls.host.OffloadChannel;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The in-process way to the engine: fills a pre-allocated slot of the offload ring. Thread-safe (the ring is
 * multi-producer); a full ring is answered at once with {@link FailureReason#RING_FULL}.
 */
public final class RingChannel implements OffloadChannel {
    private final RingBuffer<OffloadRequest> ring;
    private final int slotCapacity;
    private final BooleanSupplier running;
    private final LongAdder ringFull = new LongAdder();

    RingChannel(RingBuffer<OffloadRequest> ring, int slotCapacity, BooleanSupplier running) {
        this.ring = ring;
        this.slotCapacity = slotCapacity;
        this.running = running;
    }

    @Override
    public int payloadCapacity() {
        return slotCapacity;
    }

    @Override
    public long fullCount() {
        return ringFull.sum();
    }

    @Override
    public CompletableFuture<OffloadReply> submit(OffloadOperation operation, long connectionId,
                                                  Consumer<OffloadRequest> fill) {
        CompletableFuture<OffloadReply> completion = new CompletableFuture<>();
        return submit(operation, connectionId, fill, completion) ? completion
                : CompletableFuture.completedFuture(OffloadReply.failed(connectionId, operation,
                        running.getAsBoolean() ? FailureReason.RING_FULL : FailureReason.ENGINE_STOPPED, null));
    }

    /**
     * Queues one request whose reply goes to {@code handler} with {@code tag}, on the offload worker; false, with
     * nothing queued, when the ring is full or the engine stopped. For the service's front ends: no future per request.
     */
    public boolean submit(OffloadOperation operation, long connectionId, Consumer<OffloadRequest> fill,
                          ReplyHandler handler, long tag) {
        // a service stopped meanwhile answers every slot still queued, this one too
        return publish(operation, connectionId, fill, slot -> slot.handler(handler, tag));
    }

    /**
     * Queues one request whose reply completes {@code completion}; false, with nothing queued, when the ring is full
     * or the engine stopped.
     */
    public boolean submit(OffloadOperation operation, long connectionId, Consumer<OffloadRequest> fill,
                          CompletableFuture<OffloadReply> completion) {
        if (!publish(operation, connectionId, fill, slot -> slot.completion(completion))) {
            return false;
        }
        if (!running.getAsBoolean()) {
            // the service stopped while this request was being published: it may never be processed
            completion.complete(OffloadReply.failed(connectionId, operation, FailureReason.ENGINE_STOPPED, null));
        }
        return true;
    }

    /** Claims a slot, resets it, lets {@code replyTo} and {@code fill} set it, publishes it. */
    private boolean publish(OffloadOperation operation, long connectionId, Consumer<OffloadRequest> fill,
                            Consumer<OffloadRequest> replyTo) {
        if (!running.getAsBoolean()) {
            return false;
        }
        long sequence;
        try {
            sequence = ring.tryNext();
        } catch (InsufficientCapacityException e) {
            ringFull.increment();
            return false;
        }
        try {
            OffloadRequest slot = ring.get(sequence);
            replyTo.accept(slot.reset().operation(operation).connectionId(connectionId));
            fill.accept(slot);
        } finally {
            ring.publish(sequence);
        }
        return true;
    }
}
