package io.quiver.dataplane.offload.tls.handshake;

import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.protocol.OffloadFailure;
import java.util.Arrays;

/**
 * Reads the TLS presentation language (RFC 8446 §3) from a bounded region. Reading past the region, or a vector
 * whose length prefix overruns its enclosing vector, fails with {@link FailureReason#MALFORMED_MESSAGE}.
 */
public final class MessageReader {
    private final byte[] bytes;
    private int position;
    private final int limit;

    public MessageReader(byte[] bytes, int from, int to) {
        this.bytes = bytes;
        this.position = from;
        this.limit = to;
    }

    public int position() {
        return position;
    }

    public int remaining() {
        return limit - position;
    }

    public boolean hasRemaining() {
        return position < limit;
    }

    private void need(int n) {
        if (n < 0 || limit - position < n) {
            throw new OffloadFailure(FailureReason.MALFORMED_MESSAGE);
        }
    }

    public int uint8() {
        need(1);
        return bytes[position++] & 0xff;
    }

    public int uint16() {
        need(2);
        int v = ((bytes[position] & 0xff) << 8) | (bytes[position + 1] & 0xff);
        position += 2;
        return v;
    }

    public int uint24() {
        need(3);
        int v = ((bytes[position] & 0xff) << 16) | ((bytes[position + 1] & 0xff) << 8) | (bytes[position + 2] & 0xff);
        position += 3;
        return v;
    }

    public byte[] bytes(int n) {
        need(n);
        byte[] out = Arrays.copyOfRange(bytes, position, position + n);
        position += n;
        return out;
    }

    public void skip(int n) {
        need(n);
        position += n;
    }

    /** A reader over the next vector with an 8-bit length prefix, which it consumes. */
    public MessageReader vector8() {
        return sub(uint8());
    }

    public MessageReader vector16() {
        return sub(uint16());
    }

    public MessageReader vector24() {
        return sub(uint24());
    }

    private MessageReader sub(int n) {
        need(n);
        MessageReader r = new MessageReader(bytes, position, position + n);
        position += n;
        return r;
    }

    /** All that is left, as a copy. */
    public byte[] rest() {
        return bytes(remaining());
    }

    /** Fails unless the region was read to its end. */
    public void expectEnd() {
        if (position != limit) {
            throw new OffloadFailure(FailureReason.MALFORMED_MESSAGE);
        }
    }
}
