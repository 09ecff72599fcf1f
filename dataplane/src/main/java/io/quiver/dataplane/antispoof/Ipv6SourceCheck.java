package io.quiver.dataplane.antispoof;

import io.quiver.dataplane.classify.ClassifierTables;
import io.quiver.dataplane.packet.Icmpv6;
import io.quiver.dataplane.packet.ParsedBurst;

/**
 * A guest's IPv6 source is one of its VNIC's addresses, or the link-local address of one of its MACs. The
 * unspecified address {@code ::} is allowed only for duplicate address detection (RFC 4862 §5.4): a neighbour
 * solicitation to a solicited-node address, and the MLDv2 report the kernel sends with it (RFC 3810 §5.2.13).
 */
public final class Ipv6SourceCheck {
    private Ipv6SourceCheck() {
    }

    public static boolean passes(ClassifierTables t, ParsedBurst b, int i, int vnic) {
        long high = b.src6Hi[i];
        long low = b.src6Lo[i];
        if (t.ownsIpv6(vnic, high, low)) {
            return true;
        }
        return high == 0 && low == 0 && isDuplicateAddressDetection(b, i);
    }

    private static boolean isDuplicateAddressDetection(ParsedBurst b, int i) {
        int type = Icmpv6.type(b, i);
        return (type == Icmpv6.NEIGHBOUR_SOLICITATION && Icmpv6.isSolicitedNode(b.dst6Hi[i], b.dst6Lo[i]))
                || (type == Icmpv6.MLD2_REPORT && b.dst6Hi[i] == Icmpv6.ALL_MLD2_ROUTERS_HIGH && b.dst6Lo[i] == Icmpv6.ALL_MLD2_ROUTERS_LOW);
    }
}
