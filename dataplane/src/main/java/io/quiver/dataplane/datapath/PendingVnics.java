package io.quiver.dataplane.datapath;

import java.util.Arrays;

/**
 * The VNICs an lcore published to since it last drained, in shared mode where the same lcore publishes and
 * drains: delivery then visits only those, so its cost follows the traffic, not the number of VNICs.
 *
 * <p>A VNIC is listed once until its visit; marked again after its visit in the same walk (forwarding put a packet
 * into its local ring, or it had more than one budget's worth), it is appended again so nothing is stranded.
 */
final class PendingVnics {
    static final int MAX_VNICS = 1 << 16;

    /** Entry = VNIC index << 1 | 1 when its forwarding ring (rather than its local ring) was published to. */
    private final int[] list = new int[4 * MAX_VNICS];
    private final int[] position = new int[MAX_VNICS];
    private final boolean[] forwarding = new boolean[MAX_VNICS];
    private int size;
    private int walk = -1;

    PendingVnics() {
        Arrays.fill(position, -1);
    }

    /** Lists the VNIC for a visit of its local ring. */
    void mark(int vnic) {
        if (position[vnic] <= walk && size < list.length) {
            position[vnic] = size;
            list[size++] = vnic;
        }
    }

    /** Lists the VNIC for a visit that also drains its forwarding ring. */
    void markForwarding(int vnic) {
        forwarding[vnic] = true;
        mark(vnic);
    }

    /** Whether the visit of {@code vnic} must drain its forwarding ring; clears the flag. */
    boolean takeForwarding(int vnic) {
        boolean f = forwarding[vnic];
        forwarding[vnic] = false;
        return f;
    }

    /** Visits every listed VNIC, including those listed during the walk, then empties the list. */
    int drain(Visitor visitor) {
        int work = 0;
        for (int k = 0; k < size; k++) {
            walk = k;
            work += visitor.visit(list[k]);
        }
        for (int k = 0; k < size; k++) {
            position[list[k]] = -1;
        }
        size = 0;
        walk = -1;
        return work;
    }

    @FunctionalInterface
    interface Visitor {
        int visit(int vnic);
    }
}
