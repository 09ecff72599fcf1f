package io.quiver.dataplane.fabric;

import io.quiver.dataplane.counters.DropReason;

/**
 * What moved between this appliance and one peer: plain fields, written by the RX lcore alone, read by the control
 * side. Kept across state changes (by the datapath, per peer name) so a directory change does not reset them.
 */
public final class PeerCounters {
    public long rxPackets;
    public long rxBytes;
    public long txPackets;
    public long txBytes;
    /** By {@link DropReason} ordinal: frames from the peer that were dropped, and frames to it that could not go. */
    public final long[] drops = new long[DropReason.values().length];

    public long dropped() {
        long sum = 0;
        for (long d : drops) {
            sum += d;
        }
        return sum;
    }
}
