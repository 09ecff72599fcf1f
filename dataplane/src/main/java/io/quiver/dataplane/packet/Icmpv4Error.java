package io.quiver.dataplane.packet;

import io.quiver.dpdk.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The ICMP errors a router sends about an IPv4 packet it cannot forward: time exceeded (TTL), destination unreachable
 * (no route) and fragmentation needed with the next hop's MTU (RFC 1191's path MTU discovery). Each quotes the
 * offending packet's IP header and its first 8 payload bytes (RFC 792; RFC 1812 4.3.2.3), and goes back to the
 * packet's source, from the router's address, to the MAC the packet came from.
 *
 * <p>Written at absolute addresses into a buffer the caller owns (an mbuf from the pool), so an lcore builds one
 * without allocating. Nothing is sent about what RFC 1812 4.3.2.7 forbids: an ICMP error, a fragment that is not the
 * first, a packet to a broadcast or multicast address, or one from an address that is not a unicast host's.
 */
public final class Icmpv4Error {
    public static final int DESTINATION_UNREACHABLE = 3;
    public static final int NET_UNREACHABLE = 0;
    public static final int FRAGMENTATION_NEEDED = 4;
    public static final int TIME_EXCEEDED = 11;
    public static final int TTL_EXCEEDED_IN_TRANSIT = 0;
    /** The longest message: Ethernet, IP, ICMP, the quoted header with the most options and 8 bytes of payload. */
    public static final int MAX_FRAME = Ethernet.HEADER_LENGTH + 20 + 8 + 60 + 8;
    static final int PROTOCOL_ICMP = 1;
    private static final int TTL = 64;
    private static final MemorySegment M = NativeMemory.ALL;

    private Icmpv4Error() {
    }

    /**
     * Writes at {@code out} the frame of an ICMP error about the IPv4 packet whose frame is at {@code frame}, its IP
     * header at offset {@code l3}, {@code available} bytes of it readable from there.
     *
     * @param nextHopMtu for fragmentation needed, the MTU the packet was too big for; otherwise ignored
     * @return the frame's length, or 0 when no error may be sent about this packet
     */
    public static int write(long out, long frame, int l3, int available, long routerMac, int routerIp, int type, int code,
                            int nextHopMtu) {
        long ip = frame + l3;
        if (available < 20) {
            return 0;
        }
        int ihl = (M.get(ValueLayout.JAVA_BYTE, ip) & 0x0f) * 4;
        int source = PacketParser.be32(ip + 12);
        int destination = PacketParser.be32(ip + 16);
        int protocol = M.get(ValueLayout.JAVA_BYTE, ip + 9) & 0xff;
        if (ihl < 20 || available < ihl || !mayReportAbout(frame, ip, ihl, available, source, destination, protocol)) {
            return 0;
        }
        int quoted = Math.min(available, ihl + 8);
        long outIp = out + Ethernet.HEADER_LENGTH;
        long icmp = outIp + 20;
        Ethernet.setDestination(out, Ethernet.source(frame));
        Ethernet.setSource(out, routerMac);
        be16(out + 12, PacketParser.ETHERTYPE_IPV4);
        int total = 20 + 8 + quoted;
        be16(outIp, 0x4500);
        be16(outIp + 2, total);
        be32(outIp + 4, 0); // identification 0, no fragmentation
        M.set(ValueLayout.JAVA_BYTE, outIp + 8, (byte) TTL);
        M.set(ValueLayout.JAVA_BYTE, outIp + 9, (byte) PROTOCOL_ICMP);
        be16(outIp + 10, 0);
        be32(outIp + 12, routerIp);
        be32(outIp + 16, source);
        be16(outIp + 10, Checksums.internet(outIp, 20));
        M.set(ValueLayout.JAVA_BYTE, icmp, (byte) type);
        M.set(ValueLayout.JAVA_BYTE, icmp + 1, (byte) code);
        be16(icmp + 2, 0);
        be32(icmp + 4, type == DESTINATION_UNREACHABLE && code == FRAGMENTATION_NEEDED ? nextHopMtu & 0xFFFF : 0);
        MemorySegment.copy(M, ip, M, icmp + 8, quoted);
        be16(icmp + 2, Checksums.internet(icmp, 8 + quoted));
        return Ethernet.HEADER_LENGTH + total;
    }

    private static boolean mayReportAbout(long frame, long ip, int ihl, int available, int source, int destination, int protocol) {
        if ((M.get(ValueLayout.JAVA_BYTE, frame) & 0x01) != 0) { // a link-layer broadcast or multicast
            return false;
        }
        if ((PacketParser.be16(ip + 6) & 0x1fff) != 0) { // not the first fragment
            return false;
        }
        if (protocol == PROTOCOL_ICMP && available >= ihl + 1 && isError(M.get(ValueLayout.JAVA_BYTE, ip + ihl) & 0xff)) {
            return false;
        }
        return isUnicastHost(source) && destination != -1 && (destination >>> 28) != 0xE;
    }

    /** ICMP types that are errors (RFC 1122 3.2.2): unreachable, source quench, redirect, time exceeded, parameter problem. */
    private static boolean isError(int type) {
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    }

    private static boolean isUnicastHost(int address) {
        int first = address >>> 24;
        return address != 0 && address != -1 && first != 0 && first != 127 && first < 224;
    }

    private static void be16(long at, int value) {
        M.set(ValueLayout.JAVA_SHORT_UNALIGNED, at, Short.reverseBytes((short) value));
    }

    private static void be32(long at, int value) {
        M.set(ValueLayout.JAVA_INT_UNALIGNED, at, Integer.reverseBytes(value));
    }
}
