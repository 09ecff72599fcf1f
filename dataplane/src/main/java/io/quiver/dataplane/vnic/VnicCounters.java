package io.quiver.dataplane.vnic;

import io.quiver.dataplane.capture.CaptureTap;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.counters.SpoofRecord;

import java.util.EnumMap;
import java.util.Map;

/**
 * One VNIC's counters. Every field has exactly one writer, the lcore named beside it (in shared mode both are the one
 * lcore), and is read by the control side: plain fields, no atomics on the fast path, no increment ever lost.
 */
public final class VnicCounters {
    /** Packets delivered to the guest (from the local ring) and their bytes. Delivery lcore. */
    public long rxPackets;
    public long rxBytes;
    /** Packets the guest sent that passed the egress checks, and their bytes. RX lcore. */
    public long txPackets;
    public long txBytes;
    /** Configuration requests the guest sent to the service address (handed to the control side). RX lcore. */
    public long guestRequests;
    /** Packets that went through this VNIC's forwarding ring and were routed on. Routing lcore. */
    public long forwarded;
    /** Drops by {@link DropReason} ordinal decided where packets arrive (egress checks, classification, staging). RX lcore. */
    public final long[] ingressDrops = new long[DropReason.COUNT];
    /**
     * Drops by ordinal decided where this VNIC's rings are drained (delivery, routing; a routed packet whose next
     * hop's ring is full counts here, on the VNIC that routed it). Delivery lcore.
     */
    public final long[] deliveryDrops = new long[DropReason.COUNT];
    /**
     * Drops by ordinal decided where this VNIC's forwarding ring is routed (no route, TTL, a full next hop). Routing
     * lcore: in dedicated mode one worker routes for every VNS, so it is not always the VNIC's delivery lcore.
     */
    public final long[] routingDrops = new long[DropReason.COUNT];
    /**
     * The capture of this VNIC, null when none: the lcores copy into it what it asks for where they count. A plain
     * field like the counters: an lcore reads it again after each receive (a downcall the JIT cannot see through), so
     * a capture begins and ends within a burst, at no cost to the packets when none runs. The frames it copies are
     * published to the writer by the tap's ring.
     */
    public CaptureTap tap;
    /** By {@link DropReason} ordinal: the last frame the egress checks refused for it as forged, for the warning. RX lcore. */
    public final SpoofRecord[] lastSpoof = SpoofRecord.byReason();

    public long drops(DropReason reason) {
        return ingressDrops[reason.ordinal()] + deliveryDrops[reason.ordinal()] + routingDrops[reason.ordinal()];
    }

    /** Drops by reason ordinal, every writer's summed (a copy, for the control side). */
    public long[] drops() {
        long[] sum = ingressDrops.clone();
        for (int d = 0; d < sum.length; d++) {
            sum[d] += deliveryDrops[d] + routingDrops[d];
        }
        return sum;
    }

    public long totalDrops() {
        long n = 0;
        for (long d : drops()) {
            n += d;
        }
        return n;
    }

}
