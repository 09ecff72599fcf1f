package io.quiver.dataplane.offload.tls.handshake;

/**
 * One whole handshake message: the 4-byte header (type, uint24 length) and the body, as a view of
 * {@code bytes[offset, offset + length)}. The view is valid while the message is being processed: the reassembler
 * hands out views of the request's buffer (no copy per message), so whoever keeps a message copies it.
 *
 * @param bytes  the array holding the message
 * @param offset where its header starts
 * @param length header and body
 */
public record HandshakeMessage(HandshakeType type, byte[] bytes, int offset, int length) {
    public static final int HEADER_LENGTH = 4;

    /** A message that is a whole array. */
    public HandshakeMessage(HandshakeType type, byte[] bytes) {
        this(type, bytes, 0, bytes.length);
    }

    public int bodyOffset() {
        return offset + HEADER_LENGTH;
    }

    public int bodyLength() {
        return length - HEADER_LENGTH;
    }

    /** A reader over the body (its positions are indexes into {@link #bytes()}). */
    public MessageReader body() {
        return new MessageReader(bytes, offset + HEADER_LENGTH, offset + length);
    }

    /** Builds a message from its type and body. */
    public static byte[] encode(HandshakeType type, byte[] body) {
        byte[] out = new byte[HEADER_LENGTH + body.length];
        out[0] = (byte) type.code();
        out[1] = (byte) (body.length >>> 16);
        out[2] = (byte) (body.length >>> 8);
        out[3] = (byte) body.length;
        System.arraycopy(body, 0, out, HEADER_LENGTH, body.length);
        return out;
    }

    @Override
    public String toString() {
        return type + "(" + length + " bytes)";
    }
}
