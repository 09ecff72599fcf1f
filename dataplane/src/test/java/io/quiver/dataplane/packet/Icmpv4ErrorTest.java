package io.quiver.dataplane.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** ICMP errors as RFC 792, 1191 and 1812 describe them, and the packets no error may be sent about. */
class Icmpv4ErrorTest {
    static final byte[] HOST_MAC = {2, 0, 0, 0, 0, 1};
    static final byte[] ROUTER_MAC = {2, 0, 0, 0, 0, (byte) 0xfe};
    static final int ROUTER_IP = UdpFrameBuilder.parseIpv4("10.0.0.254");

    static byte[] udp(String source, String destination, byte[] destinationMac) {
        return new UdpFrameBuilder().destinationMac(destinationMac).sourceMac(HOST_MAC).sourceIp(UdpFrameBuilder.parseIpv4(source))
                .destinationIp(UdpFrameBuilder.parseIpv4(destination)).ports(40000, 33434).ttl(1)
                .payload(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}).build();
    }

    /** Writes the error about {@code offending} and returns its frame ({@code null} when none may be sent). */
    static byte[] error(byte[] offending, int type, int code, int mtu) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocate(offending.length);
            MemorySegment.copy(offending, 0, in, ValueLayout.JAVA_BYTE, 0, offending.length);
            MemorySegment out = arena.allocate(Icmpv4Error.MAX_FRAME);
            int length = Icmpv4Error.write(out.address(), in.address(), Ethernet.HEADER_LENGTH, offending.length - Ethernet.HEADER_LENGTH,
                    Ethernet.macToLong(ROUTER_MAC), ROUTER_IP, type, code, mtu);
            return length == 0 ? null : out.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    @Test
    void timeExceededGoesBackToTheSourceQuotingTheHeaderAndEightBytes() {
        byte[] offending = udp("10.0.1.7", "198.51.100.9", ROUTER_MAC);
        byte[] e = error(offending, Icmpv4Error.TIME_EXCEEDED, Icmpv4Error.TTL_EXCEEDED_IN_TRANSIT, 0);
        ByteBuffer b = ByteBuffer.wrap(e);
        assertArrayEquals(HOST_MAC, Arrays.copyOfRange(e, 0, 6), "to the MAC it came from");
        assertArrayEquals(ROUTER_MAC, Arrays.copyOfRange(e, 6, 12));
        assertEquals(0x0800, b.getShort(12) & 0xffff);
        assertEquals(20 + 8 + 28, b.getShort(16) & 0xffff, "IP header, ICMP header, quoted header + 8 bytes");
        assertEquals(1, e[23], "ICMP");
        assertEquals(ROUTER_IP, b.getInt(26));
        assertEquals(UdpFrameBuilder.parseIpv4("10.0.1.7"), b.getInt(30));
        assertEquals(0, Checksums.internet(e, 14, 20), "the IP header checksums to zero");
        assertEquals(11, e[34]);
        assertEquals(0, e[35]);
        assertEquals(0, Checksums.internet(e, 34, e.length - 34), "the ICMP message checksums to zero");
        assertArrayEquals(Arrays.copyOfRange(offending, 14, 14 + 28), Arrays.copyOfRange(e, 42, 70), "the quote");
    }

    @Test
    void fragmentationNeededCarriesTheNextHopMtu() {
        byte[] e = error(udp("10.0.1.7", "198.51.100.9", ROUTER_MAC), Icmpv4Error.DESTINATION_UNREACHABLE, Icmpv4Error.FRAGMENTATION_NEEDED, 1400);
        assertEquals(3, e[34]);
        assertEquals(4, e[35]);
        assertEquals(1400, ByteBuffer.wrap(e).getShort(40) & 0xffff, "RFC 1191: the next-hop MTU in the low 16 bits");
        assertEquals(0, Checksums.internet(e, 34, e.length - 34));
        byte[] unreachable = error(udp("10.0.1.7", "198.51.100.9", ROUTER_MAC), Icmpv4Error.DESTINATION_UNREACHABLE, Icmpv4Error.NET_UNREACHABLE, 1400);
        assertEquals(0, ByteBuffer.wrap(unreachable).getInt(38), "only fragmentation needed carries an MTU");
    }

    @Test
    void noErrorAboutWhatRfc1812Forbids() {
        byte[] broadcast = udp("10.0.1.7", "10.0.1.255", new byte[] {-1, -1, -1, -1, -1, -1});
        assertEquals(null, error(broadcast, Icmpv4Error.TIME_EXCEEDED, 0, 0), "a link-layer broadcast");
        assertEquals(null, error(udp("10.0.1.7", "224.0.0.5", ROUTER_MAC), Icmpv4Error.TIME_EXCEEDED, 0, 0), "to multicast");
        assertEquals(null, error(udp("0.0.0.0", "198.51.100.9", ROUTER_MAC), Icmpv4Error.TIME_EXCEEDED, 0, 0), "from no address");
        byte[] fragment = udp("10.0.1.7", "198.51.100.9", ROUTER_MAC);
        fragment[14 + 7] = 10; // fragment offset 10: not the first
        assertEquals(null, error(fragment, Icmpv4Error.TIME_EXCEEDED, 0, 0), "a later fragment");
        byte[] icmpError = udp("10.0.1.7", "198.51.100.9", ROUTER_MAC);
        icmpError[14 + 9] = 1;   // protocol ICMP
        icmpError[14 + 20] = 3;  // type destination unreachable: an error
        assertEquals(null, error(icmpError, Icmpv4Error.TIME_EXCEEDED, 0, 0), "an ICMP error");
        icmpError[14 + 20] = 8;  // an echo request is no error: it may be reported about
        assertEquals(11, error(icmpError, Icmpv4Error.TIME_EXCEEDED, 0, 0)[34]);
        byte[] truncated = Arrays.copyOf(udp("10.0.1.7", "198.51.100.9", ROUTER_MAC), 14 + 19);
        assertEquals(null, error(truncated, Icmpv4Error.TIME_EXCEEDED, 0, 0), "less than an IP header");
    }
}
