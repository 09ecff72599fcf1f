package io.quiver.dataplane.ring;

import io.quiver.dataplane.config.Defaults;
import java.util.Arrays;

/**
 * The VNICs an lcore published to since it last drained, in shared mode where the same lcore publishes and
 * drains: delivery then visits only those, so its cost follows the traffic, not the number of VNICs.
 *
 * <p>A VNIC is listed once until its visit; marked again after its visit in the same walk (forwarding put a packet
 * into its local ring, or it had more than one budget's worth), it is appended again so nothing is stranded.
 */
public final class PendingVnics {
    /**
     * VNIC indexes in visiting order. A VNIC can be listed again after its visit in the same walk, so the list holds
     * more entries than there are VNICs; a mark that finds it full is dropped, and the ring is visited at the next
     * walk with its packets still in it.
     */
    private final int[] list = new int[4 * Defaults.MAX_VNICS];
    /** By VNIC: where it is listed in this walk, -1 when not. */
    private final int[] position = new int[Defaults.MAX_VNICS];
    /** By VNIC: its visit must also drain its forwarding ring. */
    private final boolean[] forwarding = new boolean[Defaults.MAX_VNICS];
    private int size;
    private int walk = -1;

    public PendingVnics() {
        Arrays.fill(position, -1);
    }

    /** Lists the VNIC for a visit of its local ring. */
    public void mark(int vnic) {
        if (position[vnic] <= walk && size < list.length) {
            position[vnic] = size;
            list[size++] = vnic;
        }
    }

    /** Lists the VNIC for a visit that also drains its forwarding ring. */
    public void markForwarding(int vnic) {
        forwarding[vnic] = true;
        mark(vnic);
    }

    /** Whether the visit of {@code vnic} must drain its forwarding ring; clears the flag. */
    public boolean takeForwarding(int vnic) {
        boolean f = forwarding[vnic];
        forwarding[vnic] = false;
        return f;
    }

    /** Visits every listed VNIC, including those listed during the walk, then empties the list. */
    public int drain(Visitor visitor) {
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
    public interface Visitor {
        int visit(int vnic);
    }
}
