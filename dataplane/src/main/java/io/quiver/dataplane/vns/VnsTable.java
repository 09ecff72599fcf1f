package io.quiver.dataplane.vns;

import io.quiver.configstore.model.Ipv4Interface;
import io.quiver.configstore.model.Ipv4Prefix;
import io.quiver.configstore.model.VnsConfig;
import io.quiver.configstore.model.VnsRoute;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.ring.VnicRing;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * One VNS on the control side of the datapath: its FIB and next hops, changed in place route by route while the
 * routing lcore reads them, and the long-lived parts of its {@link VnsState} snapshots (neighbours, ring, ICMP
 * limiter, counters). Not thread-safe: the datapath calls it under its own lock.
 */
public final class VnsTable implements AutoCloseable {
    /** Second-level FIB groups at most: 1 KiB each, one per /24 that holds a longer route. */
    private static final int MAX_GROUPS = 8192;
    /** Held packets per VNS, all its unresolved neighbours together. */
    private static final int HELD_PACKETS = 1024;

    /** How the table names VNICs and other VNSes by index. */
    public interface Resolver {
        /** The index of VNIC {@code name}, or -1. */
        int vnic(String name);

        /** The index of VNS {@code name}, or -1. */
        int vns(String name);
    }

    public final int index;
    private VnsConfig config;
    private Ipv4Fib fib;
    private NextHops hops;
    /** What the FIB holds, by prefix: the next hop id of each entry (connected subnets and routes). */
    private final Map<Ipv4Prefix, Integer> installed = new HashMap<>();
    private final VnicRing ring;
    private final IcmpRateLimit icmpLimit;
    private final VnsCounters counters = new VnsCounters();
    private final NeighbourTable.Actions neighbourActions;
    private NeighbourTable neighbours;
    private final List<NeighbourTable> retiredNeighbours = new ArrayList<>();
    private final List<Ipv4Fib> retiredFibs = new ArrayList<>();
    /** The uplink's configured routes (VNS default's) and their gateway, as the last {@link #apply} had them. */
    private List<Ipv4Prefix> uplinkRoutes = List.of();
    private long gatewayMac;

    /**
     * @param ring             the VNS's ring for what the uplink sends the router
     * @param neighbourActions how its neighbour table probes and sends (the routing lcore's)
     */
    public VnsTable(int index, VnsConfig config, VnicRing ring, NeighbourTable.Actions neighbourActions, long nowNanos) {
        this.index = index;
        this.config = config;
        this.ring = ring;
        this.neighbourActions = neighbourActions;
        this.icmpLimit = new IcmpRateLimit(Math.max(1, config.icmpRate()), config.icmpBurst(), nowNanos);
        this.neighbours = newNeighbours(config);
    }

    private NeighbourTable newNeighbours(VnsConfig c) {
        NeighbourTable t = new NeighbourTable(c.maxNeighbours(), HELD_PACKETS, c.neighbourReachableSeconds() * 1_000_000_000L,
                neighbourActions);
        c.staticNeighbours().forEach((ip, mac) -> t.setStatic(ip.bits(), Ethernet.wireOrder(mac)));
        return t;
    }

    public VnsConfig config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    /**
     * Makes the FIB hold exactly {@code routes}, the connected subnets of {@code next} and the uplink's fixed routes
     * ({@code uplinkRoutes} via {@code gatewayMac}, the default VNS's only), changing only the entries that differ.
     * A new neighbour table is made when its size, timers or static entries change (the old one is retired: its held
     * packets are freed by {@link #reclaimRetired}). The caller publishes a new {@link #snapshot} afterwards.
     */
    public void apply(VnsConfig next, List<VnsRoute> routes, List<Ipv4Prefix> uplinkRoutes, long gatewayMac, Resolver names) {
        Map<Ipv4Prefix, long[]> wanted = new HashMap<>(); // prefix -> {kind, arg, mac}
        for (Ipv4Interface a : next.addresses()) {
            wanted.put(VnsConfig.subnetOf(a), new long[] {NextHops.CONNECTED_VNICS, 0, 0});
        }
        next.uplinkAddress().ifPresent(u -> wanted.put(VnsConfig.subnetOf(u), new long[] {NextHops.CONNECTED_UPLINK, 0, 0}));
        for (Ipv4Prefix p : uplinkRoutes) {
            wanted.putIfAbsent(p, new long[] {NextHops.GATEWAY_MAC, 0, gatewayMac});
        }
        for (VnsRoute r : routes) {
            wanted.put(r.prefix(), hopOf(r, names));
        }
        int capacity = Math.max(16, next.maxRoutes() + next.connectedSubnets().size() + uplinkRoutes.size());
        if (fib == null && !wanted.isEmpty()) {
            fib = new Ipv4Fib(capacity, Math.min(capacity, MAX_GROUPS));
            hops = new NextHops(capacity);
        } else if (fib != null && capacity > hops.capacity()) { // max-routes grew: a larger table, filled before it is used
            retiredFibs.add(fib);
            installed.clear();
            fib = new Ipv4Fib(capacity, Math.min(capacity, MAX_GROUPS));
            hops = new NextHops(capacity);
        }
        for (Ipv4Prefix p : List.copyOf(installed.keySet())) {
            if (!wanted.containsKey(p)) {
                remove(p);
            }
        }
        for (Map.Entry<Ipv4Prefix, long[]> e : wanted.entrySet()) {
            long[] h = e.getValue();
            install(e.getKey(), (byte) h[0], (int) h[1], h[2]);
        }
        this.uplinkRoutes = List.copyOf(uplinkRoutes);
        this.gatewayMac = gatewayMac;
        boolean neighboursChange = next.maxNeighbours() != config.maxNeighbours()
                || next.neighbourReachableSeconds() != config.neighbourReachableSeconds()
                || !next.staticNeighbours().equals(config.staticNeighbours());
        if (neighboursChange) {
            retiredNeighbours.add(neighbours);
            neighbours = newNeighbours(next);
        }
        config = next;
    }

