package io.quiver.dataplane.fabric;

import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dpdk.Mbufs;
import io.quiver.dpdk.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The outer headers of VXLAN frames to one peer VTEP, made once when the fabric changes: per frame Quiver copies them
 * in front of the inner frame (six long writes and a short) and patches what varies (IPv4 total length and checksum,
 * UDP source port and length, VNI). The checksum is the fixed fields' sum, made here, plus the length: no pass over
 * the header per frame. {@link Vxlan#encapsulate} is the field-by-field form this must agree with (VxlanHeaderTest).
 */
public final class VxlanHeader {
    private static final MemorySegment M = NativeMemory.ALL;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    /** Offsets in the outer headers (from the outer Ethernet header). */
    private static final int IP_LENGTH = 16;
    private static final int IP_CHECKSUM = 24;
    private static final int UDP_SOURCE = 34;
    private static final int UDP_LENGTH = 38;
    private static final int VNI = 46;

    private final long w0;
    private final long w1;
    private final long w2;
    private final long w3;
    private final long w4;
    private final long w5;
    private final short tail;
    /** The one's-complement sum of the IPv4 header's 16-bit words but the total length and checksum. */
    private final int fixedSum;

    /** The headers from {@code srcMac}/{@code srcIp} to {@code dstMac}/{@code dstIp}, UDP to {@code udpPort}. */
    public VxlanHeader(long dstMac, long srcMac, int srcIp, int dstIp, int udpPort) {
        ByteBuffer b = ByteBuffer.allocate(Vxlan.OVERHEAD).order(ByteOrder.BIG_ENDIAN);
        b.put(Ethernet.longToMac(dstMac)).put(Ethernet.longToMac(srcMac)).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0x4000).put((byte) 64)
                .put((byte) 17).putShort((short) 0).putInt(srcIp).putInt(dstIp);
        b.putShort((short) 0).putShort((short) udpPort).putShort((short) 0).putShort((short) 0);
        b.putInt(0x08 << 24).putInt(0);
        byte[] h = b.array();
        ByteBuffer le = ByteBuffer.wrap(h).order(ByteOrder.nativeOrder());
        w0 = le.getLong(0);
        w1 = le.getLong(8);
        w2 = le.getLong(16);
        w3 = le.getLong(24);
        w4 = le.getLong(32);
        w5 = le.getLong(40);
        tail = le.getShort(48);
        int sum = 0;
        for (int k = Ethernet.HEADER_LENGTH; k < Ethernet.HEADER_LENGTH + 20; k += 2) {
            sum += (h[k] & 0xff) << 8 | (h[k + 1] & 0xff); // total length and checksum are 0 here
        }
        fixedSum = sum;
    }

    /**
     * Puts these headers in front of the frame in {@code mbuf} for VNI {@code vni}, the UDP source port from
     * {@code entropy}; false, changing nothing, without the headroom.
     */
    public boolean write(long mbuf, int vni, int entropy) {
        if (!Mbufs.adjustHead(mbuf, -Vxlan.OVERHEAD)) {
            return false;
        }
        long f = Mbufs.data(mbuf);
        int ipLength = Mbufs.pktLen(mbuf) - Ethernet.HEADER_LENGTH;
        M.set(LONG, f, w0);
        M.set(LONG, f + 8, w1);
        M.set(LONG, f + 16, w2);
        M.set(LONG, f + 24, w3);
        M.set(LONG, f + 32, w4);
        M.set(LONG, f + 40, w5);
        M.set(SHORT, f + 48, tail);
        int sum = fixedSum + ipLength;
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        M.set(SHORT, f + IP_LENGTH, Short.reverseBytes((short) ipLength));
        M.set(SHORT, f + IP_CHECKSUM, Short.reverseBytes((short) ~sum));
        M.set(SHORT, f + UDP_SOURCE, Short.reverseBytes((short) (0xC000 | (entropy & 0x3FFF))));
        M.set(SHORT, f + UDP_LENGTH, Short.reverseBytes((short) (ipLength - 20)));
        M.set(INT, f + VNI, Integer.reverseBytes(vni << 8));
        return true;
    }
}
