package io.quiver.configstore.journal;

import io.quiver.configstore.files.GuestPolicyCodec;
import io.quiver.configstore.files.SubscriptionCodec;
import io.quiver.configstore.files.VnsCodec;
import io.quiver.configstore.model.Subscription;
import io.quiver.configstore.model.VnsConfig;
import io.quiver.configstore.model.VnsRoute;
import io.quiver.configstore.files.RecordReader;
import io.quiver.configstore.files.RecordWriter;
import io.quiver.configstore.files.VnicConfigCodec;
import io.quiver.configstore.model.DenialReason;
import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.policy.GuestPolicy;

/**
 * The schema-1 value of a journal entry: {@code u8 'J', i64 sequence, i64 time (µs since the epoch), u8 requester
 * kind, str requester name, u8 action, str vnic, str parameter, str value, u8 denial code (0 = committed),
 * str reason, u8 payload (0 none, 1 VNIC config, 2 policy, 3 VNS, 4 route), payload}. See {@code docs/configstore.md}.
 */
public final class JournalCodec {
    private static final int TAG = 'J';
    private static final int PAYLOAD_NONE = 0;
    private static final int PAYLOAD_VNIC = 1;
    private static final int PAYLOAD_POLICY = 2;
    private static final int PAYLOAD_VNS = 3;
    private static final int PAYLOAD_ROUTE = 4;
    private static final int PAYLOAD_SUBSCRIPTION = 5;

    private JournalCodec() {
    }

    public static byte[] encode(JournalRecord r) {
        RecordWriter w = new RecordWriter();
        w.u8(TAG).i64(r.sequence()).i64(r.timeMicros()).u8(r.requester().kind().code()).str(r.requester().name())
                .u8(r.action().code()).str(r.vnic()).str(r.parameter()).str(r.value())
                .u8(r.denial() == null ? 0 : r.denial().code()).str(r.reason());
        if (r.vnicAfter() != null) {
            VnicConfigCodec.write(w.u8(PAYLOAD_VNIC), r.vnicAfter());
        } else if (r.policyAfter() != null) {
            GuestPolicyCodec.write(w.u8(PAYLOAD_POLICY), r.policyAfter());
        } else if (r.vnsAfter() != null) {
            VnsCodec.write(w.u8(PAYLOAD_VNS), r.vnsAfter());
        } else if (r.routeAfter() != null) {
            VnsCodec.write(w.u8(PAYLOAD_ROUTE), r.routeAfter());
        } else if (r.subscriptionAfter() != null) {
            SubscriptionCodec.write(w.u8(PAYLOAD_SUBSCRIPTION), r.subscriptionAfter());
        } else {
            w.u8(PAYLOAD_NONE);
        }
        return w.toBytes();
    }

    public static JournalRecord decode(byte[] bytes, long expectedSequence) {
        RecordReader r = new RecordReader(bytes, "journal record " + expectedSequence);
        if (r.u8() != TAG) {
            throw r.corrupt("it is not a journal record");
        }
        long sequence = r.i64();
        if (sequence != expectedSequence) {
            throw r.corrupt("it holds sequence " + sequence);
        }
        long time = r.i64();
        Requester requester = new Requester(Requester.Kind.byCode(r.u8()), r.str());
        Action action = Action.byCode(r.u8());
        String vnic = r.str();
        String parameter = r.str();
        String value = r.str();
        int denialCode = r.u8();
        DenialReason denial = denialCode == 0 ? null : DenialReason.byCode(denialCode);
        String reason = r.str();
        VnicConfig vnicAfter = null;
        GuestPolicy policyAfter = null;
        VnsConfig vnsAfter = null;
        VnsRoute routeAfter = null;
        Subscription subscriptionAfter = null;
        int payload = r.u8();
        switch (payload) {
            case PAYLOAD_NONE -> {
            }
            case PAYLOAD_VNIC -> vnicAfter = VnicConfigCodec.read(r);
            case PAYLOAD_POLICY -> policyAfter = GuestPolicyCodec.read(r);
            case PAYLOAD_VNS -> vnsAfter = VnsCodec.readVns(r);
            case PAYLOAD_ROUTE -> routeAfter = VnsCodec.readRoute(r);
            case PAYLOAD_SUBSCRIPTION -> subscriptionAfter = SubscriptionCodec.read(r);
            default -> throw r.corrupt("unknown payload kind " + payload);
        }
        r.expectEnd();
        return new JournalRecord(sequence, time, requester, action, vnic, parameter, value, denial, reason,
                vnicAfter, policyAfter, vnsAfter, routeAfter, subscriptionAfter);
    }
}
