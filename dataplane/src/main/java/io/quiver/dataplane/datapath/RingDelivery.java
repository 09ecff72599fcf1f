package io.quiver.dataplane.datapath;

import com.lmax.disruptor.EventPoller;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.lcore.PollTask;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.Ipv4;
import io.quiver.dataplane.packet.Vlan;
import io.quiver.dataplane.port.MbufBurst;
import io.quiver.dataplane.ring.PacketSlot;
import io.quiver.dataplane.vnic.Vnic;
import io.quiver.dataplane.vnic.VnicCounters;
import io.quiver.dpdk.Mbufs;
import java.lang.foreign.Arena;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drains the receive rings of the VNICs one worker owns, each ring its own way:
 * <ul>
 *   <li><b>local</b>: delivered to the guest's port (an 802.1Q tag from the uplink stripped first);</li>
 *   <li><b>forwarding</b>: routed by destination IPv4 to the VNIC that owns it (into its local ring) or over the
 *       uplink when an uplink route covers it, with the TTL decremented and the checksum updated; dropped as
 *       ttl-expired or no-route otherwise.</li>
 * </ul>
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
    private final LocalHandler local = new LocalHandler();
    private final PendingVnics.Visitor visitor = this::visit;
    private DatapathState current;
    private final ForwardingHandler forwarding = new ForwardingHandler();

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
        Vnic[] vnics = s.vnics;
        int work = 0;
        if (pending != null) {
            current = s;
            work = pending.drain(visitor);
        } else {
            for (int v = worker; v < vnics.length; v += workers) {
                Vnic vnic = vnics[v];
                if (vnic != null && (vnic.localRing().hasWork() || vnic.forwardingRing().hasWork())) {
                    work += deliver(s, vnic, true);
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
        return v < s.vnics.length && s.vnics[v] != null ? deliver(s, s.vnics[v], fwd) : 0;
    }

    /** Drains the local ring and, when it may hold something, the forwarding ring. */
    private int deliver(DatapathState s, Vnic vnic, boolean drainForwarding) {
        local.start(vnic);
        vnic.localRing().drain(local);
        int handled = local.handled;
        boolean more = local.handled >= budget;
        if (drainForwarding) {
            forwarding.start(s, vnic);
            vnic.forwardingRing().drain(forwarding);
            handled += forwarding.handled;
            if (forwarding.handled >= budget && pending != null) {
                pending.markForwarding(vnic.index()); // a budget's worth: visited again in this walk
            }
        }
        if (more && pending != null) {
            pending.mark(vnic.index());
        }
        return handled;
    }

    private void addDrop(VnicCounters c, DropReason reason, long m) {
        c.drops[reason.ordinal()]++;
        if (drop.isFull()) {
            drop.freeAll();
        }
        drop.add(m);
    }

    /** Local ring: hand to the guest. */
    private final class LocalHandler implements EventPoller.Handler<PacketSlot> {
        Vnic vnic;
        TxBatcher out;
        int handled;

        void start(Vnic v) {
            vnic = v;
            out = tx.to(v.portId());
            handled = 0;
        }

        @Override
        public boolean onEvent(PacketSlot slot, long sequence, boolean endOfBatch) {
            long m = slot.mbuf;
            VnicCounters c = vnic.counters();
            if (slot.tagged && !Vlan.strip(m)) {
                addDrop(c, DropReason.MALFORMED, m);
            } else {
                c.rxPackets++;
                c.rxBytes += Mbufs.pktLen(m);
                out.add(m);
            }
            return ++handled < budget;
        }
    }

    /** Forwarding ring: route by destination IPv4. */
    private final class ForwardingHandler implements EventPoller.Handler<PacketSlot> {
        DatapathState s;
        Vnic vnic;
        int handled;

        void start(DatapathState state, Vnic v) {
            s = state;
            vnic = v;
            handled = 0;
        }

        @Override
        public boolean onEvent(PacketSlot slot, long sequence, boolean endOfBatch) {
            long m = slot.mbuf;
            VnicCounters c = vnic.counters();
            handled++;
            if (slot.tagged && !Vlan.strip(m)) {
                addDrop(c, DropReason.MALFORMED, m);
                return handled < budget;
            }
            long frame = Mbufs.data(m);
            long ip = frame + Ethernet.HEADER_LENGTH;
            if (Ipv4.ttl(ip) <= 1) {
                addDrop(c, DropReason.TTL_EXPIRED, m);
                return handled < budget;
            }
            int owner = s.tables.ownerOf(slot.dstIp);
            long routerMac = s.tables.primaryMacOf(vnic.index());
            if (owner >= 0) {
                Ipv4.decrementTtl(ip);
                Ethernet.setDestination(frame, s.tables.primaryMacOf(owner));
                Ethernet.setSource(frame, routerMac);
                if (!s.vnics[owner].localRing().offer(m, false, slot.dstIp, Ethernet.HEADER_LENGTH)) {
                    addDrop(s.vnics[owner].counters(), DropReason.RING_FULL, m);
                } else {
                    c.forwarded++;
                    if (pending != null) {
                        pending.mark(owner);
                    }
                }
            } else if (s.uplinkRoutes(slot.dstIp)) {
                Ipv4.decrementTtl(ip);
                Ethernet.setDestination(frame, s.gatewayMac);
                Ethernet.setSource(frame, routerMac);
                int vlan = s.tables.vlanOf(vnic.index());
                if (vlan != 0 && !Vlan.insert(m, vlan)) {
                    addDrop(c, DropReason.MALFORMED, m);
                } else {
                    c.forwarded++;
                    tx.to(uplinkPort).add(m);
                }
            } else {
                addDrop(c, DropReason.NO_ROUTE, m);
            }
            return handled < budget;
        }
    }

    @Override
    public void drain() {
        drop.freeAll();
        tx.flushAll();
    }
}
