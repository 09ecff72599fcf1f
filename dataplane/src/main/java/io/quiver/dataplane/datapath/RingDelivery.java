package io.quiver.dataplane.datapath;

import io.quiver.dataplane.capture.CaptureTap;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.lcore.PollTask;
import io.quiver.dataplane.packet.Vlan;
import io.quiver.dataplane.port.LcoreTx;
import io.quiver.dataplane.port.MbufBurst;
import io.quiver.dataplane.port.TxBatcher;
import io.quiver.dataplane.priority.TokenBucket;
import io.quiver.dataplane.ring.PendingVnics;
import io.quiver.dataplane.ring.VnicRing;
import io.quiver.dataplane.vnic.Vnic;
import io.quiver.dataplane.vnic.VnicCounters;
import io.quiver.dataplane.vns.VnsState;
import io.quiver.dpdk.Mbufs;
import java.lang.foreign.Arena;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drains the receive rings of the VNICs one worker owns, each ring its own way:
 * <ul>
 *   <li><b>local</b>: delivered to the guest's port (an 802.1Q tag from the uplink stripped first);</li>
 *   <li><b>forwarding</b>: routed through the VNIC's VNS by the {@link Router}, which the routing worker alone has
 *       (the only worker in shared mode, the first in dedicated mode); it also drains every VNS's ring and runs the
 *       neighbour timers.</li>
 * </ul>
 * Each ring is drained by a batch loop over its slots, at most a burst's worth per visit.
 */
final class RingDelivery implements PollTask {
    private final AtomicReference<DatapathState> state;
    private final int worker;
    private final int workers;
    private final LcoreTx tx;
    private final PendingVnics pending;
    private final MbufBurst drop;
    private final int budget;
    private final PendingVnics.Visitor visitor = this::visit;
    /** Null for a worker that does not route. */
    private final Router router;
    private DatapathState current;
    private long lastTick;
    /**
     * Shared mode: VNICs whose shaper left packets in their local ring, visited every poll until it is empty (no new
     * packet may come to mark them again). {@code shapedListed} says which are listed.
     */
    private final int[] shaped = new int[io.quiver.dataplane.config.Defaults.MAX_VNICS];
    private final boolean[] shapedListed = new boolean[io.quiver.dataplane.config.Defaults.MAX_VNICS];
    private int shapedCount;
    /** By VNIC index: deliveries owed to its lowest class, in hundredths of a packet (see {@link #deliverLocal}). */
    private final int[] lowestOwed = new int[io.quiver.dataplane.config.Defaults.MAX_VNICS];
    /** Whether the last {@link #deliver} stopped at the shaper. */
    private boolean held;

    /**
     * @param pending the VNICs the same lcore published to (shared mode), or null for a worker that checks each of
     *                its VNICs' rings (dedicated mode)
     */
    /** @param router the router, for the routing worker; null for the others */
    RingDelivery(AtomicReference<DatapathState> state, int worker, int workers, LcoreTx tx,
                 PendingVnics pending, Arena arena, int burstSize, Router router) {
        this.state = state;
        this.worker = worker;
        this.workers = workers;
        this.tx = tx;
        this.pending = pending;
        this.drop = new MbufBurst(arena, burstSize);
        this.budget = burstSize;
        this.router = router;
    }

    private static final long TICK_NANOS = 10_000_000L;

    @Override
    public int poll() {
        DatapathState s = state.get();
        int work = 0;
        if (router != null) {
            long now = System.nanoTime();
            router.begin(s, now);
            if (now - lastTick >= TICK_NANOS) {
                lastTick = now;
                router.tick();
            }
            for (VnsState v : s.vnses) {
                if (v != null && v.ring.hasWork()) {
                    work += router.routeVnsRing(v, budget);
                }
            }
        }
        if (pending != null) {
            current = s;
            work += pending.drain(visitor);
            work += revisitShaped(s);
        } else {
            Vnic[] vnics = s.vnics;
            for (int v = worker; v < vnics.length; v += workers) {
                Vnic vnic = vnics[v];
                if (vnic != null && hasWork(s.classRings[v])) {
                    work += deliverLocal(s, vnic);
                }
            }
            if (router != null) {
                for (Vnic vnic : vnics) {
                    if (vnic != null && vnic.forwardingRing().hasWork()) {
                        work += router.routeForwardingRing(vnic.index(), vnic.forwardingRing(), budget);
                    }
                }
            }
        }
        if (work > 0 || router != null) {
            drop.freeAll();
            if (router != null) {
                router.flush(); // probes and held packets the timers sent go out even when nothing else moved
            }
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
            int routed = router.routeForwardingRing(v, vnic.forwardingRing(), budget);
            if (routed >= budget) {
                pending.markForwarding(v);
            }
            handled += routed;
        }
        return handled;
    }

    /** Delivers what the shapers held back, as their tokens allow; a VNIC leaves the list once its ring is empty. */
    private int revisitShaped(DatapathState s) {
        int work = 0;
        for (int k = 0; k < shapedCount; ) {
            int v = shaped[k];
            Vnic vnic = v < s.vnics.length ? s.vnics[v] : null;
            if (vnic != null && hasWork(s.classRings[v])) {
                work += deliverLocal(s, vnic);
            }
            if (vnic == null || !hasWork(s.classRings[v])) {
                shapedListed[v] = false;
                shaped[k] = shaped[--shapedCount];
            } else {
                k++;
            }
        }
        return work;
    }

