package io.quiver.configstore.files;

import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.model.VnicParameter;

/**
 * The schema-1 value of a VNIC entry: {@code u8 'V', str name, i64 revision, u8 parameter count, then per parameter
 * u8 id, u8 element count, that many i64 encoded elements}. Decoding validates every value.
 */
public final class VnicConfigCodec {
    private static final int TAG = 'V';

    private VnicConfigCodec() {
    }

    public static byte[] encode(VnicConfig config) {
        return write(new RecordWriter(), config).toBytes();
    }

    public static RecordWriter write(RecordWriter w, VnicConfig config) {
        VnicParameter[] parameters = VnicParameter.values();
        w.u8(TAG).str(config.name()).i64(config.revision()).u8(parameters.length);
        for (VnicParameter p : parameters) {
            long[] v = config.encoded(p);
            w.u8(p.id()).u8(v.length);
            for (long e : v) {
                w.i64(e);
            }
        }
        return w;
    }

    public static VnicConfig decode(byte[] bytes, String what) {
        RecordReader r = new RecordReader(bytes, what);
        VnicConfig config = read(r);
        r.expectEnd();
        return config;
    }

    public static VnicConfig read(RecordReader r) {
        if (r.u8() != TAG) {
            throw r.corrupt("it is not a VNIC config value");
        }
        String name = r.str();
        long revision = r.i64();
        int count = r.u8();
        long[][] values = new long[VnicParameter.values().length][];
        for (int i = 0; i < count; i++) {
            int id = r.u8();
            VnicParameter p = VnicParameter.byId(id);
            if (p == null) {
                throw r.corrupt("unknown parameter id " + id);
            }
            int n = r.u8();
            if (n > p.maxElements() * p.width() || n % p.width() != 0) {
                throw r.corrupt(p.wireName() + " has " + n + " elements");
            }
            long[] v = new long[n];
            for (int k = 0; k < n; k++) {
                v[k] = r.i64();
            }
            values[p.ordinal()] = v;
        }
        try {
            return VnicConfig.fromEncoded(name, revision, values);
        } catch (ConfigException e) {
            throw r.corrupt(e.getMessage());
        }
    }
}
