package io.quiver.configstore.files;

import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.VnicParameter;
import io.quiver.configstore.policy.AllowedValues;
import io.quiver.configstore.policy.GuestPolicy;
import java.util.Map;

/**
 * The schema-1 value of a policy entry: {@code u8 'P', i64 revision, u8 rule count, then per rule u8 parameter id
 * and str allowed values in canonical text}. Decoding parses the text again, so it is validated like user input.
 */
public final class GuestPolicyCodec {
    private static final int TAG = 'P';

    private GuestPolicyCodec() {
    }

    public static byte[] encode(GuestPolicy policy) {
        return write(new RecordWriter(), policy).toBytes();
    }

    public static RecordWriter write(RecordWriter w, GuestPolicy policy) {
        Map<VnicParameter, AllowedValues> rules = policy.rules();
        w.u8(TAG).i64(policy.revision()).u8(rules.size());
        rules.forEach((p, a) -> w.u8(p.id()).str(a.toText()));
        return w;
    }

    public static GuestPolicy decode(byte[] bytes, String what) {
        RecordReader r = new RecordReader(bytes, what);
        GuestPolicy policy = read(r);
        r.expectEnd();
        return policy;
    }

    public static GuestPolicy read(RecordReader r) {
        if (r.u8() != TAG) {
            throw r.corrupt("it is not a guest policy value");
        }
        long revision = r.i64();
        int count = r.u8();
        GuestPolicy.Builder b = GuestPolicy.builder();
        for (int i = 0; i < count; i++) {
            int id = r.u8();
            VnicParameter p = VnicParameter.byId(id);
            if (p == null) {
                throw r.corrupt("unknown parameter id " + id);
            }
            String text = r.str();
            try {
                b.allow(p, text);
            } catch (ConfigException e) {
                throw r.corrupt(e.getMessage());
            }
        }
        return b.build().withRevision(revision);
    }
}
