package io.quiver.dataplane.classify;

import io.quiver.dataplane.packet.ParsedBurst;

/**
 * Steers a received packet to a VNIC's local or forwarding ring, to a flood, or to nowhere. Two implementations
 * with the same semantics: {@link SoftwareClassifier} (lookups in the poll loop) and {@link FlowRuleClassifier}
 * (rte_flow rules steer to RX queues, so the queue already names the ring). Nothing above this interface knows
 * which one runs.
 *
 * <p>Results: {@code vnic * 2} for the VNIC's local ring, {@code vnic * 2 + 1} for its forwarding ring, or one of
 * the negative constants.
 */
public interface Classifier {
    /** No VNIC owns the destination MAC. */
    int UNKNOWN = -1;
    /** Broadcast or multicast without a single owner: flood within the VLAN. */
    int FLOOD = -2;
    /** Headers that do not parse. */
    int MALFORMED = -3;
    /** The destination MAC is a VNIC of another VNS: not on this VNS's network (dropped, never sent to the uplink). */
    int OTHER_VNS = -4;

    /** "software" or "rte_flow", as {@code show} prints it. */
    String name();

    /** Classifies packet {@code i} of {@code burst}, received on {@code rxQueue}, for a frame in {@code vlan}. */
    int classify(ClassifierTables tables, ParsedBurst burst, int i, int rxQueue, int vlan);

    static int local(int vnic) {
        return vnic << 1;
    }

    static int forwarding(int vnic) {
        return (vnic << 1) | 1;
    }

    static int vnicOf(int result) {
        return result >> 1;
    }

    static boolean isForwarding(int result) {
        return (result & 1) != 0;
    }
}
