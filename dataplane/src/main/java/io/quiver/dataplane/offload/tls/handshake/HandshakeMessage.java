package io.quiver.dataplane.offload.tls.handshake;

/**
 * One whole handshake message: the 4-byte header (type, uint24 length) and the body.
 *
 * @param bytes the message with its header; {@link #bodyOffset()} is 4
 */
public record HandshakeMessage(HandshakeType type, byte[] bytes) {
    public static final int HEADER_LENGTH = 4;

    public int bodyOffset() {
        return HEADER_LENGTH;
    }

    public int bodyLength() {
        return bytes.length - HEADER_LENGTH;
    }

    /** A reader over the body. */
    public MessageReader body() {
        return new MessageReader(bytes, HEADER_LENGTH, bytes.length);
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
        return type + "(" + bytes.length + " bytes)";
    }
}
