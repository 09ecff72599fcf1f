package io.quiver.dataplane.antispoof;

import io.quiver.dataplane.classify.ClassifierTables;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.packet.PacketKind;
import io.quiver.dataplane.packet.ParsedBurst;

/**
 * Every check a guest's frame passes, once its source MAC has named the VNIC ({@link SourceMacCheck}): untagged
 * ({@link GuestTagCheck}), an IPv4 source of its own ({@link Ipv4SourceCheck}), an ARP claim of its own
 * ({@link ArpSenderCheck}). The one place that decides which check applies to which frame, and which drop reason a
 * failure counts under.
 */
public final class EgressChecks {
    private EgressChecks() {
    }

    /** Why frame {@code i}, from VNIC {@code vnic}, may not leave the guest, or null when it may. */
    public static DropReason refusal(ClassifierTables t, SourceMacCheck sources, ParsedBurst b, int i, int kind, int vnic) {
        if (!GuestTagCheck.passes(b, i)) {
            return DropReason.TAGGED_FROM_GUEST;
        }
        if (kind == PacketKind.IPV4) {
            if (!Ipv4SourceCheck.passes(t, b, i, vnic)) {
                return DropReason.SPOOFED_SOURCE_IP;
            }
        } else if (kind == PacketKind.ARP) {
            if (!ArpSenderCheck.passes(t, sources, b, i, vnic)) {
                return DropReason.SPOOFED_ARP_SENDER;
            }
        }
        return null;
    }
}
