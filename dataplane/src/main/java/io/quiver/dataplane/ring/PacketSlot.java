package io.quiver.dataplane.ring;

/** One pre-allocated ring slot: an mbuf and what the classifier already parsed about it. */
public final class PacketSlot {
    public long mbuf;
    /** The frame still carries an 802.1Q tag (to strip before delivery to the guest). */
    public boolean tagged;
    /** The IPv4 destination (forwarding ring) in host order. */
    public int dstIp;
    /** Offset of the L3 header in the frame. */
    public int l3;
}
