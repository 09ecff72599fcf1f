package io.quiver.dataplane.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PacketParserTest {
    static final byte[] A = Ethernet.parseMac("02:00:00:00:00:0a");
    static final byte[] B = Ethernet.parseMac("02:00:00:00:00:0b");

    @Test
    void wellFormedHeadersAreRead() {
        byte[] udp = new UdpFrameBuilder().destinationMac(B).sourceMac(A).sourceIp(0x0a000001).destinationIp(0x0a000002).ports(1, 2).build();
        byte[] arp = ArpFrameBuilder.request(A, 0x0a000001, 0x0a0000fe);
        try (Arena arena = Arena.ofConfined()) {
            ParsedBurst b = ParsedFrames.parse(arena, List.of(udp, arp));
            assertEquals(PacketKind.IPV4, b.kind[0]);
            assertEquals(0x0a000001, b.srcIp[0]);
            assertEquals(0x0a000002, b.dstIp[0]);
            assertEquals(17, b.op[0]);
            assertEquals(Ethernet.macToLong(B), b.dstMac[0]);
            assertEquals(PacketKind.ARP, b.kind[1]);
            assertEquals(1, b.op[1]);
            assertEquals(0x0a0000fe, b.dstIp[1]);
            assertEquals(true, b.isMulticast(1));
        }
    }

    @Test
    void truncatedAndInconsistentHeadersAreMalformedNotReadPastTheirEnd() {
        byte[] udp = new UdpFrameBuilder().destinationMac(B).sourceMac(A).sourceIp(1).destinationIp(2).ports(1, 2).payload(new byte[40]).build();
        List<byte[]> bad = new ArrayList<>();
        for (int len = 0; len < 34; len++) {
            bad.add(Arrays.copyOf(udp, len)); // every truncation inside Ethernet + IPv4
        }
        byte[] wrongVersion = udp.clone();
        wrongVersion[14] = 0x65;
        bad.add(wrongVersion);
        byte[] shortIhl = udp.clone();
        shortIhl[14] = 0x44;
        bad.add(shortIhl);
        byte[] totalTooLong = udp.clone();
        totalTooLong[16] = 0x7f;
        bad.add(totalTooLong);
        byte[] arp = ArpFrameBuilder.request(A, 1, 2);
        bad.add(Arrays.copyOf(arp, 41));
        byte[] arpIpv6 = arp.clone();
        arpIpv6[16] = (byte) 0x86;
        bad.add(arpIpv6);
        byte[] vlanCut = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, (byte) 0x81, 0, 0};
        bad.add(vlanCut);
        try (Arena arena = Arena.ofConfined()) {
            ParsedBurst b = ParsedFrames.parse(arena, bad);
            for (int i = 0; i < bad.size(); i++) {
                assertEquals(PacketKind.MALFORMED, b.kind[i], "case " + i + " (" + bad.get(i).length + " bytes)");
                assertTrue(b.malformed[i] != 0, "case " + i + " says why");
            }
            // each by its reason (the frames above, in order)
            assertEquals(MalformedReason.SHORT_FRAME.ordinal(), b.malformed[13], "13 bytes: no Ethernet header");
            assertEquals(MalformedReason.IPV4_TRUNCATED.ordinal(), b.malformed[33], "an IPv4 header cut short");
            assertEquals(MalformedReason.IPV4_VERSION.ordinal(), b.malformed[34]);
            assertEquals(MalformedReason.IPV4_HEADER_LENGTH.ordinal(), b.malformed[35]);
            assertEquals(MalformedReason.IPV4_TOTAL_LENGTH.ordinal(), b.malformed[36]);
            assertEquals(MalformedReason.ARP.ordinal(), b.malformed[37]);
            assertEquals(MalformedReason.ARP.ordinal(), b.malformed[38]);
            assertEquals(MalformedReason.SHORT_FRAME.ordinal(), b.malformed[39], "a VLAN tag cut short");
        }
    }

    @Test
    void randomBytesNeverCrashOrReadOutOfBounds() {
        Random r = new Random(7);
        List<byte[]> junk = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            byte[] f = new byte[r.nextInt(80)];
            r.nextBytes(f);
            if (f.length > 13 && r.nextBoolean()) {
                f[12] = (byte) (r.nextBoolean() ? 0x08 : 0x81);
                f[13] = (byte) (r.nextBoolean() ? 0x00 : 0x06);
            }
            junk.add(f);
        }
        try (Arena arena = Arena.ofConfined()) {
            ParsedBurst b = ParsedFrames.parse(arena, junk); // throws if any field depends on bytes past a frame's end
            int parsed = 0;
            for (int i = 0; i < junk.size(); i++) {
                parsed += b.kind[i] == PacketKind.MALFORMED ? 0 : 1;
            }
            assertTrue(parsed > 100 && parsed < junk.size(), "the junk exercises both outcomes: " + parsed + " parsed");
        }
    }

    @Test
    void ttlDecrementKeepsTheChecksumValid() {
        Random r = new Random(3);
        try (Arena arena = Arena.ofConfined()) {
            for (int t = 0; t < 2000; t++) {
                byte[] f = new UdpFrameBuilder().sourceIp(r.nextInt()).destinationIp(r.nextInt()).ttl(2 + r.nextInt(254))
                        .ports(r.nextInt(65536), r.nextInt(65536)).build();
                MemorySegment s = arena.allocate(f.length);
                s.copyFrom(MemorySegment.ofArray(f));
                Ipv4.decrementTtl(s.address() + 14);
                byte[] out = s.toArray(ValueLayout.JAVA_BYTE);
                assertEquals((f[22] & 0xff) - 1, out[22] & 0xff);
                assertEquals(0, Checksums.internet(out, 14, 20), "checksum after TTL " + (f[22] & 0xff));
            }
        }
    }
}
