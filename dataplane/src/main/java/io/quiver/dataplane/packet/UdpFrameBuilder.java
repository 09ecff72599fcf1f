package io.quiver.dataplane.packet;

import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.Ipv4Address;
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

    /** Parses dotted IPv4 text (the configuration model's parser) into host order: 10.0.0.1 = 0x0a000001. */
    public static int parseIpv4(String text) {
        try {
            return Ipv4Address.parse(text.trim()).bits();
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public static String formatIpv4(int ip) {
        return Ipv4Address.format(Integer.toUnsignedLong(ip));
    }
}
