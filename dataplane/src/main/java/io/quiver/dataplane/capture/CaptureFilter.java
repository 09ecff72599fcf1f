package io.quiver.dataplane.capture;

import io.quiver.dataplane.config.Defaults;

/**
 * What one capture records: which directions, whether drops too, and how much of each frame.
 *
 * @param inbound  frames the VNIC or port received
 * @param outbound frames it sent
 * @param drops    frames dropped on their way in or out, each with its reason
 * @param snaplen  bytes kept of each frame, 1..{@link #MAX_SNAPLEN}
 */
public record CaptureFilter(boolean inbound, boolean outbound, boolean drops, int snaplen) {
    /** The largest frame the datapath carries: a jumbo MTU with its Ethernet header and two VLAN tags. */
    public static final int MAX_SNAPLEN = Defaults.MAX_MTU + Defaults.FRAME_OVERHEAD;

    public CaptureFilter {
        if (!inbound && !outbound) {
            throw new IllegalArgumentException("a capture needs a direction: in, out or both");
        }
        if (snaplen < 1) {
            throw new IllegalArgumentException("the snap length is at least 1 byte, not " + snaplen);
        }
        snaplen = Math.min(snaplen, MAX_SNAPLEN); // tcpdump's 262144 means "whole frames", as here
    }

    /** Every frame in both directions, whole, without drops. */
    public static CaptureFilter everything() {
        return new CaptureFilter(true, true, false, MAX_SNAPLEN);
    }

    /** {@code in}, {@code out} or {@code both}. */
    public static CaptureFilter of(String direction, boolean drops, int snaplen) {
        return switch (direction) {
            case "in" -> new CaptureFilter(true, false, drops, snaplen);
            case "out" -> new CaptureFilter(false, true, drops, snaplen);
            case "both" -> new CaptureFilter(true, true, drops, snaplen);
            default -> throw new IllegalArgumentException("the direction is in, out or both, not '" + direction + "'");
        };
    }

    boolean wants(int direction) {
        return direction == CaptureTap.INBOUND ? inbound : outbound;
    }

    /** The direction as the command line writes it. */
    public String direction() {
        return inbound && outbound ? "both" : inbound ? "in" : "out";
    }
}
