package io.quiver.dataplane.packet;

/**
 * The headers of one burst, parsed once: parallel primitive arrays indexed by the packet's place in the burst.
 * One instance per polling task, reused for every burst.
 */
public final class ParsedBurst {
    public final long[] mbuf;
    /** Address of the frame's first byte. */
    public final long[] frame;
    public final int[] length;
    public final int[] kind;
    public final long[] dstMac;
    public final long[] srcMac;
    /** VLAN id from an 802.1Q tag, 0 when untagged. */
    public final int[] vlan;
    /** Offset of the L3 header from the frame start (14, or 18 when tagged). */
    public final int[] l3;
    /** IPv4 source/destination (host order), or for ARP the sender/target protocol address. */
    public final int[] srcIp;
    public final int[] dstIp;
    /** ARP operation (1 request, 2 reply); IPv4 protocol number for IPv4. */
    public final int[] op;

    public ParsedBurst(int capacity) {
        mbuf = new long[capacity];
        frame = new long[capacity];
        length = new int[capacity];
        kind = new int[capacity];
        dstMac = new long[capacity];
        srcMac = new long[capacity];
        vlan = new int[capacity];
        l3 = new int[capacity];
        srcIp = new int[capacity];
        dstIp = new int[capacity];
        op = new int[capacity];
    }

    public boolean isMulticast(int i) {
        return (dstMac[i] & 1) != 0;
    }
}
