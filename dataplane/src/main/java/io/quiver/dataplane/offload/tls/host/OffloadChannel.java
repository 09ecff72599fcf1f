package io.quiver.dataplane.offload.tls.host;

import io.quiver.dataplane.offload.tls.OffloadOperation;
import io.quiver.dataplane.offload.tls.OffloadReply;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import io.quiver.dataplane.offload.tls.OffloadRequest;

/**
 * How a {@link HandshakeOffloadClient}'s requests reach an engine: the in-process ring, the offload service's Unix
 * socket, or a guest's VNIC. Never blocks on the engine; a request that cannot be sent is answered at once with a
 * failure.
 */
public interface OffloadChannel {
    /**
     * Sends one request: {@code fill} sets its fields on a request object that was reset and given the operation and
     * connection id. The future completes with the engine's reply.
     */
    CompletableFuture<OffloadReply> submit(OffloadOperation operation, long connectionId, Consumer<OffloadRequest> fill);

    /** The largest payload one request carries: longer handshake flights are split by the client. */
    int payloadCapacity();

    /** Requests refused at once because the channel was full (the ring, or the client's pending limit). */
    long fullCount();
}