    /**
     * A VNIC's receive rings, handed to the guest: the local ring alone, or with class rings in strict priority order,
     * the highest class first, except that the lowest class gets its share ({@link DatapathState#lowestShare} percent
     * of what is delivered while it waits) before the others: it is never starved. The VNIC's shaper, when it has a
     * bandwidth-limit, is shared by all classes, so a higher class takes the tokens first.
     */
    private int deliverLocal(DatapathState s, Vnic vnic) {
        int v = vnic.index();
        VnicRing[] rings = s.classRings[v];
        VnicRing low = rings[0];
        if (rings[1] == null && rings[2] == null && rings[3] == null) {
            return deliver(s, vnic, low, budget, s.defaultClass[v], 0);
        }
        int reserve = 2 * (s.tables.frameLimitOf(v) + Vlan.TAG_LENGTH);
        held = false;
        int left = budget;
        int owed = lowestOwed[v] / 100;
        if (owed > 0 && low.hasWork()) {
            // paid from any token, the reserve's too: the higher classes wait while the share is owed, and a share
            // waiting above the reserve would hold them back for the reserve's whole refill
            int n = deliver(s, vnic, low, Math.min(owed, left), s.defaultClass[v], 0);
            lowestOwed[v] -= 100 * n;
            left -= n;
        }
        for (int c = 3; c > 0 && left > 0 && !held; c--) {
            VnicRing ring = rings[c];
            if (ring != null && ring.hasWork()) {
                int n = deliver(s, vnic, ring, left, c, 0);
                left -= n;
                if (low.hasWork()) {
                    // owed at most a visit's budget: a shaper that holds the lowest class back must not let it pile up
                    lowestOwed[v] = Math.min(lowestOwed[v] + n * s.lowestShare, 100 * budget);
                }
            }
        }
        if (left > 0 && !held && low.hasWork()) {
            left -= deliver(s, vnic, low, left, s.defaultClass[v], reserve);
        }
        if (!low.hasWork()) {
            lowestOwed[v] = 0; // a share is owed only while the class waits
        }
        return budget - left;
    }

    /** Whether any of a VNIC's receive rings holds packets. */
    private static boolean hasWork(VnicRing[] rings) {
        return rings[0].hasWork() || rings[1] != null && rings[1].hasWork() || rings[2] != null && rings[2].hasWork()
                || rings[3] != null && rings[3].hasWork();
    }

    /**
     * One ring, at most {@code max} packets: hand to the guest at class {@code cls} within the TX burst, an uplink VLAN
     * tag stripped (a Q-in-Q frame keeps its inner tag), nothing larger than the VNIC's MTU. Sets {@link #held} when the
     * shaper held packets back. The lowest class of a VNIC with class rings leaves {@code reserve} bytes of the shaper's
     * tokens (two full frames) to the higher classes: a premium packet then never waits behind best-effort's tokens.
     */
    private int deliver(DatapathState s, Vnic vnic, VnicRing ring, int max, int cls, int reserve) {
        long from = ring.firstUnconsumed();
        long to = ring.lastPublished(from, max);
        if (to < from) {
            return 0;
        }
        TxBatcher out = tx.to(vnic.portId());
        VnicCounters c = vnic.counters();
        int frameLimit = s.tables.frameLimitOf(vnic.index());
        TokenBucket shaper = s.shapers[vnic.index()];
        long now = shaper == null ? 0 : System.nanoTime();
        CaptureTap tap = c.tap;
        long packets = 0;
        long bytes = 0;
        for (long seq = from; seq <= to; seq++) {
            long m = ring.mbufAt(seq);
            int length = Mbufs.pktLen(m);
            // shaping first: a packet held back stays in the ring as it came (its tag not yet stripped)
            if (shaper != null && !shaper.admit(length, now, reserve)) {
                to = seq - 1;
                held = true;
                if (pending != null && !shapedListed[vnic.index()]) {
                    shapedListed[vnic.index()] = true;
                    shaped[shapedCount++] = vnic.index();
                }
                break;
            }
            if (ring.taggedAt(seq)) {
                if (!Vlan.strip(m)) {
                    addDrop(c, DropReason.MALFORMED, m);
                    continue;
                }
                length -= Vlan.TAG_LENGTH;
            }
            // the ring's metadata is read only for a frame over the limit (a Q-in-Q frame keeps its inner tag's 4 bytes)
            if (length > frameLimit && length > frameLimit + (ring.l3At(seq) == Vlan.STACKED_L3 ? Vlan.TAG_LENGTH : 0)) {
                addDrop(c, DropReason.MTU_EXCEEDED, m);
                continue;
            }
            packets++;
            bytes += length;
            if (tap != null) {
                tap.record(m, CaptureTap.INBOUND);
            }
            out.add(m, length, cls);
        }
        if (to >= from) {
            ring.consumedThrough(to);
        }
        c.rxPackets += packets;
        c.rxBytes += bytes;
        return (int) Math.max(0, to - from + 1);
    }

    private void addDrop(VnicCounters c, DropReason reason, long m) {
        c.deliveryDrops[reason.ordinal()]++;
        CaptureTap tap = c.tap;
        if (tap != null) {
            tap.recordDrop(m, CaptureTap.INBOUND, reason);
        }
        drop.freeLater(m);
    }

    @Override
    public void drain() {
        drop.freeAll();
        if (router != null) {
            router.flush();
        }
        tx.flushAll();
    }
}
