package io.quiver.dataplane.vns;

import io.quiver.dataplane.ring.VnicRing;

/**
 * What the routing lcore reads of one VNS, as one immutable snapshot of its configuration plus references to what
 * lives longer than a snapshot: the FIB and next hops (changed in place by the control side), the neighbour table,
 * ring, ICMP limiter and counters (the routing lcore's own). A property change publishes a new snapshot with the
 * datapath's next state.
 */
public final class VnsState {
    public final int index;
    public final String name;
    /** The router's MAC in {@code Ethernet}'s long (wire) form. */
    public final long routerMac;
    /** The largest IP packet routed to the uplink. */
    public final int mtu;
    public final boolean decrementTtl;
    /** The router's addresses toward its VNICs, and their subnets' masks. */
    public final int[] gateways;
    public final int[] gatewayMasks;
    /** The router's address on the uplink network, 0 for none; that network as address and mask. */
    public final int uplinkIp;
    public final int uplinkNetwork;
    public final int uplinkMask;
    public final int uplinkVlan;
    /** ICMP errors per second, 0 for none; and the burst. */
    public final int icmpRate;
    public final int icmpBurst;
    /** Null until the VNS has a route or a subnet. */
    public final Ipv4Fib fib;
    public final NextHops hops;
    public final NeighbourTable neighbours;
    /** What arrives from the uplink for the router (its MAC, or an ARP request for its uplink address). */
    public final VnicRing ring;
    public final IcmpRateLimit icmpLimit;
    public final VnsCounters counters;

    VnsState(int index, String name, long routerMac, int mtu, boolean decrementTtl, int[] gateways, int[] gatewayMasks, int uplinkIp,
             int uplinkNetwork, int uplinkMask, int uplinkVlan, int icmpRate, int icmpBurst, Ipv4Fib fib, NextHops hops,
             NeighbourTable neighbours, VnicRing ring, IcmpRateLimit icmpLimit, VnsCounters counters) {
        this.index = index;
        this.name = name;
        this.routerMac = routerMac;
        this.mtu = mtu;
        this.decrementTtl = decrementTtl;
        this.gateways = gateways;
        this.gatewayMasks = gatewayMasks;
        this.uplinkIp = uplinkIp;
        this.uplinkNetwork = uplinkNetwork;
        this.uplinkMask = uplinkMask;
        this.uplinkVlan = uplinkVlan;
        this.icmpRate = icmpRate;
        this.icmpBurst = icmpBurst;
        this.fib = fib;
        this.hops = hops;
        this.neighbours = neighbours;
        this.ring = ring;
        this.icmpLimit = icmpLimit;
        this.counters = counters;
    }

    /** This VNS with {@code ring} in place of its router ring: what a packet trace stages into instead of the live one. */
    public VnsState withRing(VnicRing ring) {
        return new VnsState(index, name, routerMac, mtu, decrementTtl, gateways, gatewayMasks, uplinkIp, uplinkNetwork, uplinkMask,
                uplinkVlan, icmpRate, icmpBurst, fib, hops, neighbours, ring, icmpLimit, counters);
    }

    /** Whether {@code ip} is one of the router's own addresses (a few compares). */
    public boolean isOwn(int ip) {
        if (ip == uplinkIp && ip != 0) {
            return true;
        }
        for (int g : gateways) {
            if (g == ip) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code ip} is on the uplink network. */
    public boolean onUplink(int ip) {
        return uplinkIp != 0 && (ip & uplinkMask) == uplinkNetwork;
    }

    /**
     * The router's own address to send from toward {@code ip}: its address on that subnet; else the one on the subnet
     * of {@code via}, the address of the VNIC the packet came in through (a host behind a guest router); else, for
     * what came from the uplink, its uplink address; else its first address. 0 when it has none (it sends nothing).
     */
    public int sourceFor(int ip, boolean fromUplink, int via) {
        if (onUplink(ip) || (fromUplink && uplinkIp != 0)) {
            return uplinkIp;
        }
        int k = gatewayFor(ip);
        if (k < 0 && !fromUplink) {
            k = gatewayFor(via);
        }
        return k >= 0 ? gateways[k] : gateways.length > 0 ? gateways[0] : uplinkIp;
    }

    private int gatewayFor(int ip) {
        for (int k = 0; k < gateways.length; k++) {
            if (((ip ^ gateways[k]) & gatewayMasks[k]) == 0) {
                return k;
            }
        }
        return -1;
    }
}
