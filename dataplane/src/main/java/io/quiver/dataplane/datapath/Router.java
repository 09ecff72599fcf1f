package io.quiver.dataplane.datapath;

import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.packet.ArpRequestWriter;
import io.quiver.dataplane.packet.ArpResponder;
import io.quiver.dataplane.packet.Checksums;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.Icmpv4Error;
import io.quiver.dataplane.packet.Ipv4;
import io.quiver.dataplane.packet.PacketParser;
import io.quiver.dataplane.packet.Vlan;
import io.quiver.dataplane.port.LcoreTx;
import io.quiver.dataplane.port.MbufBurst;
import io.quiver.dataplane.ring.PendingVnics;
import io.quiver.dataplane.ring.VnicRing;
import io.quiver.dataplane.vnic.VnicCounters;
import io.quiver.dataplane.vns.NeighbourTable;
import io.quiver.dataplane.vns.NextHops;
import io.quiver.dataplane.vns.VnsState;
import io.quiver.dpdk.Mbufs;
import io.quiver.dpdk.NativeMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The router of every VNS, run by the one routing lcore (the datapath lcore in shared mode, the first worker in
 * dedicated mode), so each VNS's neighbours, ICMP limiter and counters have one writer. It routes what a VNIC's
 * forwarding ring holds (through the VNIC's VNS) and what the uplink sent a VNS's router (its ring): to the VNIC that
 * owns the destination, through the FIB to a VNIC, another VNS or a neighbour on the uplink network; it answers echo
 * requests to the router's own addresses and ARP for its uplink address, learns neighbours from ARP replies, and sends
 * the ICMP errors a router owes (time exceeded, net unreachable, fragmentation needed), rate-limited per VNS.
 *
 * <p>Allocation-free; the only downcalls off the forwarding path are an mbuf for an ARP probe (at most one a second
 * per neighbour) and for an ICMP error about a chained packet.
 */
final class Router {
    /** VNSes a packet may pass through by cross-VNS routes before it is dropped as a loop. */
    static final int MAX_VNS_HOPS = 4;
    private static final MemorySegment M = NativeMemory.ALL;
    private static final int PROTOCOL_ICMP = 1;

    private final long pool;
    /** Where routed frames for the network leave: the uplink, or an aggregation's member. */
    private final UplinkChoice uplink;
    private final LcoreTx tx;
    private final MbufBurst drop;
    private final PendingVnics pending;
    /** Where an ICMP error is written before it replaces the packet it is about. */
    private final long scratch;
    private DatapathState s;
    private long now;
    /** The VNIC whose forwarding ring the packet being routed came through; -1 for the uplink's (a VNS ring). */
    private int ingressVnic = -1;
    /** Local rings staged into since the last publication: each is published once per batch, not per packet. */
    private final VnicRing[] staged;
    private int stagedCount;

    Router(long pool, UplinkChoice uplink, LcoreTx tx, MbufBurst drop, PendingVnics pending, Arena arena) {
        this.pool = pool;
        this.uplink = uplink;
        this.tx = tx;
        this.drop = drop;
        this.pending = pending;
        this.scratch = arena.allocate(256, 64).address();
        this.staged = new VnicRing[drop.capacity()];
    }

    /** The neighbour table's hands for VNS {@code vns}: probes and sends through this router. */
    NeighbourTable.Actions actionsFor(int vns) {
        return new NeighbourTable.Actions() {
            @Override
            public void probe(int ip, long mac) {
                Router.this.probe(vns, ip, mac);
            }

            @Override
            public void transmit(long mbuf, long mac) {
                toUplink(mbuf, mac, s.vnses[vns].uplinkVlan);
            }

            @Override
            public void drop(long mbuf) {
                drop.freeLater(mbuf);
            }
        };
    }

    /** Frees what the router dropped since the last call (its TX queues flush with the lcore's). */
    void flush() {
        drop.freeAll();
    }

    /** Called once per poll before anything else: the state and the time every decision of the poll uses. */
    void begin(DatapathState state, long nowNanos) {
        this.s = state;
        this.now = nowNanos;
    }

    /** Runs every VNS's neighbour timers and ICMP settings; every few milliseconds. */
    void tick() {
        for (VnsState v : s.vnses) {
            if (v != null) {
                v.neighbours.tick(now);
                if (v.icmpRate > 0) {
                    v.icmpLimit.reconfigure(v.icmpRate, v.icmpBurst);
                }
            }
        }
    }

    /** Routes what VNIC {@code vnic}'s forwarding ring holds, at most {@code budget}; returns how many it took. */
    int routeForwardingRing(int vnic, VnicRing ring, int budget) {
        long from = ring.firstUnconsumed();
        long to = ring.lastPublished(from, budget);
        if (to < from) {
            return 0;
        }
        VnicCounters c = s.counters[vnic];
        int vns = s.tables.vnsOf(vnic);
        int vlan = s.tables.vlanOf(vnic);
        ingressVnic = vnic;
        for (long seq = from; seq <= to; seq++) {
            long m = ring.mbufAt(seq);
            if (ring.taggedAt(seq) && !Vlan.strip(m)) {
                drop(c, DropReason.MALFORMED, m);
                continue;
            }
            route(m, ring.dstIpAt(seq), vns, c, vlan, false);
        }
        ring.consumedThrough(to);
        publishStaged();
        return (int) (to - from + 1);
    }

    /**
     * Routes one packet classification sent to VNIC {@code vnic}'s forwarding ring, at once (shared mode, where this
     * lcore classified it): as {@link #routeForwardingRing} would; its local-ring stagings are published by
     * {@link #publishStaged}, which the ingress calls at the end of its burst.
     */
    void routeOne(DatapathState state, int vnic, long m, boolean tagged, int dst) {
        this.s = state;
        this.ingressVnic = vnic;
        VnicCounters c = state.counters[vnic];
        if (tagged && !Vlan.strip(m)) {
            drop(c, DropReason.MALFORMED, m);
            return;
        }
        route(m, dst, state.tables.vnsOf(vnic), c, state.tables.vlanOf(vnic), false);
    }

    /** Handles what the uplink sent VNS {@code v}'s router: ARP for it, and packets to route. */
    int routeVnsRing(VnsState v, int budget) {
        VnicRing ring = v.ring;
        long from = ring.firstUnconsumed();
        long to = ring.lastPublished(from, budget);
        if (to < from) {
            return 0;
        }
        ingressVnic = -1;
        for (long seq = from; seq <= to; seq++) {
            long m = ring.mbufAt(seq);
            if (ring.taggedAt(seq) && !Vlan.strip(m)) {
                v.counters.malformed++;
                drop.freeLater(m);
                continue;
            }
            long frame = Mbufs.data(m);
            if (Ethernet.etherType(frame) == PacketParser.ETHERTYPE_ARP) {
                arp(v, m, frame);
            } else {
                route(m, ring.dstIpAt(seq), v.index, null, v.uplinkVlan, true);
            }
        }
        ring.consumedThrough(to);
        publishStaged();
        return (int) (to - from + 1);
    }

    /** An ARP reply teaches a neighbour; a request for the router's uplink address is answered. */
    private void arp(VnsState v, long m, long frame) {
        long arp = frame + Ethernet.HEADER_LENGTH;
        int op = PacketParser.be16(arp + 6);
        int sender = PacketParser.be32(arp + 14);
        int target = PacketParser.be32(arp + 24);
        if (op == 2) {
            v.neighbours.learn(sender, PacketParser.arpSenderMac(arp), now);
            drop.freeLater(m);
        } else if (op == 1 && target == v.uplinkIp && v.uplinkIp != 0) {
            ArpResponder.answerInPlace(frame, arp, v.routerMac, v.uplinkIp);
            send(m, v.uplinkVlan);
        } else {
            drop.freeLater(m);
        }
    }

    /**
     * Routes one untagged IPv4 frame to {@code dst} in VNS {@code vns}; {@code c} is the VNIC whose forwarding ring
     * it came from (null: the uplink sent it to the router), {@code vlan} where an error about it goes on the uplink.
     */
    private void route(long m, int dst, int vns, VnicCounters c, int vlan, boolean fromUplink) {
        VnsState entry = s.vnses[vns];
        long frame = Mbufs.data(m);
        long ip = frame + Ethernet.HEADER_LENGTH;
        long decision = decide(s, vns, dst, Ipv4.ttl(ip));
        VnsState v = s.vnses[decidedIn(decision)];
        int arg = decidedArgument(decision);
        switch (decidedKind(decision)) {
            case LOCAL -> local(entry, v, m, frame, ip, c, vlan, fromUplink);
            case TTL_EXPIRES -> {
                entry.counters.ttlExceeded++;
                error(entry, m, frame, c, vlan, fromUplink, Icmpv4Error.TIME_EXCEEDED, Icmpv4Error.TTL_EXCEEDED_IN_TRANSIT, 0,
                        DropReason.TTL_EXPIRED);
            }
            case TO_VNIC -> toVnic(entry, v, arg, m, frame, ip, dst, c, vlan, fromUplink);
            case LOOP -> {
                entry.counters.loops++;
                drop(c, DropReason.ROUTING_LOOP, m);
            }
            case TO_NEIGHBOUR -> toNeighbour(entry, v, arg, m, frame, ip, c, vlan, fromUplink);
            case TO_GATEWAY_MAC -> {
                if (fits(entry, m, frame, ip, v.mtu, c, vlan, fromUplink)) {
                    forward(entry, frame, ip, c);
                    toUplink(m, v.hops.mac(arg), v.uplinkVlan); // the uplink network's VLAN, as for its neighbours
                }
            }
            default -> noRoute(entry, m, frame, c, vlan, fromUplink);
        }
    }

    // What routing decides, as one long: the kind, the VNS it was decided in (cross-VNS routes move on), an argument.
    static final int LOCAL = 1;
    static final int TTL_EXPIRES = 2;
    /** The argument is the VNIC. */
    static final int TO_VNIC = 3;
    static final int NO_ROUTE = 4;
    static final int LOOP = 5;
    /** The argument is the neighbour's address on the uplink network. */
    static final int TO_NEIGHBOUR = 6;
    /** The argument is the next hop's index in the VNS's {@link NextHops}. */
    static final int TO_GATEWAY_MAC = 7;

    private static long decision(int kind, int vns, int argument) {
        return (long) kind << 56 | (long) (vns & 0xffffff) << 32 | (argument & 0xffffffffL);
    }

    static int decidedKind(long decision) {
        return (int) (decision >>> 56);
    }

    static int decidedIn(long decision) {
        return (int) (decision >>> 32) & 0xffffff;
    }

    static int decidedArgument(long decision) {
        return (int) decision;
    }

    /**
     * Where a packet to {@code dst} entering VNS {@code vns} with TTL {@code ttl} goes, without touching it or
     * anything else: what {@link #route} then does, and what a packet trace reports.
     */
    static long decide(DatapathState s, int vns, int dst, int ttl) {
        boolean decrement = s.vnses[vns].decrementTtl;
        int cur = vns;
        for (int hop = 0; ; hop++) {
            VnsState v = s.vnses[cur];
            if (v.isOwn(dst)) {
                return decision(LOCAL, cur, 0);
            }
            if (hop == 0 && decrement && ttl <= 1) {
                return decision(TTL_EXPIRES, cur, 0);
            }
            int owner = s.tables.ownerOf(cur, dst);
            if (owner >= 0) {
                return decision(TO_VNIC, cur, owner);
            }
            int id = v.fib == null ? -1 : v.fib.lookup(dst);
            if (id < 0) {
                return decision(NO_ROUTE, cur, 0);
            }
            NextHops hops = v.hops;
            switch (hops.kind(id)) {
                case NextHops.VNS -> {
                    if (hop + 1 >= MAX_VNS_HOPS) {
                        return decision(LOOP, cur, 0);
                    }
                    cur = hops.arg(id);
                }
                case NextHops.DEV -> {
                    return decision(TO_VNIC, cur, hops.arg(id));
                }
                case NextHops.CONNECTED_UPLINK -> {
                    return decision(TO_NEIGHBOUR, cur, dst);
                }
                case NextHops.VIA -> {
                    int gateway = hops.arg(id);
                    int router = s.tables.ownerOf(cur, gateway);
                    return router >= 0 ? decision(TO_VNIC, cur, router)
                            : v.onUplink(gateway) ? decision(TO_NEIGHBOUR, cur, gateway) : decision(NO_ROUTE, cur, 0);
                }
                case NextHops.GATEWAY_MAC -> {
                    return decision(TO_GATEWAY_MAC, cur, id);
                }
                default -> {
                    return decision(NO_ROUTE, cur, 0); // a connected subnet no VNIC has the address on
                }
            }
        }
    }

    private void toVnic(VnsState entry, VnsState v, int vnic, long m, long frame, long ip, int dst, VnicCounters c, int vlan,
                        boolean fromUplink) {
        if (!fits(entry, m, frame, ip, s.tables.frameLimitOf(vnic) - Ethernet.HEADER_LENGTH, c, vlan, fromUplink)) {
            return;
        }
        forward(entry, frame, ip, c);
        Ethernet.setDestination(frame, s.tables.primaryMacOf(vnic));
        toLocalRing(entry, vnic, m, dst, c);
    }

    /** Stages into VNIC {@code vnic}'s local ring (published with the batch); a full ring is a counted drop. */
    private void toLocalRing(VnsState entry, int vnic, long m, int dst, VnicCounters c) {
        VnicRing ring = s.localRings[vnic];
        int staging = ring.stage(m, false, dst, Ethernet.HEADER_LENGTH);
        if (staging == VnicRing.FULL) {
            entry.counters.full++;
            drop(c, DropReason.RING_FULL, m); // the next hop's counters are its delivery lcore's to write
        } else if (staging == VnicRing.FIRST_STAGED) {
            if (stagedCount == staged.length) {
                publishStaged();
            }
            staged[stagedCount++] = ring;
            if (pending != null) {
                pending.mark(vnic);
            }
        }
    }

    void publishStaged() {
        for (int k = 0; k < stagedCount; k++) {
            staged[k].publishStaged();
        }
        stagedCount = 0;
    }

    private void toNeighbour(VnsState entry, VnsState v, int neighbour, long m, long frame, long ip, VnicCounters c,
                             int vlan, boolean fromUplink) {
        if (fits(entry, m, frame, ip, v.mtu, c, vlan, fromUplink)) {
            forward(entry, frame, ip, c);
            v.neighbours.resolve(neighbour, m, now); // sent, held until it answers, or dropped: the table counts which
        }
    }

    /**
     * The headers of a packet that goes on: TTL (the entry VNS's policy); the source MAC the one the sender addressed
     * (the router's, or the VNIC's whose forwarding ring it came through), which the caller then replaces as
     * destination. Counted.
     */
    private static void forward(VnsState entry, long frame, long ip, VnicCounters c) {
        if (entry.decrementTtl) {
            Ipv4.decrementTtl(ip);
        }
        Ethernet.setSource(frame, Ethernet.destination(frame));
        entry.counters.routed++;
        if (c != null) {
            c.forwarded++;
        }
    }

    private void toUplink(long m, long mac, int vlan) {
        Ethernet.setDestination(Mbufs.data(m), mac);
        send(m, vlan);
    }

    private void send(long m, int vlan) {
        if (vlan != 0 && !Vlan.insert(m, vlan)) {
            drop.freeLater(m);
            return;
        }
        int out = uplink.portFor(m);
        if (out < 0) {
            drop.freeLater(m);
            return;
        }
        tx.to(out).add(m);
    }

    /** Whether the packet fits {@code mtu}; if not it is dropped, with a fragmentation-needed when DF is set. */
    private boolean fits(VnsState entry, long m, long frame, long ip, int mtu, VnicCounters c, int vlan, boolean fromUplink) {
        int length = PacketParser.be16(ip + 2);
        if (length <= mtu) {
            return true;
        }
        entry.counters.tooBig++;
        if ((PacketParser.be16(ip + 6) & 0x4000) != 0) {
            error(entry, m, frame, c, vlan, fromUplink, Icmpv4Error.DESTINATION_UNREACHABLE, Icmpv4Error.FRAGMENTATION_NEEDED, mtu,
                    DropReason.TOO_BIG);
        } else {
            drop(c, DropReason.TOO_BIG, m);
        }
        return false;
    }

    private void noRoute(VnsState entry, long m, long frame, VnicCounters c, int vlan, boolean fromUplink) {
        entry.counters.noRoute++;
        error(entry, m, frame, c, vlan, fromUplink, Icmpv4Error.DESTINATION_UNREACHABLE, Icmpv4Error.NET_UNREACHABLE, 0,
                DropReason.NO_ROUTE);
    }

    /** For the router itself: an echo request is answered; anything else is counted and dropped. */
    private void local(VnsState entry, VnsState v, long m, long frame, long ip, VnicCounters c, int vlan, boolean fromUplink) {
        v.counters.local++;
        int ihl = (PacketParser.u8(ip) & 0x0f) * 4;
        int length = PacketParser.be16(ip + 2);
        boolean fragment = (PacketParser.be16(ip + 6) & 0x3fff) != 0;
        if (PacketParser.u8(ip + 9) != PROTOCOL_ICMP || fragment || Mbufs.segments(m) != 1
                || Mbufs.dataLen(m) < Ethernet.HEADER_LENGTH + length || length < ihl + 8
                || PacketParser.u8(ip + ihl) != 8) {
            drop.freeLater(m);
            return;
        }
        int source = PacketParser.be32(ip + 12);
        int own = PacketParser.be32(ip + 16);
        long icmp = ip + ihl;
        be32(ip + 12, own);
        be32(ip + 16, source);
        M.set(ValueLayout.JAVA_BYTE, ip + 8, (byte) 64);
        be16(ip + 10, 0);
        be16(ip + 10, Checksums.internet(ip, ihl));
        M.set(ValueLayout.JAVA_BYTE, icmp, (byte) 0); // echo reply
        be16(icmp + 2, 0);
        be16(icmp + 2, Checksums.internet(icmp, length - ihl));
        Ethernet.setDestination(frame, Ethernet.source(frame));
        Ethernet.setSource(frame, v.routerMac);
        v.counters.icmpSent++;
        back(entry, m, source, vlan, fromUplink);
    }

    /**
     * Replaces the packet by the ICMP error about it and sends that back, when the rules and the VNS's rate limit allow
     * one; otherwise the packet is dropped. Either way the drop is counted under {@code reason}.
     */
    private void error(VnsState entry, long m, long frame, VnicCounters c, int vlan, boolean fromUplink, int type, int code,
                       int mtu, DropReason reason) {
        if (c != null) {
            countDrop(c, reason, m);
        }
        if (entry.icmpRate == 0) {
            drop.freeLater(m);
            return;
        }
        int source = PacketParser.be32(frame + Ethernet.HEADER_LENGTH + 12);
        int from = entry.sourceFor(source, fromUplink, ingressVnic < 0 ? 0 : s.tables.firstAddressOf(ingressVnic));
        int length = from == 0 ? 0 : Icmpv4Error.write(scratch, frame, Ethernet.HEADER_LENGTH,
                Mbufs.dataLen(m) - Ethernet.HEADER_LENGTH, entry.routerMac, from, type, code, mtu);
        if (length == 0) { // an error about an error, a fragment, a broadcast...: none is sent
            drop.freeLater(m);
            return;
        }
        if (!entry.icmpLimit.tryAcquire(now)) {
            entry.counters.rateLimited++;
            drop.freeLater(m);
            return;
        }
        long out = m;
        if (!Mbufs.setLength(m, length)) { // chained: the error gets an mbuf of its own
            out = Mbufs.alloc(pool);
            drop.freeLater(m);
            if (out == 0 || !Mbufs.setLength(out, length)) {
                if (out != 0) {
                    drop.freeLater(out);
                }
                return;
            }
        }
        MemorySegment.copy(M, scratch, M, Mbufs.data(out), length);
        entry.counters.icmpSent++;
        back(entry, out, source, vlan, fromUplink);
    }

    /**
     * Sends a reply or error to {@code to}: to the VNIC of the VNS that has the address, else back where the packet came
     * in: the VNIC whose forwarding ring it came through (a host behind a guest router), or the uplink.
     */
    private void back(VnsState entry, long m, int to, int vlan, boolean fromUplink) {
        int owner = fromUplink ? -1 : s.tables.ownerOf(entry.index, to);
        if (owner < 0 && !fromUplink) {
            owner = ingressVnic;
        }
        if (owner >= 0) {
            toLocalRing(entry, owner, m, to, null);
            return;
        }
        send(m, vlan);
    }

    private void probe(int vns, int ip, long mac) {
        VnsState v = s.vnses[vns];
        if (v == null || v.uplinkIp == 0) {
            return;
        }
        long m = Mbufs.alloc(pool);
        if (m == 0) {
            return; // the next tick probes again
        }
        if (!Mbufs.setLength(m, ArpRequestWriter.LENGTH)) {
            drop.freeLater(m);
            return;
        }
        ArpRequestWriter.write(Mbufs.data(m), v.routerMac, v.uplinkIp, mac, ip);
        send(m, v.uplinkVlan);
    }

    private void drop(VnicCounters c, DropReason reason, long m) {
        if (c != null) {
            countDrop(c, reason, m);
        }
        drop.freeLater(m);
    }

    /**
     * A routed frame's drop, charged to the VNIC whose forwarding ring held it. For its capture the direction is the
     * VNIC's: outbound when its guest sent the frame to the router (its own source MAC), else inbound (a frame to its
     * MAC for an address it routes).
     */
    private void countDrop(VnicCounters c, DropReason reason, long m) {
        c.routingDrops[reason.ordinal()]++;
        io.quiver.dataplane.capture.CaptureTap tap = c.tap;
        if (tap != null) {
            long source = Ethernet.source(Mbufs.data(m));
            boolean sent = ingressVnic >= 0 && s.tables.vnicOf(source, s.tables.vlanOf(ingressVnic)) == ingressVnic;
            tap.recordDrop(m, sent ? io.quiver.dataplane.capture.CaptureTap.OUTBOUND : io.quiver.dataplane.capture.CaptureTap.INBOUND,
                    reason);
        }
    }

    private static void be16(long at, int v) {
        M.set(ValueLayout.JAVA_SHORT_UNALIGNED, at, Short.reverseBytes((short) v));
    }

    private static void be32(long at, int v) {
        M.set(ValueLayout.JAVA_INT_UNALIGNED, at, Integer.reverseBytes(v));
    }
}
