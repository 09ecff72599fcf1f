package io.quiver.dataplane.fabric;

import io.quiver.dataplane.packet.Checksums;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.PacketParser;
import io.quiver.dpdk.Mbufs;
import io.quiver.dpdk.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * VXLAN (RFC 7348) in place in an mbuf: the outer Ethernet, IPv4, UDP and VXLAN headers are written into the
 * headroom in front of the inner frame, or dropped from the front of a received one. Field writes only, no downcall.
 */
public final class Vxlan {
    /** Outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8: what every frame grows by, and what the uplink's MTU must allow. */
    public static final int OVERHEAD = 50;
    /** The outer IPv4 and UDP and VXLAN headers: what the uplink's MTU counts of the overhead. */
    public static final int MTU_OVERHEAD = OVERHEAD - Ethernet.HEADER_LENGTH;
    private static final int IPV4 = 0x0800;
    private static final int UDP = 17;
    /** The I flag: the VNI is valid (RFC 7348 section 5); every other flag bit is reserved. */
    private static final int FLAG_VNI = 0x08;
    /** RFC 7348 recommends source ports 49152-65535, chosen by a hash of the inner flow for ECMP. */
    private static final int ENTROPY_PORTS = 0xC000;
    private static final MemorySegment M = NativeMemory.ALL;

    private Vxlan() {
    }

    /**
     * Wraps the frame in {@code mbuf} for VNI {@code vni}: outer frame from {@code srcMac}/{@code srcIp} to
     * {@code dstMac}/{@code dstIp}, UDP to {@code udpPort} from a port {@code entropy} picks. False, changing nothing,
     * when the first segment has less headroom than {@link #OVERHEAD}.
     */
    public static boolean encapsulate(long mbuf, long dstMac, long srcMac, int srcIp, int dstIp, int udpPort, int vni, int entropy) {
        if (!Mbufs.adjustHead(mbuf, -OVERHEAD)) {
            return false;
        }
        long f = Mbufs.data(mbuf);
        int length = Mbufs.pktLen(mbuf);
        Ethernet.setDestination(f, dstMac);
        Ethernet.setSource(f, srcMac);
        be16(f + 12, IPV4);
        long ip = f + Ethernet.HEADER_LENGTH;
        M.set(ValueLayout.JAVA_LONG_UNALIGNED, ip, 0); // version..fragment, then set
        M.set(ValueLayout.JAVA_BYTE, ip, (byte) 0x45);
        be16(ip + 2, length - Ethernet.HEADER_LENGTH);
        be16(ip + 6, 0x4000); // DF: the overhead is planned into the MTU, never fragmented
        M.set(ValueLayout.JAVA_BYTE, ip + 8, (byte) 64);
        M.set(ValueLayout.JAVA_BYTE, ip + 9, (byte) UDP);
        be16(ip + 10, 0);
        be32(ip + 12, srcIp);
        be32(ip + 16, dstIp);
        be16(ip + 10, Checksums.internet(ip, 20));
        long udp = ip + 20;
        be16(udp, ENTROPY_PORTS | (entropy & 0x3FFF));
        be16(udp + 2, udpPort);
        be16(udp + 4, length - Ethernet.HEADER_LENGTH - 20);
        be16(udp + 6, 0); // RFC 7348: zero over IPv4
        be32(udp + 8, FLAG_VNI << 24);
        be32(udp + 12, vni << 8);
        return true;
    }

    /**
     * The VNI of a VXLAN frame whose UDP header starts at {@code udp} and that holds {@code room} bytes from there,
     * or -1 when it is not one (too short for the headers and an inner Ethernet header, or the I flag is clear).
     */
    public static int vniOf(long udp, int room) {
        if (room < 16 + Ethernet.HEADER_LENGTH || (PacketParser.u8(udp + 8) & FLAG_VNI) == 0) {
            return -1;
        }
        return PacketParser.be32(udp + 12) >>> 8;
    }

    /** The UDP destination port at {@code udp}. */
    public static int destinationPort(long udp) {
        return PacketParser.be16(udp + 2);
    }

    /** A 14-bit hash of a frame's flow (both MACs and IPv4 addresses) for the outer UDP source port. */
    public static int entropy(long srcMac, long dstMac, int srcIp, int dstIp) {
        long h = (srcMac ^ Long.rotateLeft(dstMac, 17) ^ ((long) srcIp << 32 | Integer.toUnsignedLong(dstIp))) * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 50);
    }

    private static void be16(long at, int v) {
        M.set(ValueLayout.JAVA_SHORT_UNALIGNED, at, Short.reverseBytes((short) v));
    }

    private static void be32(long at, int v) {
        M.set(ValueLayout.JAVA_INT_UNALIGNED, at, Integer.reverseBytes(v));
    }
}
