package io.quiver.dataplane.offload.tls.handshake;

import java.io.ByteArrayOutputStream;

/** Writes the TLS presentation language: integers and length-prefixed vectors. */
public final class MessageWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public MessageWriter uint8(int v) {
        out.write(v);
        return this;
    }

    public MessageWriter uint16(int v) {
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    public MessageWriter uint24(int v) {
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    public MessageWriter bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    public MessageWriter vector8(byte[] b) {
        return uint8(b.length).bytes(b);
    }

    public MessageWriter vector16(byte[] b) {
        return uint16(b.length).bytes(b);
    }

    public MessageWriter vector24(byte[] b) {
        return uint24(b.length).bytes(b);
    }

    /** An extension: type and its data as a 16-bit vector. */
    public MessageWriter extension(int type, byte[] data) {
        return uint16(type).vector16(data);
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
