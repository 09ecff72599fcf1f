package io.quiver.dataplane.datapath;

import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.lcore.PollTask;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.Vlan;
import io.quiver.dataplane.port.LcoreTx;
import io.quiver.dataplane.port.MbufBurst;
import io.quiver.dataplane.port.TxBatcher;
import io.quiver.dataplane.ring.PendingVnics;
import io.quiver.dataplane.ring.VnicRing;
import io.quiver.dataplane.vnic.Vnic;
import io.quiver.dataplane.vnic.VnicCounters;
import io.quiver.dataplane.vns.Ipv4Forwarding;
import io.quiver.dpdk.Mbufs;
import java.lang.foreign.Arena;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drains the receive rings of the VNICs one worker owns, each ring its own way:
 * <ul>
 *   <li><b>local</b>: delivered to the guest's port (an 802.1Q tag from the uplink stripped first);</li>
 *   <li><b>forwarding</b>: routed by destination IPv4 ({@link Ipv4Forwarding}) to the VNIC that owns it (into its
 *       local ring) or over the uplink; dropped as ttl-expired or no-route otherwise.</li>
 * </ul>
 * Each ring is drained by a batch loop over its slots, at most a burst's worth per visit.
 */
final class RingDelivery implements PollTask {
    private final AtomicReference<DatapathState> state;
    private final int worker;
    private final int workers;
    private final int uplinkPort;
    private final LcoreTx tx;
    private final PendingVnics pending;
    private final MbufBurst drop;
    private final int budget;
    private final PendingVnics.Visitor visitor = this::visit;
    private DatapathState current;

    /**
     * @param pending the VNICs the same lcore published to (shared mode), or null for a worker that checks each of
     *                its VNICs' rings (dedicated mode)
     */
    RingDelivery(AtomicReference<DatapathState> state, int worker, int workers, int uplinkPort, LcoreTx tx,
                 PendingVnics pending, Arena arena, int burstSize) {
        this.state = state;
        this.worker = worker;
        this.workers = workers;
        this.uplinkPort = uplinkPort;
        this.tx = tx;
        this.pending = pending;
        this.drop = new MbufBurst(arena, burstSize);
        this.budget = burstSize;
    }

    @Override
    public int poll() {
        DatapathState s = state.get();
        int work = 0;
        if (pending != null) {
            current = s;
            work = pending.drain(visitor);
        } else {
            Vnic[] vnics = s.vnics;
            for (int v = worker; v < vnics.length; v += workers) {
                Vnic vnic = vnics[v];
                if (vnic != null) {
                    if (vnic.localRing().hasWork()) {
                        work += deliverLocal(s, vnic);
                    }
                    if (vnic.forwardingRing().hasWork()) {
                        work += route(s, vnic);
                    }
                }
            }
        }
        if (work > 0) {
            drop.freeAll();
            tx.flushAll();
        }
        return work;
    }

    private int visit(int v) {
        DatapathState s = current;
        boolean fwd = pending.takeForwarding(v);
        if (v >= s.vnics.length || s.vnics[v] == null) {
            return 0;
        }
        Vnic vnic = s.vnics[v];
        int handled = deliverLocal(s, vnic);
        if (handled >= budget) {
            pending.mark(v); // a budget's worth: visited again in this walk
        }
        if (fwd) {
            int routed = route(s, vnic);
            if (routed >= budget) {
                pending.markForwarding(v);
            }
            handled += routed;
        }
        return handled;
    }

    /**
     * Local ring: hand to the guest, an uplink VLAN tag stripped (a Q-in-Q frame keeps its inner tag), nothing larger
     * than the VNIC's MTU.
     */
    private int deliverLocal(DatapathState s, Vnic vnic) {
        VnicRing ring = vnic.localRing();
        long from = ring.firstUnconsumed();
        long to = ring.lastPublished(from, budget);
        if (to < from) {
            return 0;
        }
        TxBatcher out = tx.to(vnic.portId());
        VnicCounters c = vnic.counters();
        int frameLimit = s.tables.frameLimitOf(vnic.index());
        long packets = 0;
        long bytes = 0;
        for (long seq = from; seq <= to; seq++) {
            long m = ring.mbufAt(seq);
            if (ring.taggedAt(seq) && !Vlan.strip(m)) {
                addDrop(c, DropReason.MALFORMED, m);
                continue;
            }
            int length = Mbufs.pktLen(m);
            // the ring's metadata is read only for a frame over the limit (a Q-in-Q frame keeps its inner tag's 4 bytes)
            if (length > frameLimit && length > frameLimit + (ring.l3At(seq) == Vlan.STACKED_L3 ? Vlan.TAG_LENGTH : 0)) {
                addDrop(c, DropReason.MTU_EXCEEDED, m);
                continue;
            }
            packets++;
            bytes += length;
            out.add(m, length);
        }
        ring.consumedThrough(to);
        c.rxPackets += packets;
        c.rxBytes += bytes;
        return (int) (to - from + 1);
    }

    /** Forwarding ring: routed by destination IPv4 ({@link Ipv4Forwarding}). */
    private int route(DatapathState s, Vnic vnic) {
        VnicRing ring = vnic.forwardingRing();
        long from = ring.firstUnconsumed();
        long to = ring.lastPublished(from, budget);
        if (to < from) {
            return 0;
        }
        VnicCounters c = vnic.counters();
        long routerMac = s.tables.primaryMacOf(vnic.index());
        for (long seq = from; seq <= to; seq++) {
            long m = ring.mbufAt(seq);
            if (ring.taggedAt(seq) && !Vlan.strip(m)) {
                addDrop(c, DropReason.MALFORMED, m);
                continue;
            }
            int nextHop = Ipv4Forwarding.forward(s.tables, s.routes, Mbufs.data(m), ring.dstIpAt(seq), routerMac);
            if (nextHop >= 0) {
                if (!s.vnics[nextHop].localRing().offer(m, false, ring.dstIpAt(seq), Ethernet.HEADER_LENGTH)) {
                    addDrop(c, DropReason.RING_FULL, m); // the next hop's counters are another lcore's to write
                } else {
                    c.forwarded++;
                    if (pending != null) {
                        pending.mark(nextHop);
                    }
                }
            } else if (nextHop == Ipv4Forwarding.UPLINK) {
                int vlan = s.tables.vlanOf(vnic.index());
                if (vlan != 0 && !Vlan.insert(m, vlan)) {
                    addDrop(c, DropReason.MALFORMED, m);
                } else {
                    c.forwarded++;
                    tx.to(uplinkPort).add(m);
                }
            } else {
                addDrop(c, nextHop == Ipv4Forwarding.TTL_EXPIRED ? DropReason.TTL_EXPIRED : DropReason.NO_ROUTE, m);
            }
        }
        ring.consumedThrough(to);
        return (int) (to - from + 1);
    }

    private void addDrop(VnicCounters c, DropReason reason, long m) {
        c.deliveryDrops[reason.ordinal()]++;
        drop.freeLater(m);
    }

    @Override
    public void drain() {
        drop.freeAll();
        tx.flushAll();
    }
}
