package io.quiver.dataplane.port;

import io.quiver.dataplane.counters.DropReason;

/**
 * Counters of one port queue. Written only by the lcore that polls the queue (plain fields, no atomics: one
 * writer), read by the control side at any time; a reader may see a value a burst old, never a torn one on 64-bit.
 */
public final class QueueCounters {
    private final String port;
    private final int queue;

    public long packets;
    public long bytes;
    /** Packets dropped by Quiver's own decisions (bad frames, policy). */
    public long dropped;
    /** Packets the TX queue had no room for (freed, counted). */
    public long txFull;
    /** Frames too short to carry an Ethernet header. */
    public long runts;
    /** Packets whose source MAC was not among the allowed ones. */
    public long sourceMacMismatch;
    /** Drops on this queue by {@link DropReason} ordinal, for drops no single VNIC can be charged with. */
    public final long[] drops = new long[DropReason.COUNT];

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

    public Snapshot snapshot() {
        return new Snapshot(port, queue, packets, bytes, dropped, txFull, runts, sourceMacMismatch);
    }

    /** A copy taken on the control side. */
    public record Snapshot(String port, int queue, long packets, long bytes, long dropped, long txFull, long runts,
                           long sourceMacMismatch) {
    }
}
