package io.quiver.dataplane.offload.tls.ring;

import com.lmax.disruptor.EventHandler;
import io.quiver.dataplane.offload.tls.HandshakeOffloadEngine;
import io.quiver.dataplane.offload.tls.OffloadReply;
import io.quiver.dataplane.offload.tls.OffloadRequest;
import io.quiver.dataplane.offload.tls.ReplyHandler;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import java.util.concurrent.CompletableFuture;

/**
 * The offload stage's consumer: takes each request slot off the ring, lets the engine process it, wipes the slot and
 * completes the host's future. It takes no lock; the future's completion is a CAS.
 */
final class OffloadWorker implements EventHandler<OffloadRequest> {
    private final HandshakeOffloadEngine engine;
    private volatile long processed;

    OffloadWorker(HandshakeOffloadEngine engine) {
        this.engine = engine;
    }

    @Override
    public void onEvent(OffloadRequest slot, long sequence, boolean endOfBatch) {
        CompletableFuture<OffloadReply> completion = slot.completion();
        ReplyHandler handler = slot.handler();
        long tag = slot.tag();
        OffloadReply reply;
        try {
            reply = engine.process(slot);
        } catch (Throwable t) {
            // process() never throws; this is the belt to its braces
            reply = OffloadReply.failed(slot.connectionId(), slot.operation(), FailureReason.INTERNAL_ERROR, null);
        }
        slot.reset();
        processed++;
        if (completion != null) {
            completion.complete(reply);
        } else if (handler != null) {
            handler.replied(reply, tag);
        }
    }

    long processed() {
        return processed;
    }
}
