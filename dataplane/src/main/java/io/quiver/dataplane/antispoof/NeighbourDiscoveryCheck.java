package io.quiver.dataplane.antispoof;

import io.quiver.configstore.model.LinkProtection;
import io.quiver.dataplane.classify.ClassifierTables;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.Icmpv6;
import io.quiver.dataplane.packet.PacketParser;
import io.quiver.dataplane.packet.ParsedBurst;

/**
 * A guest's neighbour discovery (RFC 4861) claims only what is its own: the target of a neighbour advertisement is
 * one of its addresses ({@code ip-nospoof}), and every source or target link-layer address option one of its MACs
 * ({@code mac-nospoof}). Options that do not parse make the message malformed.
 */
public final class NeighbourDiscoveryCheck {
    private static final int OPTION_SOURCE_LINK_LAYER = 1;
    private static final int OPTION_TARGET_LINK_LAYER = 2;

    private NeighbourDiscoveryCheck() {
    }

    /** Why ND message {@code i} (ICMPv6 {@code type}) may not leave VNIC {@code vnic}, or null when it may. */
    public static DropReason refusal(ClassifierTables t, SourceMacCheck sources, ParsedBurst b, int i, int type, int vnic,
                                     int protection) {
        int optionsAt = Icmpv6.ndOptionsOffset(type);
        long icmp = b.frame[i] + b.l4[i];
        int end = Icmpv6.messageEnd(b, i);
        if (b.l4[i] + optionsAt > end) {
            return DropReason.MALFORMED;
        }
        if (type == Icmpv6.NEIGHBOUR_ADVERTISEMENT && (protection & LinkProtection.IP_NOSPOOF.bit()) != 0
                && !t.ownsIpv6(vnic, PacketParser.be64(icmp + 8), PacketParser.be64(icmp + 16))) {
            return DropReason.SPOOFED_ND;
        }
        boolean checkMacs = (protection & LinkProtection.MAC_NOSPOOF.bit()) != 0;
        for (int at = b.l4[i] + optionsAt; at < end; ) {
            if (at + 2 > end) {
                return DropReason.MALFORMED;
            }
            long option = b.frame[i] + at;
            int kind = PacketParser.u8(option);
            int length = PacketParser.u8(option + 1) * 8;
            if (length == 0 || at + length > end) {
                return DropReason.MALFORMED;
            }
            if (checkMacs && (kind == OPTION_SOURCE_LINK_LAYER || kind == OPTION_TARGET_LINK_LAYER)) {
                if (length < 8) {
                    return DropReason.MALFORMED;
                }
                long mac = Ethernet.macAt(option + 2);
                if (sources.owner(mac) != vnic) {
                    return DropReason.SPOOFED_ND;
                }
            }
            at += length;
        }
        return null;
    }
}
