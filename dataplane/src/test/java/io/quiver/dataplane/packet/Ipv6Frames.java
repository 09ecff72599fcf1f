package io.quiver.dataplane.packet;

import io.quiver.configstore.model.Ipv6Address;
import java.nio.ByteBuffer;

/** IPv6 frames for tests: ICMPv6 neighbour discovery and echo, UDP, with the options ND carries. */
public final class Ipv6Frames {
    public static final byte[] ALL_NODES_MAC = {0x33, 0x33, 0, 0, 0, 1};

    private Ipv6Frames() {
    }

    /** The Ethernet multicast MAC of an IPv6 multicast address (33:33 and its last four bytes). */
    public static byte[] multicastMac(Ipv6Address group) {
        long low = group.low();
        return new byte[] {0x33, 0x33, (byte) (low >>> 24), (byte) (low >>> 16), (byte) (low >>> 8), (byte) low};
    }

    /** ff02::1:ffXX:XXXX for {@code target}. */
    public static Ipv6Address solicitedNode(Ipv6Address target) {
        return new Ipv6Address(0xff02_0000_0000_0000L, 0x0000_0001_ff00_0000L | (target.low() & 0xFF_FFFF));
    }

    public static byte[] frame(byte[] dstMac, byte[] srcMac, Ipv6Address src, Ipv6Address dst, int nextHeader, byte[] l4) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(60, 14 + 40 + l4.length));
        b.put(dstMac).put(srcMac).putShort((short) 0x86dd);
        b.putInt(0x6000_0000).putShort((short) l4.length).put((byte) nextHeader).put((byte) 255);
        b.putLong(src.high()).putLong(src.low()).putLong(dst.high()).putLong(dst.low());
        b.put(l4);
        return b.array();
    }

    /** An ICMPv6 message: type, code 0, a zero checksum (nothing here checks it), then {@code body}. */
    public static byte[] icmp(int type, byte[] body) {
        return ByteBuffer.allocate(4 + body.length).put((byte) type).put((byte) 0).putShort((short) 0).put(body).array();
    }

    /** A neighbour solicitation or advertisement body: 4 bytes of flags, the target, then options. */
    public static byte[] ndBody(Ipv6Address target, byte[] options) {
        return ByteBuffer.allocate(20 + options.length).putInt(0x6000_0000).putLong(target.high()).putLong(target.low()).put(options).array();
    }

    /** A source (1) or target (2) link-layer address option. */
    public static byte[] linkLayerOption(int kind, byte[] mac) {
        return ByteBuffer.allocate(8).put((byte) kind).put((byte) 1).put(mac).array();
    }

    public static byte[] udp(int sourcePort, int destinationPort) {
        return ByteBuffer.allocate(12).putShort((short) sourcePort).putShort((short) destinationPort).putShort((short) 12)
                .putShort((short) 0).putInt(0).array();
    }

    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }
}
