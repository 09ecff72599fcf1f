package io.quiver.dataplane.datapath;

import com.lmax.disruptor.EventPoller;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.guest.InjectionQueue;
import io.quiver.dataplane.lcore.PollTask;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.port.LcoreTx;
import io.quiver.dataplane.ring.PendingVnics;
import io.quiver.dataplane.vnic.Vnic;
import io.quiver.dpdk.Mbufs;
import io.quiver.dpdk.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs on the RX lcore: moves frames the control side queued for a guest into mbufs and into the VNIC's local
 * ring, where delivery sends them like any other frame, and frames for a port (an aggregation's LACPDUs and
 * announcements) into this lcore's TX queue on it. Control-plane traffic: a handful per second.
 */
final class InjectTask implements PollTask {
    private final InjectionQueue queue;
    private final AtomicReference<DatapathState> state;
    private final long pool;
    private final PendingVnics pending;
    private final LcoreTx tx;
    private final Handler handler = new Handler();
    /** Frames for a port that found no mbuf (read by the control side). */
    long portNoMbuf;

    InjectTask(InjectionQueue queue, AtomicReference<DatapathState> state, long pool, PendingVnics pending, LcoreTx tx) {
        this.tx = tx;
        this.queue = queue;
        this.state = state;
        this.pool = pool;
        this.pending = pending;
    }

    @Override
    public int poll() {
        handler.s = state.get();
        handler.count = 0;
        queue.poll(handler);
        if (handler.toPorts > 0) {
            tx.flushAll();
            handler.toPorts = 0;
        }
        return handler.count;
    }

    private final class Handler implements EventPoller.Handler<InjectionQueue.Slot> {
        DatapathState s;
        int count;
        int toPorts;

        @Override
        public boolean onEvent(InjectionQueue.Slot slot, long sequence, boolean endOfBatch) {
            count++;
            if (slot.vnic == InjectionQueue.TO_PORT) {
                toPort(slot);
                return true;
            }
            if (slot.vnic >= s.vnics.length || s.vnics[slot.vnic] == null) {
                return true; // the VNIC was removed meanwhile
            }
            Vnic v = s.vnics[slot.vnic];
            long m = Mbufs.alloc(pool);
            if (m == 0) {
                v.counters().ingressDrops[DropReason.NO_MBUF.ordinal()]++;
                return true;
            }
            long data = Mbufs.append(m, slot.length);
            if (data == 0) {
                Mbufs.free(m);
                v.counters().ingressDrops[DropReason.MALFORMED.ordinal()]++;
                return true;
            }
            MemorySegment.copy(slot.segment, 0, NativeMemory.ALL, data, slot.length);
            if (!v.localRing().offer(m, false, 0, Ethernet.HEADER_LENGTH)) {
                Mbufs.free(m);
                v.counters().ingressDrops[DropReason.RING_FULL.ordinal()]++;
            } else if (pending != null) {
                pending.mark(v.index());
            }
            return true;
        }

        private void toPort(InjectionQueue.Slot slot) {
            long m = Mbufs.alloc(pool);
            if (m == 0) {
                portNoMbuf++;
                return;
            }
            long data = Mbufs.append(m, slot.length);
            if (data == 0) {
                Mbufs.free(m);
                return;
            }
            MemorySegment.copy(slot.segment, 0, NativeMemory.ALL, data, slot.length);
            tx.to(slot.port).add(m);
            toPorts++;
        }
    }
}
