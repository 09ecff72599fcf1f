package io.quiver.dataplane.packet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds Ethernet/IPv4/UDP frames with valid IPv4 and UDP checksums: generated traffic for benchmarks and tests,
 * and the frames the appliance itself sends. Control path only (allocates).
 */
public final class UdpFrameBuilder {
    public static final int MIN_FRAME = 60;

    private byte[] destinationMac = new byte[6];
    private byte[] sourceMac = new byte[6];
    private int sourceIp;
    private int destinationIp;
    private int sourcePort;
    private int destinationPort;
    private int ttl = 64;
    private byte[] payload = new byte[0];

    public UdpFrameBuilder destinationMac(byte[] mac) {
        this.destinationMac = mac.clone();
        return this;
    }

    public UdpFrameBuilder sourceMac(byte[] mac) {
        this.sourceMac = mac.clone();
        return this;
    }

    /** IPv4 addresses in host order (10.0.0.1 = 0x0a000001). */
    public UdpFrameBuilder sourceIp(int ip) {
        this.sourceIp = ip;
        return this;
    }

    public UdpFrameBuilder destinationIp(int ip) {
        this.destinationIp = ip;
        return this;
    }

    public UdpFrameBuilder ports(int source, int destination) {
        this.sourcePort = source;
        this.destinationPort = destination;
        return this;
    }

    public UdpFrameBuilder ttl(int ttl) {
        this.ttl = ttl;
        return this;
    }

    public UdpFrameBuilder payload(byte[] payload) {
        this.payload = payload.clone();
        return this;
    }

    /** The frame, padded to the 60-byte Ethernet minimum (64 on the wire with the FCS). */
    public byte[] build() {
        int udpLength = 8 + payload.length;
        int ipLength = 20 + udpLength;
        int frameLength = Math.max(MIN_FRAME, 14 + ipLength);
        ByteBuffer b = ByteBuffer.allocate(frameLength).order(ByteOrder.BIG_ENDIAN);
        b.put(destinationMac).put(sourceMac).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) ipLength).putShort((short) 0).putShort((short) 0x4000)
                .put((byte) ttl).put((byte) 17).putShort((short) 0).putInt(sourceIp).putInt(destinationIp);
        b.putShort(24, (short) Checksums.internet(b.array(), 14, 20));
        b.position(34);
        b.putShort((short) sourcePort).putShort((short) destinationPort).putShort((short) udpLength).putShort((short) 0);
        b.put(payload);
        int udpSum = Checksums.udpIpv4(b.array(), 14, 34, udpLength);
        b.putShort(40, (short) udpSum);
        return b.array();
    }

    /** Parses dotted IPv4 text into host order. */
    public static int parseIpv4(String text) {
        String[] parts = text.trim().split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
        }
        int ip = 0;
        for (String p : parts) {
            int v;
            try {
                v = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address", e);
            }
            if (v < 0 || v > 255 || p.isEmpty() || p.length() > 3) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
            }
            ip = (ip << 8) | v;
        }
        return ip;
    }

    public static String formatIpv4(int ip) {
        return ((ip >>> 24) & 255) + "." + ((ip >>> 16) & 255) + "." + ((ip >>> 8) & 255) + "." + (ip & 255);
    }
}
