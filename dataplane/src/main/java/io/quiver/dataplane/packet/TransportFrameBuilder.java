package io.quiver.dataplane.packet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What {@link UdpFrameBuilder} and {@link TcpFrameBuilder} share: the Ethernet and IPv4 header of one frame (MACs,
 * addresses in host order, TTL, DF set, checksum) and the transport's ports and payload. Control path only (allocates).
 *
 * @param <B> the concrete builder, which every setter returns
 */
abstract class TransportFrameBuilder<B extends TransportFrameBuilder<B>> {
    static final int ETHERNET = 14;
    static final int IPV4 = 20;

    byte[] destinationMac = new byte[6];
    byte[] sourceMac = new byte[6];
    int sourceIp;
    int destinationIp;
    int sourcePort;
    int destinationPort;
    int ttl = 64;
    byte[] payload = new byte[0];

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    public B destinationMac(byte[] mac) {
        this.destinationMac = mac.clone();
        return self();
    }

    public B sourceMac(byte[] mac) {
        this.sourceMac = mac.clone();
        return self();
    }

    /** IPv4 addresses in host order (10.0.0.1 = 0x0a000001). */
    public B sourceIp(int ip) {
        this.sourceIp = ip;
        return self();
    }

    public B destinationIp(int ip) {
        this.destinationIp = ip;
        return self();
    }

    public B ports(int source, int destination) {
        this.sourcePort = source;
        this.destinationPort = destination;
        return self();
    }

    public B ttl(int ttl) {
        this.ttl = ttl;
        return self();
    }

    public B payload(byte[] payload) {
        this.payload = payload.clone();
        return self();
    }

    /**
     * A frame buffer, padded to the 60-byte Ethernet minimum, holding the Ethernet and IPv4 headers (checksum
     * included) of a {@code protocol} packet with {@code l4Length} bytes after the IPv4 header; positioned there.
     */
    ByteBuffer headers(int protocol, int l4Length) {
        int ipLength = IPV4 + l4Length;
        ByteBuffer b = ByteBuffer.allocate(Math.max(UdpFrameBuilder.MIN_FRAME, ETHERNET + ipLength)).order(ByteOrder.BIG_ENDIAN);
        b.put(destinationMac).put(sourceMac).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) ipLength).putShort((short) 0).putShort((short) 0x4000)
                .put((byte) ttl).put((byte) protocol).putShort((short) 0).putInt(sourceIp).putInt(destinationIp);
        b.putShort(ETHERNET + 10, (short) Checksums.internet(b.array(), ETHERNET, IPV4));
        b.position(ETHERNET + IPV4);
        return b;
    }
}
