package io.quiver.dataplane.antispoof;

import io.quiver.dataplane.classify.ClassifierTables;
import io.quiver.dataplane.packet.Icmpv6;

/** RA guard (RFC 6105): a guest that is not a router sends no router advertisements and no redirects. */
public final class RouterGuard {
    private RouterGuard() {
    }

    public static boolean passes(int icmpType, int protection) {
        return (protection & ClassifierTables.ROUTER) != 0
                || (icmpType != Icmpv6.ROUTER_ADVERTISEMENT && icmpType != Icmpv6.REDIRECT);
    }
}
