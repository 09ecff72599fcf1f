package io.quiver.dataplane.packet;

import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.Ipv4Address;
import java.nio.ByteBuffer;

/**
 * Builds Ethernet/IPv4/UDP frames with valid IPv4 and UDP checksums: generated traffic for benchmarks and tests,
 * and the frames the appliance itself sends. Control path only (allocates).
 */
public final class UdpFrameBuilder extends TransportFrameBuilder<UdpFrameBuilder> {
    public static final int MIN_FRAME = 60;

    /** The frame, padded to the 60-byte Ethernet minimum (64 on the wire with the FCS). */
    public byte[] build() {
        int udpLength = 8 + payload.length;
        ByteBuffer b = headers(17, udpLength);
        b.putShort((short) sourcePort).putShort((short) destinationPort).putShort((short) udpLength).putShort((short) 0);
        b.put(payload);
        b.putShort(ETHERNET + IPV4 + 6, (short) Checksums.udpIpv4(b.array(), ETHERNET, ETHERNET + IPV4, udpLength));
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
