package io.quiver.configstore.files;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes the big-endian fields of a record value into a growing byte array. */
public final class RecordWriter {
    private byte[] bytes = new byte[256];
    private int size;

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    public RecordWriter u8(int v) {
        if (v < 0 || v > 0xFF) {
            throw new IllegalArgumentException("u8 out of range: " + v);
        }
        ensure(1);
        bytes[size++] = (byte) v;
        return this;
    }

    public RecordWriter u16(int v) {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException("u16 out of range: " + v);
        }
        ensure(2);
        bytes[size++] = (byte) (v >>> 8);
        bytes[size++] = (byte) v;
        return this;
    }

    public RecordWriter i64(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            bytes[size++] = (byte) (v >>> shift);
        }
        return this;
    }

    /** A u16 byte length and the UTF-8 bytes; null is written as the empty string. */
    public RecordWriter str(String s) {
        byte[] utf8 = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
        u16(utf8.length);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, bytes, size, utf8.length);
        size += utf8.length;
        return this;
    }

    public RecordWriter raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, bytes, size, b.length);
        size += b.length;
        return this;
    }

    public byte[] toBytes() {
        return Arrays.copyOf(bytes, size);
    }
}
