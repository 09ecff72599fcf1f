package io.quiver.dataplane.datapath;

import io.quiver.dataplane.antispoof.EgressChecks;
import io.quiver.dataplane.capture.CaptureTap;
import io.quiver.dataplane.classify.Classifier;
import io.quiver.dataplane.classify.ClassifierTables;
import io.quiver.dataplane.classify.SoftwareClassifier;
import io.quiver.dataplane.fabric.FabricPeer;
import io.quiver.dataplane.fabric.FabricState;
import io.quiver.dataplane.fabric.PeerCounters;
import io.quiver.dataplane.fabric.Vxlan;
import io.quiver.dataplane.fabric.VxlanHeader;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.lcore.PollTask;
import io.quiver.dataplane.packet.PacketKind;
import io.quiver.dataplane.packet.PacketParser;
import io.quiver.dataplane.packet.ParsedBurst;
import io.quiver.dataplane.packet.Vlan;
import io.quiver.dataplane.port.LcoreTx;
import io.quiver.dataplane.port.MbufBurst;
import io.quiver.dataplane.port.QueueCounters;
import io.quiver.dataplane.priority.Identifier;
import io.quiver.dataplane.ring.PendingVnics;
import io.quiver.dataplane.ring.VnicRing;
import io.quiver.dataplane.vnic.VnicCounters;
import io.quiver.dpdk.EthDev;
import io.quiver.dpdk.Mbufs;
import java.lang.foreign.Arena;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Receives on one port and steers every packet: receive a burst, parse each frame once, hand each to
 * {@link #steer} (the uplink's ingress or a guest port's egress), publish every ring staged into with one write per
 * ring, free everything the burst dropped with one bulk call. What both directions share lives here: staging into
 * rings, floods, the uplink, drop accounting.
 */
abstract class PortIngress implements PollTask {
    final int port;
    /** The RX queues, in the order each poll takes them. */
    private final int[] queues;
    /** Where frames for the network leave: the uplink, or an aggregation's member. */
    final UplinkChoice uplink;
    final long pool;
    private final AtomicReference<DatapathState> state;
    private final QueueCounters[] rxCounters;
    final LcoreTx tx;
    private final PendingVnics pending;
    private final MbufBurst rx;
    private final MbufBurst drop;
    private final ParsedBurst parsed;
    private int dropsThisBurst;
    /** Rings staged into during this burst, published together at its end. */
    private final VnicRing[] staged;
    private int stagedCount;
    /**
     * Shared mode: the router, on this same lcore, routes what classification sends a forwarding ring at once (the
     * ring would be written and read back by this lcore within the poll); null in dedicated mode, where the ring
     * carries packets to the routing worker.
     */
    private Router inlineRouter;
    /** The time of the current burst (for buckets and the connection table), in nanoseconds and in seconds. */
    long now;
    int tick;

    PortIngress(int port, int[] queues, UplinkChoice uplink, long pool, AtomicReference<DatapathState> state,
                QueueCounters[] rxCounters, LcoreTx tx, PendingVnics pending, Arena arena, int burstSize) {
        this.port = port;
        this.queues = queues.clone();
        this.uplink = uplink;
        this.pool = pool;
        this.state = state;
        this.rxCounters = rxCounters;
        this.tx = tx;
        this.pending = pending;
        this.rx = new MbufBurst(arena, burstSize);
        this.drop = new MbufBurst(arena, burstSize);
        this.parsed = new ParsedBurst(burstSize);
        this.staged = new VnicRing[burstSize * 2];
    }

    /** Steers packet {@code i} of the burst, received on queue {@code q}, under state {@code s}. */
    abstract void steer(DatapathState s, ParsedBurst b, int i, int q, QueueCounters c);

    /** Called once per poll with the state the burst runs under, before any packet is steered. */
    void onState(DatapathState s) {
    }

    /**
     * Whether this task receives on its port now: a port that has become an aggregation's member is received by the
     * aggregation's ingress, no longer as a guest port, and one that left is no longer the aggregation's.
     */
    boolean receivesNow() {
        return true;
    }

    @Override
    public final int poll() {
        if (!receivesNow()) {
            return 0;
        }
        final DatapathState s = state.get();
        onState(s);
        uplink.refresh();
        int total = 0;
        for (int q : queues) {
            int n = EthDev.rxBurst(port, q, rx.segment(), rx.capacity());
            if (n == 0) {
                continue;
            }
            if (total == 0) {
                now = System.nanoTime();
                tick = (int) (now / 1_000_000_000L);
                if (s.identifier != null) {
                    s.identifier.sweep(tick);
                }
            }
            total += n;
            QueueCounters c = rxCounters[q];
            CaptureTap tap = c.tap;
            final ParsedBurst b = parsed;
            long bytes = 0;
            for (int i = 0; i < n; i++) {
                long m = rx.get(i);
                if (tap != null) {
                    tap.record(m, CaptureTap.INBOUND);
                }
                bytes += load(b, i, m, c);
            }
            uplink.route(b, n);
            c.packets += n;
            c.bytes += bytes;
            for (int i = 0; i < n; i++) {
                steer(s, b, i, q, c);
            }
            publishStaged();
            c.dropped += dropsThisBurst;
            dropsThisBurst = 0;
            drop.freeAll();
        }
        if (total > 0) {
            tx.flushAll();
        }
        return total;
    }

    /** Puts the frame in mbuf {@code m} at {@code i} of burst {@code b}, parsed (a malformed one counted); its length. */
    private static int load(ParsedBurst b, int i, long m, QueueCounters c) {
        b.mbuf[i] = m;
        b.frame[i] = Mbufs.data(m);
        b.length[i] = Mbufs.dataLen(m);
        int whole = Mbufs.pktLen(m);
        b.pktLen[i] = whole;
        PacketParser.parse(b, i);
        if (b.kind[i] == PacketKind.MALFORMED) {
            c.malformed[b.malformed[i]]++;
        }
        return whole;
    }

    /**
     * A packet trace ({@link PacketTrace}): what {@link #poll} does with one received frame, for the frame in mbuf
     * {@code m} under {@code s} (a state of the trace's own, {@link DatapathState#forTrace}), counted in {@code c}
     * (the trace's). The frame stays where steering put it: a ring of {@code s}, this task's TX (a trace's holds), or
     * among the dropped ({@link #releaseTraced}); the parse is in {@link #traced}.
     */
    final void traceOne(DatapathState s, long m, QueueCounters c, long nowNanos) {
        now = nowNanos;
        tick = (int) (now / 1_000_000_000L);
        onState(s);
        uplink.refresh();
        ParsedBurst b = parsed;
        c.bytes += load(b, 0, m, c);
        c.packets++;
        uplink.route(b, 1);
        steer(s, b, 0, 0, c);
        publishStaged();
        c.dropped += dropsThisBurst;
        dropsThisBurst = 0;
    }

    /** The parse of the frame {@link #traceOne} steered. */
    final ParsedBurst traced() {
        return parsed;
    }

    /** The mbufs {@link #traceOne} dropped or released: how many, and then back to the pool. */
    final int releaseTraced() {
        int n = drop.count;
        drop.freeAll();
        return n;
    }

    private void publishStaged() {
        for (int k = 0; k < stagedCount; k++) {
            staged[k].publishStaged();
        }
        stagedCount = 0;
        if (inlineRouter != null) {
            inlineRouter.publishStaged();
        }
    }

    /** Queues 0..{@code count - 1}, in order. */
    static int[] inOrder(int count) {
        int[] order = new int[count];
        for (int q = 0; q < count; q++) {
            order[q] = q;
        }
        return order;
    }

    /** Routes forwarding-ring traffic inline (shared mode: {@code router} runs on this task's lcore). */
    void routeInline(Router router) {
        this.inlineRouter = router;
    }

    /** Stages packet {@code i} into the ring {@code steering} names (a {@link Classifier} result of a VNIC ring). */
    final void toRing(DatapathState s, int steering, long m, boolean tagged, ParsedBurst b, int i) {
        toRing(s, steering, m, tagged, b, i, 0);
    }

    /**
     * Stages packet {@code i} into the ring {@code steering} names; for the VNIC's local traffic, the ring of priority
     * class {@code cls} (or the highest class below it that has one).
     */
    final void toRing(DatapathState s, int steering, long m, boolean tagged, ParsedBurst b, int i, int cls) {
        int vnic = Classifier.vnicOf(steering);
        boolean forwarding = Classifier.isForwarding(steering);
        if (forwarding && inlineRouter != null) {
            inlineRouter.routeOne(s, vnic, m, tagged, b.dstIp[i]);
            return;
        }
        VnicRing ring = forwarding ? s.forwardingRings[vnic] : cls == 0 ? s.localRings[vnic] : classRing(s, vnic, cls);
        int staging = stage(ring, m, tagged, b.dstIp[i], b.l3[i]);
        if (staging == VnicRing.FULL) {
            vnicDrop(s.counters[vnic], DropReason.RING_FULL, m, CaptureTap.INBOUND);
            return;
        }
        if (staging == VnicRing.FIRST_STAGED) { // remember to deliver it
            if (pending != null) {
                if (forwarding) {
                    pending.markForwarding(vnic);
                } else {
                    pending.mark(vnic);
                }
            }
        }
    }

    private static VnicRing classRing(DatapathState s, int vnic, int cls) {
        VnicRing[] rings = s.classRings[vnic];
        for (int c = cls; c > 0; c--) {
            if (rings[c] != null) {
                return rings[c];
            }
        }
        return rings[0];
    }

    /**
     * The class packet {@code i} is handled at, for VNIC {@code vnic} it goes to ({@code toVnic}) or comes from: its
     * connection's level's when a subscription level identified it, else the VNIC's default; {@link Identifier#DROP}
     * when the level's limit drops it.
     */
    final int classOf(DatapathState s, ParsedBurst b, int i, int vnic, boolean toVnic) {
        Identifier identifier = s.identifier;
        int cls = s.defaultClass[vnic];
        return identifier == null ? cls
                : identifier.classify(s.levels, b, i, vnic, s.tables.vnsOf(vnic), toVnic, cls, now, tick);
    }

    /**
     * Stages into {@code ring}, which is published with the others at the end of the burst; says what
     * {@link VnicRing#stage} said ({@link VnicRing#FULL}: nothing staged, the caller drops and counts).
     */
    final int stage(VnicRing ring, long m, boolean tagged, int dstIp, int l3) {
        int staging = ring.stage(m, tagged, dstIp, l3);
        if (staging == VnicRing.FIRST_STAGED) { // remember to publish the ring
            if (stagedCount == staged.length) { // more rings than slots (floods): publish early
                publishStaged();
            }
            staged[stagedCount++] = ring;
        }
        return staging;
    }

    /**
     * Delivers a broadcast to every VNIC of {@code domain} but {@code except}, and to the uplink when it came from a
     * guest. The original goes to the last receiver; the others get copies (floods are rare: ARP and the like).
     */
    final void flood(DatapathState s, int[] domain, int except, long m, boolean tagged, ParsedBurst b, int i,
                     boolean alsoUplink, int vlan) {
        int receivers = domain.length - (except >= 0 ? 1 : 0);
        int sent = 0;
        for (int w : domain) {
            if (w == except) {
                continue;
            }
            boolean last = ++sent == receivers && !alsoUplink;
            long copy = last ? m : Mbufs.copy(m, pool);
            if (copy == 0) {
                s.counters[w].ingressDrops[DropReason.NO_MBUF.ordinal()]++;
                continue;
            }
            toRing(s, Classifier.local(w), copy, tagged, b, i);
        }
        if (alsoUplink) {
            toUplink(m, vlan, except >= 0 ? s.counters[except] : null, 0, b, i);
        } else if (receivers == 0) { // no one to deliver to (cannot happen with today's flood domains): counted
            addDrop(m);
        }
    }

    /**
     * Sends packet {@code i} to the uplink (its member for the packet's connection, when the uplink is an
     * aggregation) at priority class {@code cls} within the TX burst, tagged with {@code vlan} when it is not 0; a
     * failure is charged to {@code charge}.
     */
    final void toUplink(long m, int vlan, VnicCounters charge, int cls, ParsedBurst b, int i) {
        int out = uplink.portFor(b, i);
        if (out < 0) {
            uplink.noMember++;
            addDrop(m);
            return;
        }
        if (vlan != 0 && !Vlan.insert(m, vlan)) {
            if (charge != null) {
                vnicDrop(charge, DropReason.MALFORMED, m);
            } else {
                addDrop(m);
            }
            return;
        }
        tx.to(out).add(m, Mbufs.pktLen(m), cls);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The fabric: frames to and from other appliances' VNICs (docs/fabric.md)

    /**
     * Sends packet {@code i}, for remote VNIC {@code remote} in {@code vlan}, over the medium that reaches its
     * appliance, at class {@code cls}.
     */
    final void toRemote(FabricState f, int remote, long m, int vlan, ParsedBurst b, int i, int cls) {
        toPeer(f, f.peerOf(remote), m, vlan, b, i, cls);
    }

    /**
     * Sends packet {@code i} of {@code vlan} to peer {@code p}: over its memif link with its VLAN's tag (no
     * encapsulation), or VXLAN-encapsulated to its VTEP through the uplink; counted on the peer either way.
     */
    final void toPeer(FabricState f, int p, long m, int vlan, ParsedBurst b, int i, int cls) {
        FabricPeer peer = f.peer(p);
        PeerCounters pc = f.counters(p);
        int length = b.pktLen[i];
        int memif = peer.memifPort();
        if (memif >= 0) {
            if (vlan != 0 && !Vlan.insert(m, vlan)) {
                peerDrop(pc, DropReason.NO_MBUF, m);
                return;
            }
            pc.txPackets++;
            pc.txBytes += length;
            tx.to(memif).add(m, Mbufs.pktLen(m), cls);
            return;
        }
        VxlanHeader header = f.vxlanHeader(p);
        if (header == null) {
            peerDrop(pc, DropReason.NO_MEDIUM, m);
            return;
        }
        if (length + Vxlan.MTU_OVERHEAD > f.uplinkMtu()) { // the planned MTUs make this rare: a guest above its MTU
            peerDrop(pc, DropReason.MTU_EXCEEDED, m);
            return;
        }
        int out = uplink.portFor(b, i);
        if (out < 0) {
            uplink.noMember++;
            addDrop(m);
            return;
        }
        if (!header.write(m, f.settings().vniOf(vlan), Vxlan.entropy(b.srcMac[i], b.dstMac[i], b.srcIp[i], b.dstIp[i]))) {
            peerDrop(pc, DropReason.NO_MBUF, m);
            return;
        }
        pc.txPackets++;
        pc.txBytes += length;
        tx.to(out).add(m, Mbufs.pktLen(m), cls);
    }

    /**
     * A broadcast of {@code vlan} from a guest: a copy to every peer with VNICs in that VLAN (head-end replication);
     * the original stays with the caller.
     */
    final void floodToPeers(FabricState f, long m, int vlan, ParsedBurst b, int i) {
        int[] peers = f.peersIn(vlan);
        if (peers == null) {
            return;
        }
        for (int p : peers) {
            long copy = Mbufs.copy(m, pool);
            if (copy == 0) {
                f.counters(p).drops[DropReason.NO_MBUF.ordinal()]++;
                continue;
            }
            toPeer(f, p, copy, vlan, b, i, 0);
        }
    }

    /**
     * A frame from peer {@code p} (decapsulated, untagged) for segment {@code vlan}: its source MAC must be a VNIC the
     * directory gives that peer, in that VLAN, and it passes the same egress checks as that VNIC's frames on its own
     * appliance; then it is delivered like uplink traffic in the VNIC's VNS, to local VNICs only (never back to the
     * uplink or another peer).
     */
    final void fromPeer(DatapathState s, FabricState f, int p, ParsedBurst b, int i, int vlan) {
        long m = b.mbuf[i];
        PeerCounters pc = f.counters(p);
        int kind = b.kind[i];
        if (kind == PacketKind.MALFORMED) {
            peerDrop(pc, DropReason.MALFORMED, m);
            return;
        }
        ClassifierTables remotes = f.remotes();
        int r = f.sourcesOf(p).owner(b.srcMac[i]);
        if (r < 0 || remotes.vlanOf(r) != vlan) {
            peerDrop(pc, DropReason.UNKNOWN_REMOTE, m);
            return;
        }
        DropReason refused = EgressChecks.refusal(remotes, f.sourcesOf(p), b, i, kind, r);
        if (refused != null) {
            peerDrop(pc, refused, m);
            return;
        }
        pc.rxPackets++;
        pc.rxBytes += b.pktLen[i];
        int vns = remotes.vnsOf(r);
        int steering = SoftwareClassifier.INSTANCE.classifyIn(s.tables, b, i, vlan, vns);
        if (steering >= 0) {
            int cls = Classifier.isForwarding(steering) ? 0 : classOf(s, b, i, Classifier.vnicOf(steering), true);
            if (cls == Identifier.DROP) {
                vnicDrop(s.counters[Classifier.vnicOf(steering)], DropReason.OVER_LIMIT, m);
                return;
            }
            toRing(s, steering, m, false, b, i, cls);
        } else if (steering == Classifier.FLOOD) {
            int[] domain = floodDomainOf(s, vlan, vns);
            if (domain == null) {
                release(m); // no local VNIC in the segment: the broadcast was for others
            } else {
                flood(s, domain, -1, m, false, b, i, false, 0);
            }
        } else {
            peerDrop(pc, DropReason.UNKNOWN_DESTINATION, m);
        }
    }

    /** The local VNICs of {@code vlan} in VNS {@code vns}, or null when there are none. */
    private static int[] floodDomainOf(DatapathState s, int vlan, int vns) {
        int[] all = s.vnicsByVlan[vlan];
        if (all == null) {
            return null;
        }
        for (int w : all) {
            if (s.tables.vnsOf(w) == vns) {
                return s.floodDomain[w];
            }
        }
        return null;
    }

    final void peerDrop(PeerCounters pc, DropReason reason, long m) {
        pc.drops[reason.ordinal()]++;
        addDrop(m);
    }

    final void vnicDrop(VnicCounters vc, DropReason reason, long m) {
        vnicDrop(vc, reason, m, dropDirection());
    }

    /** A drop charged to the VNIC the frame was going to ({@code direction} is that VNIC's: inbound). */
    final void vnicDrop(VnicCounters vc, DropReason reason, long m, int direction) {
        vc.ingressDrops[reason.ordinal()]++;
        CaptureTap tap = vc.tap;
        if (tap != null) {
            tap.recordDrop(m, direction, reason);
        }
        addDrop(m);
    }

    /**
     * The direction, for the VNIC it is charged to, of what {@link #vnicDrop(VnicCounters, DropReason, long)} drops:
     * from the uplink or the fabric a frame was on its way in.
     */
    int dropDirection() {
        return CaptureTap.INBOUND;
    }

    final void portDrop(QueueCounters c, DropReason reason, long m) {
        c.drops[reason.ordinal()]++;
        CaptureTap tap = c.tap;
        if (tap != null) {
            tap.recordDrop(m, CaptureTap.INBOUND, reason);
        }
        addDrop(m);
    }

    final void addDrop(long m) {
        dropsThisBurst++;
        release(m);
    }

    /** Returns an mbuf to the pool with the burst's others (one bulk free), without counting a drop. */
    final void release(long m) {
        drop.freeLater(m);
    }

    @Override
    public void drain() {
        drop.freeAll();
        tx.flushAll();
    }
}