    private static long[] hopOf(VnsRoute r, Resolver names) {
        return switch (r.kind()) {
            case VIA -> new long[] {NextHops.VIA, r.via().bits(), 0};
            case DEV -> new long[] {NextHops.DEV, require(names.vnic(r.target()), "VNIC", r), 0};
            case VNS -> new long[] {NextHops.VNS, require(names.vns(r.target()), "VNS", r), 0};
        };
    }

    private static int require(int index, String what, VnsRoute r) {
        if (index < 0) {
            throw new IllegalArgumentException("route " + r + " of VNS " + r.vns() + ": no such " + what);
        }
        return index;
    }

    /** Adds one route (the store checked it). */
    public void addRoute(VnsRoute r, Resolver names) {
        long[] h = hopOf(r, names);
        if (fib == null) {
            int capacity = Math.max(16, config.maxRoutes() + config.connectedSubnets().size());
            fib = new Ipv4Fib(capacity, Math.min(capacity, MAX_GROUPS));
            hops = new NextHops(capacity);
        }
        install(r.prefix(), (byte) h[0], (int) h[1], h[2]);
    }

    /**
     * Deletes the route to exactly {@code prefix}; its addresses fall to the next longest route at once, or to the
     * uplink's configured route to the same prefix, which the deleted one had replaced.
     */
    public void deleteRoute(Ipv4Prefix prefix) {
        if (uplinkRoutes.contains(prefix)) {
            install(prefix, NextHops.GATEWAY_MAC, 0, gatewayMac);
        } else if (installed.containsKey(prefix)) {
            remove(prefix);
        }
    }

    private void install(Ipv4Prefix p, byte kind, int arg, long mac) {
        Integer old = installed.get(p);
        if (old != null && hops.kind(old) == kind && hops.arg(old) == arg && hops.mac(old) == mac) {
            return;
        }
        int id = hops.acquire(kind, arg, mac); // written before the FIB entry that names it is published
        fib.add(p.network().bits(), p.length(), id);
        installed.put(p, id);
        if (old != null) {
            hops.release(old);
        }
    }

    private void remove(Ipv4Prefix p) {
        int id = installed.remove(p);
        fib.delete(p.network().bits(), p.length());
        hops.release(id);
    }

    /** Whether the FIB exists (it is made with the first route or subnet). */
    public boolean hasFib() {
        return fib != null;
    }

    /** Routes in the FIB, connected subnets included. */
    public int fibSize() {
        return fib == null ? 0 : fib.size();
    }

    /** The snapshot the lcores read of this VNS as it is now. */
    public VnsState snapshot() {
        List<Ipv4Interface> addresses = config.addresses();
        int[] gateways = new int[addresses.size()];
        int[] masks = new int[addresses.size()];
        for (int k = 0; k < gateways.length; k++) {
            gateways[k] = addresses.get(k).address().bits();
            masks[k] = Ipv4Prefix.mask(addresses.get(k).prefixLength());
        }
        int uplinkIp = config.uplinkAddress().map(u -> u.address().bits()).orElse(0);
        int uplinkMask = config.uplinkAddress().map(u -> Ipv4Prefix.mask(u.prefixLength())).orElse(0);
        return new VnsState(index, config.name(), Ethernet.wireOrder(config.routerMac()), config.mtu(), config.decrementsTtl(),
                gateways, masks, uplinkIp, uplinkIp & uplinkMask, uplinkMask, config.uplinkVlan(), config.icmpRate(),
                config.icmpBurst(), fib, hops, neighbours, ring, icmpLimit, counters);
    }

    public VnsCounters counters() {
        return counters;
    }

    public NeighbourTable neighbours() {
        return neighbours;
    }

    /**
     * After the lcores' quiescence wait: FIB groups and next hops let go since the last call become reusable, and
     * retired neighbour tables' held packets and retired FIBs are freed.
     */
    public void reclaimRetired(LongConsumer freeMbuf) {
        if (fib != null) {
            fib.reclaimRetired();
            hops.reclaimRetired();
        }
        for (NeighbourTable t : retiredNeighbours) {
            t.releaseHeld(freeMbuf);
        }
        retiredNeighbours.clear();
        retiredFibs.forEach(Ipv4Fib::close);
        retiredFibs.clear();
    }

    /** Frees everything: only once no lcore runs. */
    @Override
    public void close() {
        ring.drain(m -> io.quiver.dpdk.Mbufs.free(m));
        neighbours.releaseHeld(m -> io.quiver.dpdk.Mbufs.free(m));
        for (NeighbourTable t : retiredNeighbours) {
            t.releaseHeld(m -> io.quiver.dpdk.Mbufs.free(m));
        }
        retiredNeighbours.clear();
        if (fib != null) {
            fib.close();
        }
        retiredFibs.forEach(Ipv4Fib::close);
        retiredFibs.clear();
    }
}
