package io.quiver.dataplane.port;

import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.counters.SpoofRecord;

/**
 * Counters of one port queue. Written only by the lcore that polls the queue (plain fields, no atomics: one
 * writer), read by the control side at any time; a reader may see a value a burst old, never a torn one on 64-bit.
 */
public final class QueueCounters {
    private final String port;
    private final int queue;

    public long packets;
    public long bytes;
    /** Packets received here that Quiver dropped by its own decisions (bad frames, policy), whoever they are charged to. */
    public long dropped;
    /** Packets whose source MAC was not among the allowed ones (dropped or, in a forwarding path that only watches, passed). */
    public long sourceMacMismatch;
    /**
     * Drops on this queue by {@link DropReason} ordinal, for drops no single VNIC can be charged with: on an RX queue
     * the ingress decisions (a runt is {@link DropReason#MALFORMED}), on a TX queue {@link DropReason#TX_FULL}.
     */
    public final long[] drops = new long[DropReason.COUNT];
    /** Malformed frames received here, by {@link io.quiver.dataplane.packet.MalformedReason} ordinal (RX queues). */
    public final long[] malformed = new long[io.quiver.dataplane.packet.MalformedReason.COUNT];
    /** The last frame refused here as forged that no single VNIC could be charged with (RX queues), for the warning. */
    public final SpoofRecord[] lastSpoof = SpoofRecord.byReason();

    /** The capture of this queue's port, null when none (see {@link io.quiver.dataplane.vnic.VnicCounters#tap}). */
    public io.quiver.dataplane.capture.CaptureTap tap;

    public QueueCounters(String port, int queue) {
        this.port = port;
        this.queue = queue;
    }

    public String port() {
        return port;
    }

    public int queue() {
        return queue;
    }

    /** Counters summed over a port's queues, copied on the control side. */
    public record Totals(long packets, long bytes, long dropped, long sourceMacMismatch, long[] drops, long[] malformed) {
        public static Totals of(QueueCounters[] queues) {
            long packets = 0, bytes = 0, dropped = 0, mismatch = 0;
            long[] drops = new long[DropReason.COUNT];
            long[] malformed = new long[io.quiver.dataplane.packet.MalformedReason.COUNT];
            for (QueueCounters c : queues) {
                packets += c.packets;
                bytes += c.bytes;
                dropped += c.dropped;
                mismatch += c.sourceMacMismatch;
                for (int d = 0; d < drops.length; d++) {
                    drops[d] += c.drops[d];
                }
                for (int m = 0; m < malformed.length; m++) {
                    malformed[m] += c.malformed[m];
                }
            }
            return new Totals(packets, bytes, dropped, mismatch, drops, malformed);
        }

        public long drops(DropReason reason) {
            return drops[reason.ordinal()];
        }
    }
}
