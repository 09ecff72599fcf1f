package io.quiver.dataplane.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class EthernetTest {
    @Test
    void macTextRoundTrips() {
        byte[] mac = Ethernet.parseMac("02:0a:ff:00:10:fe");
        assertArrayEquals(new byte[] {2, 10, (byte) 0xff, 0, 16, (byte) 0xfe}, mac);
        assertEquals("02:0a:ff:00:10:fe", Ethernet.formatMac(mac));
        assertEquals("02:0a:ff:00:10:fe", Ethernet.formatMac(Ethernet.macToLong(mac)));
        assertThrows(IllegalArgumentException.class, () -> Ethernet.parseMac("02:0a:ff:00:10"));
        assertThrows(IllegalArgumentException.class, () -> Ethernet.parseMac("02:0a:ff:00:10:zz"));
        assertThrows(IllegalArgumentException.class, () -> Ethernet.parseMac("02:0a:ff:00:10:123"));
    }

    @Test
    void macTextAcceptsDashesAndSingleDigitsAndNothingMore() {
        assertArrayEquals(new byte[] {2, 0, 0x0a, (byte) 0xbc, 1, 15}, Ethernet.parseMac(" 02-0-a-BC-1-f "));
        for (String bad : new String[] {"", ":::::", "02:0a:ff:00:10:fe:", "02:0a:ff:00:10:fe:01", "02:0a:ff:00:10:", "02:0a:ff:00:10:+f",
                "02;0a;ff;00;10;fe", "02::ff:00:10:fe", "020aff0010fe"}) {
            assertThrows(IllegalArgumentException.class, () -> Ethernet.parseMac(bad), bad);
        }
    }

    @Test
    void swapExchangesTheAddressesAndNothingElse() {
        byte[] frame = new UdpFrameBuilder().destinationMac(Ethernet.parseMac("01:02:03:04:05:06"))
                .sourceMac(Ethernet.parseMac("a1:a2:a3:a4:a5:a6")).sourceIp(1).destinationIp(2).ports(3, 4).build();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(frame.length);
            s.copyFrom(MemorySegment.ofArray(frame));
            long addr = s.address();
            assertEquals(Ethernet.macToLong(Ethernet.parseMac("01:02:03:04:05:06")), Ethernet.destination(addr));
            assertEquals(Ethernet.macToLong(Ethernet.parseMac("a1:a2:a3:a4:a5:a6")), Ethernet.source(addr));
            assertEquals(0x0800, Ethernet.etherType(addr));
            Ethernet.swapAddresses(addr);
            byte[] out = s.toArray(ValueLayout.JAVA_BYTE);
            assertEquals("a1:a2:a3:a4:a5:a6", Ethernet.formatMac(java.util.Arrays.copyOfRange(out, 0, 6)));
            assertEquals("01:02:03:04:05:06", Ethernet.formatMac(java.util.Arrays.copyOfRange(out, 6, 12)));
            assertArrayEquals(java.util.Arrays.copyOfRange(frame, 12, frame.length), java.util.Arrays.copyOfRange(out, 12, out.length));
        }
    }

    @Test
    void builtFramesCarryValidChecksums() {
        byte[] f = new UdpFrameBuilder().sourceIp(UdpFrameBuilder.parseIpv4("10.0.0.1"))
                .destinationIp(UdpFrameBuilder.parseIpv4("10.1.0.5")).ports(1024, 53).payload(new byte[] {1, 2, 3}).build();
        assertEquals(60, f.length);
        assertEquals(0, Checksums.internet(f, 14, 20) & 0xffff, "a valid IPv4 header sums to zero");
        assertEquals("10.1.0.5", UdpFrameBuilder.formatIpv4(UdpFrameBuilder.parseIpv4("10.1.0.5")));
        assertThrows(IllegalArgumentException.class, () -> UdpFrameBuilder.parseIpv4("10.1.0.256"));
        assertThrows(IllegalArgumentException.class, () -> UdpFrameBuilder.parseIpv4("10.1.0"));
    }
}
