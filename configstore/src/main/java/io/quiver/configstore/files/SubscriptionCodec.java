package io.quiver.configstore.files;

import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.IdentificationRule;
import io.quiver.configstore.model.PriorityClass;
import io.quiver.configstore.model.Subscription;
import java.util.ArrayList;
import java.util.List;

/**
 * The schema-1 value of the subscription map: {@code u8 'S', str name, i64 revision, u8 kind, u8 class, i64 maxbw,
 * i64 maxpps, u16 rank, u8 count, then per rule str text}. Decoding parses the rules' text again, so a stored value is
 * validated like user input.
 */
public final class SubscriptionCodec {
    private static final int TAG = 'S';

    private SubscriptionCodec() {
    }

    public static byte[] encode(Subscription s) {
        return write(new RecordWriter(), s).toBytes();
    }

    public static RecordWriter write(RecordWriter w, Subscription s) {
        w.u8(TAG).str(s.name()).i64(s.revision()).u8(s.kind().ordinal()).u8(s.priority().code()).i64(s.maxBandwidth())
                .i64(s.maxPackets()).u16(s.rank()).u8(s.rules().size());
        for (IdentificationRule r : s.rules()) {
            w.str(r.toString());
        }
        return w;
    }

    public static Subscription decode(byte[] bytes, String what) {
        RecordReader r = new RecordReader(bytes, what);
        Subscription s = read(r);
        r.expectEnd();
        return s;
    }

    public static Subscription read(RecordReader r) {
        if (r.u8() != TAG) {
            throw r.corrupt("it is not a subscription level");
        }
        String name = r.str();
        long revision = r.i64();
        int kind = r.u8();
        int cls = r.u8();
        long maxbw = r.i64();
        long maxpps = r.i64();
        int rank = r.u16();
        int count = r.u8();
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            texts.add(r.str());
        }
        try {
            if (kind >= Subscription.Kind.values().length) {
                throw new ConfigException("unknown kind " + kind);
            }
            return new Subscription(name, Subscription.Kind.values()[kind], PriorityClass.byCode(cls), maxbw, maxpps, rank,
                    texts.stream().map(IdentificationRule::parse).toList(), revision);
        } catch (ConfigException e) {
            throw r.corrupt(e.getMessage());
        }
    }
}
