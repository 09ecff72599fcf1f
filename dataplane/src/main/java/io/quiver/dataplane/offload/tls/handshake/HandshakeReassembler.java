package io.quiver.dataplane.offload.tls.handshake;

import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.protocol.OffloadFailure;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts a stream of handshake bytes into whole messages, whatever the pieces it arrives in (a message may span
 * requests, a request may carry several messages). What is left over is a partial message, which becomes a
 * {@link FailureReason#TRUNCATED_MESSAGE} when the host says its flight is complete.
 */
public final class HandshakeReassembler {
    private final int maxMessageLength;
    private byte[] pending = new byte[0];
    private int pendingLength;

    public HandshakeReassembler(int maxMessageLength) {
        this.maxMessageLength = maxMessageLength;
    }

    /**
     * Feeds bytes; each complete message goes to {@code sink} in order, as a view that is valid during the call.
     * Whole messages at the start of a request are views of the request itself; only a message split across
     * requests is gathered in a buffer.
     */
    public void feed(byte[] bytes, int offset, int length, Consumer<HandshakeMessage> sink) {
        int at = offset;
        int end = offset + length;
        if (pendingLength == 0) {
            at = deliver(bytes, offset, end, sink);
            if (at == end) {
                return;
            }
        }
        append(bytes, at, end - at);
        int consumed = deliver(pending, 0, pendingLength, sink);
        compact(consumed);
    }

    /** Hands out the whole messages of {@code bytes[from, to)}; returns where the first incomplete one starts. */
    private int deliver(byte[] bytes, int from, int to, Consumer<HandshakeMessage> sink) {
        int start = from;
        while (to - start >= HandshakeMessage.HEADER_LENGTH) {
            int code = bytes[start] & 0xff;
            int bodyLength = ((bytes[start + 1] & 0xff) << 16) | ((bytes[start + 2] & 0xff) << 8)
                    | (bytes[start + 3] & 0xff);
            HandshakeType type = HandshakeType.fromCode(code);
            if (type == null || type == HandshakeType.MESSAGE_HASH) {
                reset();
                throw new OffloadFailure(FailureReason.UNEXPECTED_MESSAGE);
            }
            if (bodyLength > maxMessageLength) {
                reset();
                throw new OffloadFailure(FailureReason.PAYLOAD_TOO_LARGE);
            }
            int total = HandshakeMessage.HEADER_LENGTH + bodyLength;
            if (to - start < total) {
                break;
            }
            sink.accept(new HandshakeMessage(type, bytes, start, total));
            start += total;
        }
        return start;
    }

    /** Whether part of a message is waiting for its remaining bytes. */
    public boolean hasPartialMessage() {
        return pendingLength > 0;
    }

    public void reset() {
        Arrays.fill(pending, (byte) 0);
        pendingLength = 0;
    }

    private void append(byte[] bytes, int offset, int length) {
        if (pendingLength + length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pendingLength + length, pending.length * 2));
        }
        System.arraycopy(bytes, offset, pending, pendingLength, length);
        pendingLength += length;
    }

    private void compact(int consumed) {
        if (consumed == 0) {
            return;
        }
        System.arraycopy(pending, consumed, pending, 0, pendingLength - consumed);
        Arrays.fill(pending, pendingLength - consumed, pendingLength, (byte) 0);
        pendingLength -= consumed;
    }
}
