package io.quiver.dataplane.vns;

import io.quiver.dataplane.classify.ClassifierTables;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.Ipv4;

/**
 * What the appliance does as a router with a packet of a VNIC's forwarding ring: to the VNIC that owns the
 * destination (its local ring), or over the uplink when a route covers it, the TTL decremented and the checksum
 * updated incrementally (RFC 1624), the destination MAC the next hop's and the source MAC the routing VNIC's.
 * Deciding and rewriting only; the caller delivers (or drops and counts) by the result.
 */
public final class Ipv4Forwarding {
    /** Over the uplink, to the gateway. */
    public static final int UPLINK = -1;
    /** No VNIC owns the destination and no route covers it. */
    public static final int NO_ROUTE = -2;
    /** The TTL would expire here. */
    public static final int TTL_EXPIRED = -3;

    private Ipv4Forwarding() {
    }

    /**
     * Routes the untagged IPv4 frame at {@code frame} to {@code dstIp}: returns the VNIC index it goes to, or
     * {@link #UPLINK}, {@link #NO_ROUTE} or {@link #TTL_EXPIRED}. The headers are rewritten only when it goes.
     */
    public static int forward(ClassifierTables t, UplinkRoutes routes, long frame, int dstIp, long routerMac) {
        long ip = frame + Ethernet.HEADER_LENGTH;
        if (Ipv4.ttl(ip) <= 1) {
            return TTL_EXPIRED;
        }
        int owner = t.ownerOf(dstIp);
        long nextHop;
        if (owner >= 0) {
            nextHop = t.primaryMacOf(owner);
        } else if (routes.covers(dstIp)) {
            nextHop = routes.gatewayMac();
            owner = UPLINK;
        } else {
            return NO_ROUTE;
        }
        Ipv4.decrementTtl(ip);
        Ethernet.setDestination(frame, nextHop);
        Ethernet.setSource(frame, routerMac);
        return owner;
    }
}
