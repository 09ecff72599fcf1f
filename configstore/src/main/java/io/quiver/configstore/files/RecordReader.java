package io.quiver.configstore.files;

import io.quiver.configstore.model.ConfigException;
import java.nio.charset.StandardCharsets;

/** Reads what {@link RecordWriter} wrote; a short or damaged value is a {@link ConfigException} naming it. */
public final class RecordReader {
    private final byte[] bytes;
    private final String what;
    private int pos;

    public RecordReader(byte[] bytes, String what) {
        this.bytes = bytes;
        this.what = what;
    }

    private void need(int n) {
        if (pos + n > bytes.length) {
            throw corrupt("it ends early (" + bytes.length + " bytes)");
        }
    }

    public ConfigException corrupt(String detail) {
        return new ConfigException(what + " is damaged: " + detail);
    }

    public int u8() {
        need(1);
        return bytes[pos++] & 0xFF;
    }

    public int u16() {
        need(2);
        int v = (bytes[pos] & 0xFF) << 8 | (bytes[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    public long i64() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (bytes[pos++] & 0xFF);
        }
        return v;
    }

    public String str() {
        int n = u16();
        need(n);
        String s = new String(bytes, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    public void expectEnd() {
        if (pos != bytes.length) {
            throw corrupt((bytes.length - pos) + " unexpected trailing bytes");
        }
    }
}
