package io.quiver.dataplane.vns;

import io.quiver.configstore.model.Ipv4Prefix;
import java.util.List;

/**
 * The prefixes reachable over the uplink and the next hop's MAC there: today's one routing table, shared by every
 * VNIC's forwarding ring. Immutable. A few prefixes, matched in order (any match routes: they share one next hop).
 */
public final class UplinkRoutes {
    private final int[] prefix;
    private final int[] mask;
    private final long gatewayMac;

    /** @param gatewayMac the next hop's MAC in {@code Ethernet}'s long form, 0 for none (then {@code routes} is empty) */
    public UplinkRoutes(List<Ipv4Prefix> routes, long gatewayMac) {
        if (!routes.isEmpty() && gatewayMac == 0) {
            throw new IllegalArgumentException("uplink routes need the gateway's MAC (gatewayMac)");
        }
        this.prefix = new int[routes.size()];
        this.mask = new int[routes.size()];
        for (int r = 0; r < prefix.length; r++) {
            mask[r] = routes.get(r).mask();
            prefix[r] = routes.get(r).network().bits();
        }
        this.gatewayMac = gatewayMac;
    }

    /** True when a route covers {@code ip}. */
    public boolean covers(int ip) {
        for (int r = 0; r < prefix.length; r++) {
            if ((ip & mask[r]) == prefix[r]) {
                return true;
            }
        }
        return false;
    }

    public long gatewayMac() {
        return gatewayMac;
    }
}
