package io.quiver.dataplane.priority;

/** One subscription level's (or flow's) counters: plain fields, written by the lcore that identifies, read by the control side. */
public final class LevelCounters {
    /** Packets of its connections handled at its class, and their bytes. */
    public long packets;
    public long bytes;
    /** Connections it identified. */
    public long connections;
    /** Packets dropped by its maxbw/maxpps. */
    public long overLimit;
}
