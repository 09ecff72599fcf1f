package io.quiver.dataplane.antispoof;

import io.quiver.configstore.model.ReservedAddresses;
import io.quiver.dataplane.classify.ClassifierTables;
import io.quiver.dataplane.packet.ParsedBurst;

/**
 * A guest's IPv4 source is one of its VNIC's addresses; the one exception is DHCP's 0.0.0.0 to 255.255.255.255 of a
 * guest that has no address yet. The appliance's service address is never a guest's (whatever else is checked).
 */
public final class Ipv4SourceCheck {
    private static final int UNSPECIFIED = 0;
    private static final int LIMITED_BROADCAST = -1;

    private Ipv4SourceCheck() {
    }

    public static boolean passes(ClassifierTables t, ParsedBurst b, int i, int vnic) {
        int source = b.srcIp[i];
        return t.owns(vnic, source) || (source == UNSPECIFIED && b.dstIp[i] == LIMITED_BROADCAST);
    }

    /** Whether the source is the appliance's own service address, which no guest may send from. */
    public static boolean claimsTheAppliance(ParsedBurst b, int i) {
        return b.srcIp[i] == ReservedAddresses.SERVICE_IPV4;
    }
}
