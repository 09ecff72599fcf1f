package io.quiver.dataplane.vnic;

import io.quiver.dataplane.counters.DropReason;

import java.util.EnumMap;
import java.util.Map;

/**
 * One VNIC's counters. Written by the lcores that handle the VNIC's packets (each field by one lcore: ingress by
 * the RX lcore, delivery by the VNIC's worker), read by the control side. Plain fields: no atomics on the fast path.
 */
public final class VnicCounters {
    /** Packets delivered to the guest (from the local ring) and their bytes. */
    public long rxPackets;
    public long rxBytes;
    /** Packets the guest sent that passed the egress checks, and their bytes. */
    public long txPackets;
    public long txBytes;
    /** Configuration requests the guest sent to the service address (handed to the control side). */
    public long guestRequests;
    /** Packets that went through this VNIC's forwarding ring and were routed on. */
    public long forwarded;
    /** Drops by {@link DropReason} ordinal. */
    public final long[] drops = new long[DropReason.COUNT];
    /** The last forged source the egress check saw (MAC in Ethernet long form, IPv4 in host order), for warnings. */
    public long lastForgedMac;
    public int lastForgedIp;

    public long drops(DropReason reason) {
        return drops[reason.ordinal()];
    }

    public long totalDrops() {
        long n = 0;
        for (long d : drops) {
            n += d;
        }
        return n;
    }

}
