package io.quiver.dataplane.offload.tls.host;

import io.quiver.dataplane.offload.tls.KeyHandle;
import io.quiver.dataplane.offload.tls.OffloadOperation;
import io.quiver.dataplane.offload.tls.OffloadReply;
import io.quiver.dataplane.offload.tls.OffloadRequest;
import io.quiver.dataplane.offload.tls.SecretKind;
import io.quiver.dataplane.offload.tls.TranscriptPoint;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The host side of the offload: sends each request through an {@link OffloadChannel} (the in-process ring, the
 * service's socket, a VNIC) and returns a future of the engine's reply. Thread-safe; never blocks: a full ring is answered at once with
 * {@link FailureReason#RING_FULL}. The worker completes the futures, so dependent actions should be attached with
 * the {@code *Async} methods (or the host just joins).
 */
public final class HandshakeOffloadClient {
    private final OffloadChannel channel;
    private final int slotCapacity;

    /** A client whose requests go through {@code channel}: the in-process ring, the service's socket, a VNIC. */
    public HandshakeOffloadClient(OffloadChannel channel) {
        this.channel = channel;
        this.slotCapacity = channel.payloadCapacity();
    }

    /** How many requests found the ring (or the client's pending window) full. */
    public long ringFullCount() {
        return channel.fullCount();
    }

    public CompletableFuture<OffloadReply> start(StartParameters p) {
        FailureReason tooBig = checkSmall(p.privateKey, FailureReason.BAD_PRIVATE_KEY_LENGTH);
        tooBig = tooBig != null ? tooBig : checkSmall(p.localKeyShare, FailureReason.BAD_KEY_SHARE_LENGTH);
        tooBig = tooBig != null ? tooBig : checkSmall(p.peerKeyShare, FailureReason.BAD_KEY_SHARE_LENGTH);
        tooBig = tooBig != null ? tooBig : checkSmall(p.psk, FailureReason.BAD_PSK_LENGTH);
        tooBig = tooBig != null ? tooBig : checkSmall(p.clientRandom, FailureReason.MISSING_PARAMETER);
        if (tooBig != null) {
            return failed(p.connectionId, OffloadOperation.START, tooBig);
        }
        byte[] messages = p.handshakeMessages;
        boolean split = messages != null && messages.length > slotCapacity;
        byte[] first = split ? Arrays.copyOf(messages, slotCapacity) : messages;
        List<CompletableFuture<OffloadReply>> parts = new ArrayList<>();
        parts.add(submit(OffloadOperation.START, p.connectionId, r -> {
            r.role(p.role).cipherSuite(p.cipherSuite).namedGroup(p.namedGroup).pskKind(p.pskKind)
                    .pskHandle(p.pskHandle.value()).endOfFlight(!split);
            r.privateKey().set(p.privateKey);
            r.localKeyShare().set(p.localKeyShare);
            r.peerKeyShare().set(p.peerKeyShare);
            r.psk().set(p.psk);
            r.clientRandom().set(p.clientRandom);
            r.payload().set(first);
        }));
        if (split) {
            // one consumer, FIFO: the rest can be queued right behind the START
            submitMessages(p.connectionId, Arrays.copyOfRange(messages, slotCapacity, messages.length), parts);
        }
        return merged(parts);
    }

    /**
     * Appends handshake messages to the transcript. A flight longer than a slot goes in several requests, queued
     * back to back; the future completes with one merged reply (see {@link #merged}).
     */
    public CompletableFuture<OffloadReply> handshakeMessages(long connectionId, byte[] messages) {
        List<CompletableFuture<OffloadReply>> parts = new ArrayList<>();
        submitMessages(connectionId, messages, parts);
        return merged(parts);
    }

    private void submitMessages(long connectionId, byte[] messages, List<CompletableFuture<OffloadReply>> parts) {
        int at = 0;
        do {
            int from = at;
            int to = Math.min(messages.length, at + slotCapacity);
            boolean end = to == messages.length;
            parts.add(submit(OffloadOperation.HANDSHAKE_MESSAGES, connectionId,
                    r -> r.endOfFlight(end).payload().set(messages, from, to - from)));
            at = to;
        } while (at < messages.length);
    }

    /**
     * One reply for a request split over several slots: the first failure if any, else the last reply with the
     * handles every part created (a ServerHello in one part and a Finished in another both create handles).
     */
    private static CompletableFuture<OffloadReply> merged(List<CompletableFuture<OffloadReply>> parts) {
        if (parts.size() == 1) {
            return parts.getFirst();
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<SecretKind, KeyHandle> handles = new EnumMap<>(SecretKind.class);
            for (CompletableFuture<OffloadReply> part : parts) {
                OffloadReply reply = part.join();
                if (!reply.ok()) {
                    return reply;
                }
                handles.putAll(reply.handles());
            }
            OffloadReply last = parts.getLast().join();
            return new OffloadReply(last.connectionId(), parts.getFirst().join().operation(), last.status(), null,
                    last.progress(), handles, last.output(), last.contentType());
        });
    }

    /** The transcript hash at one point; {@code peerVerifyData} (may be null) is checked at a Finished context. */
    public CompletableFuture<OffloadReply> transcriptHash(long connectionId, TranscriptPoint point, byte[] hash,
                                                          byte[] peerVerifyData, byte[] peerKeyShare) {
        FailureReason bad = checkSmall(hash, FailureReason.BAD_TRANSCRIPT_HASH_LENGTH);
        bad = bad != null ? bad : checkSmall(peerVerifyData, FailureReason.BAD_TRANSCRIPT_HASH_LENGTH);
        bad = bad != null ? bad : checkSmall(peerKeyShare, FailureReason.BAD_KEY_SHARE_LENGTH);
        if (bad != null) {
            return failed(connectionId, OffloadOperation.TRANSCRIPT_HASH, bad);
        }
        return submit(OffloadOperation.TRANSCRIPT_HASH, connectionId, r -> {
            r.transcriptPoint(point).payload().set(hash);
            r.auxiliary().set(peerVerifyData);
            r.peerKeyShare().set(peerKeyShare);
        });
    }

    /** The PSK binder over a truncated ClientHello; checked against {@code expectedBinder} when not null. */
    public CompletableFuture<OffloadReply> pskBinder(long connectionId, byte[] truncatedClientHello, byte[] expectedBinder) {
        if (truncatedClientHello.length > slotCapacity) {
            return failed(connectionId, OffloadOperation.PSK_BINDER, FailureReason.PAYLOAD_TOO_LARGE);
        }
        return submit(OffloadOperation.PSK_BINDER, connectionId, r -> {
            r.payload().set(truncatedClientHello);
            r.auxiliary().set(expectedBinder);
        });
    }

    /** This side's Finished message, appended to the transcript by the engine. */
    public CompletableFuture<OffloadReply> finished(long connectionId) {
        return submit(OffloadOperation.FINISHED, connectionId, r -> { });
    }

    /** Protects one record with the traffic key behind {@code handle}. */
    public CompletableFuture<OffloadReply> seal(KeyHandle handle, int contentType, byte[] content) {
        if (content.length > slotCapacity) {
            return failed(0, OffloadOperation.SEAL_RECORD, FailureReason.RECORD_OVERFLOW);
        }
        return submit(OffloadOperation.SEAL_RECORD, 0, r -> r.keyHandle(handle.value()).contentType(contentType)
                .payload().set(content));
    }

    /** Removes the protection of one whole record (header included). */
    public CompletableFuture<OffloadReply> open(KeyHandle handle, byte[] record) {
        if (record.length > slotCapacity) {
            return failed(0, OffloadOperation.OPEN_RECORD, FailureReason.RECORD_OVERFLOW);
        }
        return submit(OffloadOperation.OPEN_RECORD, 0, r -> r.keyHandle(handle.value()).payload().set(record));
    }

    public CompletableFuture<OffloadReply> updateTrafficKey(KeyHandle handle) {
        return submit(OffloadOperation.UPDATE_TRAFFIC_KEY, 0, r -> r.keyHandle(handle.value()));
    }

    /** The PSK of a NewSessionTicket with this nonce, kept by the engine behind a new handle. */
    public CompletableFuture<OffloadReply> resumptionPsk(long connectionId, byte[] ticketNonce) {
        return submit(OffloadOperation.RESUMPTION_PSK, connectionId, r -> r.payload().set(ticketNonce));
    }

    public CompletableFuture<OffloadReply> release(KeyHandle handle) {
        return submit(OffloadOperation.RELEASE_HANDLE, 0, r -> r.keyHandle(handle.value()));
    }

    /** Ends the connection's session: all its secrets are erased. */
    public CompletableFuture<OffloadReply> close(long connectionId) {
        return submit(OffloadOperation.CLOSE, connectionId, r -> { });
    }

    private static FailureReason checkSmall(byte[] field, FailureReason reason) {
        return field != null && field.length > OffloadRequest.SMALL_FIELD_CAPACITY ? reason : null;
    }

    private static CompletableFuture<OffloadReply> failed(long connectionId, OffloadOperation operation,
                                                          FailureReason reason) {
        return CompletableFuture.completedFuture(OffloadReply.failed(connectionId, operation, reason, null));
    }

    private CompletableFuture<OffloadReply> submit(OffloadOperation operation, long connectionId,
                                                   Consumer<OffloadRequest> fill) {
        return channel.submit(operation, connectionId, fill);
    }
}
