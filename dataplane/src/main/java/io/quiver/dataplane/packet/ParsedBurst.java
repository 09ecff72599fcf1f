package io.quiver.dataplane.packet;

/**
 * The headers of one burst, parsed once: parallel primitive arrays indexed by the packet's place in the burst.
 * One instance per polling task, reused for every burst.
 */
public final class ParsedBurst {
    public final long[] mbuf;
    /** Address of the frame's first byte. */
    public final long[] frame;
    /** Bytes readable at {@link #frame}: the first segment's (the headers must lie within it). */
    public final int[] length;
    /** The whole frame's length, every segment of a chained mbuf included. */
    public final int[] pktLen;
    public final int[] kind;
    /** For a {@link PacketKind#MALFORMED} frame, why: a {@link MalformedReason} ordinal (0 otherwise). */
    public final byte[] malformed;
    public final long[] dstMac;
    public final long[] srcMac;
    /** VLAN tags on the frame: 0, 1 (802.1Q) or 2 (Q-in-Q: 802.1ad or two 802.1Q tags). */
    public final int[] tags;
    /** The outer VLAN id, 0 when untagged. */
    public final int[] vlan;
    /** The inner VLAN id of a Q-in-Q frame, else 0. */
    public final int[] innerVlan;
    /** Offset of the L3 header from the frame start (14, 18 with one tag, 22 with two). */
    public final int[] l3;
    /** Offset of the L4 header from the frame start (after IPv4 options, IPv6 extension headers), 0 when none. */
    public final int[] l4;
    /**
     * For IPv4 and IPv6: whether the packet is a piece of a fragmented datagram (IPv4's more-fragments flag or a
     * fragment offset; an IPv6 fragment header), the first piece included.
     */
    public final boolean[] fragment;
    /**
     * Where the uplink is an aggregation: the member port each packet would leave by (its connection's, by the
     * aggregation's policy), chosen for the whole burst in one loop after parsing; unset otherwise.
     */
    public final int[] uplinkPort;
    /** IPv4 source/destination (host order), or for ARP the sender/target protocol address. */
    public final int[] srcIp;
    public final int[] dstIp;
    /** IPv6 source and destination, high and low halves (the first group in the high half's top bits). */
    public final long[] src6Hi;
    public final long[] src6Lo;
    public final long[] dst6Hi;
    public final long[] dst6Lo;
    /**
     * ARP operation (1 request, 2 reply); IPv4 protocol number for IPv4; for IPv6 the upper-layer protocol after
     * the extension headers (58 for ICMPv6).
     */
    public final int[] op;

    public ParsedBurst(int capacity) {
        mbuf = new long[capacity];
        frame = new long[capacity];
        length = new int[capacity];
        pktLen = new int[capacity];
        kind = new int[capacity];
        malformed = new byte[capacity];
        dstMac = new long[capacity];
        srcMac = new long[capacity];
        tags = new int[capacity];
        vlan = new int[capacity];
        innerVlan = new int[capacity];
        l3 = new int[capacity];
        uplinkPort = new int[capacity];
        l4 = new int[capacity];
        fragment = new boolean[capacity];
        srcIp = new int[capacity];
        dstIp = new int[capacity];
        src6Hi = new long[capacity];
        src6Lo = new long[capacity];
        dst6Hi = new long[capacity];
        dst6Lo = new long[capacity];
        op = new int[capacity];
    }

    public boolean isMulticast(int i) {
        return (dstMac[i] & 1) != 0;
    }
}
