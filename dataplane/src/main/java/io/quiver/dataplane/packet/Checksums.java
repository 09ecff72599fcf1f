package io.quiver.dataplane.packet;

/**
 * The Internet checksum (RFC 1071): over byte arrays for frames the control path builds, and at absolute addresses
 * for what an lcore builds in an mbuf.
 */
public final class Checksums {
    private static final java.lang.foreign.MemorySegment M = io.quiver.dpdk.NativeMemory.ALL;

    private Checksums() {
    }

    /** The one's-complement checksum of {@code length} bytes at {@code offset}. */
    public static int internet(byte[] data, int offset, int length) {
        return ~fold(sum(data, offset, length, 0)) & 0xFFFF;
    }

    /** The UDP checksum with the IPv4 pseudo-header; 0 is sent as 0xFFFF. */
    public static int udpIpv4(byte[] frame, int ipOffset, int udpOffset, int udpLength) {
        long s = sum(frame, ipOffset + 12, 8, 0);
        s += 17 + udpLength;
        s = sum(frame, udpOffset, udpLength, s);
        int c = ~fold(s) & 0xFFFF;
        return c == 0 ? 0xFFFF : c;
    }

    /** The TCP checksum with the IPv4 pseudo-header. */
    public static int tcpIpv4(byte[] frame, int ipOffset, int tcpOffset, int tcpLength) {
        long s = sum(frame, ipOffset + 12, 8, 0);
        s += 6 + tcpLength;
        s = sum(frame, tcpOffset, tcpLength, s);
        return ~fold(s) & 0xFFFF;
    }

    /** The ICMPv6 checksum with the IPv6 pseudo-header (RFC 8200 8.1): source and destination, length, next header 58. */
    public static int icmpv6(byte[] frame, int ipOffset, int icmpOffset, int icmpLength) {
        long s = sum(frame, ipOffset + 8, 32, 0);
        s += icmpLength + Icmpv6.PROTOCOL;
        s = sum(frame, icmpOffset, icmpLength, s);
        return ~fold(s) & 0xFFFF;
    }

    /** The one's-complement checksum of {@code length} bytes at absolute {@code address}. */
    public static int internet(long address, int length) {
        long s = 0;
        int i = 0;
        for (; i + 1 < length; i += 2) {
            s += PacketParser.be16(address + i);
        }
        if (i < length) {
            s += (M.get(java.lang.foreign.ValueLayout.JAVA_BYTE, address + i) & 0xff) << 8;
        }
        return ~fold(s) & 0xFFFF;
    }

    private static long sum(byte[] d, int off, int len, long s) {
        int i = off;
        for (; i + 1 < off + len; i += 2) {
            s += ((d[i] & 0xff) << 8) | (d[i + 1] & 0xff);
        }
        if (i < off + len) {
            s += (d[i] & 0xff) << 8;
        }
        return s;
    }

    private static int fold(long s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }
}
