package io.quiver.dataplane.aggr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.model.Ipv6Address;
import io.quiver.dataplane.packet.Ipv6Frames;
import io.quiver.dataplane.packet.ParsedBurst;
import io.quiver.dataplane.packet.ParsedFrames;
import io.quiver.dataplane.packet.TcpFrameBuilder;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every frame of one connection hashes alike under each policy; what the policy leaves out does not change it. */
class HashPolicyTest {
    private static final byte[] A = {2, 0, 0, 0, 0, 1};
    private static final byte[] B = {2, 0, 0, 0, 0, 2};
    private static final byte[] C = {2, 0, 0, 0, 0, 3};
    private static final int IP_A = UdpFrameBuilder.parseIpv4("10.0.0.1");
    private static final int IP_B = UdpFrameBuilder.parseIpv4("10.0.0.2");
    private static final int IP_C = UdpFrameBuilder.parseIpv4("10.0.0.3");

    private static byte[] tcp(byte[] dstMac, int dst, int srcPort, int seq, int flags, int payload) {
        return new TcpFrameBuilder().destinationMac(dstMac).sourceMac(A).sourceIp(IP_A).destinationIp(dst).ports(srcPort, 80)
                .seq(seq).flags(flags).payload(new byte[payload]).build();
    }

    private static int[] hashes(HashPolicy p, List<byte[]> frames) {
        try (Arena arena = Arena.ofConfined()) {
            ParsedBurst b = ParsedFrames.parse(arena, frames);
            int[] h = new int[frames.size()];
            for (int i = 0; i < h.length; i++) {
                h[i] = p.hash(b, i);
            }
            return h;
        }
    }

    @Test
    void everyFrameOfAConnectionHashesAlike() {
        List<byte[]> connection = List.of(tcp(B, IP_B, 40000, 1, TcpFrameBuilder.SYN, 0),
                tcp(B, IP_B, 40000, 2, TcpFrameBuilder.ACK, 1000), tcp(B, IP_B, 40000, 1002, TcpFrameBuilder.ACK | TcpFrameBuilder.PSH, 17));
        for (HashPolicy p : HashPolicy.values()) {
            int[] h = hashes(p, connection);
            assertEquals(h[0], h[1], p + ": SYN and data");
            assertEquals(h[0], h[2], p + ": any segment");
        }
    }

    @Test
    void eachPolicyLooksAtItsFieldsOnly() {
        List<byte[]> f = List.of(tcp(B, IP_B, 40000, 1, TcpFrameBuilder.ACK, 10), tcp(B, IP_B, 40001, 1, TcpFrameBuilder.ACK, 10),
                tcp(B, IP_C, 40000, 1, TcpFrameBuilder.ACK, 10), tcp(C, IP_B, 40000, 1, TcpFrameBuilder.ACK, 10));
        int[] l2 = hashes(HashPolicy.L2, f);
        assertEquals(l2[0], l2[1]);
        assertEquals(l2[0], l2[2]);
        assertNotEquals(l2[0], l2[3], "L2: another destination MAC");
        int[] l3 = hashes(HashPolicy.L3, f);
        assertEquals(l3[0], l3[1], "L3: ports left out");
        assertNotEquals(l3[0], l3[2]);
        assertEquals(l3[0], l3[3], "L3: MACs left out");
        int[] l4 = hashes(HashPolicy.L4, f);
        assertNotEquals(l4[0], l4[1]);
        assertEquals(l4[0], l4[2], "L4: addresses left out");
        int[] l34 = hashes(HashPolicy.L3L4, f);
        assertNotEquals(l34[0], l34[1]);
        assertNotEquals(l34[0], l34[2]);
        assertEquals(l34[0], l34[3]);
    }

    @Test
    void connectionsSpreadEvenlyOverTheMembers() {
        List<byte[]> f = new ArrayList<>();
        for (int k = 0; k < 4096; k++) { // ephemeral ports as a client picks them, to two servers
            f.add(tcp(B, k % 2 == 0 ? IP_B : IP_C, 32768 + (k * 7919) % 28232, 1, TcpFrameBuilder.ACK, 10));
        }
        for (int members = 2; members <= 4; members++) {
            RedirectionTable t = RedirectionTable.empty();
            for (int m = 0; m < members; m++) {
                t = t.with(m);
            }
            int[] per = new int[members];
            for (int x : hashes(HashPolicy.L3L4, f)) {
                per[t.lookup(x)]++;
            }
            for (int n : per) {
                assertTrue(Math.abs(n - 4096.0 / members) < 0.1 * 4096 / members,
                        members + " members: " + java.util.Arrays.toString(per));
            }
        }
    }

    @Test
    void aFragmentedDatagramsPiecesLeaveByOneMember() {
        byte[] first = new UdpFrameBuilder().destinationMac(B).sourceMac(A).sourceIp(IP_A).destinationIp(IP_B).ports(7000, 53)
                .payload(new byte[100]).build();
        first[20] = 0x20; // more fragments, offset 0 (checksums do not matter to the hash)
        byte[] later = first.clone();
        later[20] = 0x00;
        later[21] = 0x10; // offset 16 x 8 bytes: no UDP header here, the same bytes read as payload
        later[34] = 0x55;
        int[] h = hashes(HashPolicy.L3L4, List.of(first, later));
        assertEquals(h[0], h[1]);

        // IPv6: a fragment header before the UDP header in the first piece, before payload alone in a later one
        Ipv6Address src = Ipv6Address.parse("2001:db8::1");
        Ipv6Address dst = Ipv6Address.parse("2001:db8::2");
        byte[] firstHeader = {17, 0, 0, 1, 0, 0, 0, 7}; // next UDP, offset 0, more fragments, id 7
        byte[] laterHeader = {17, 0, 0, (byte) 0x80, 0, 0, 0, 7}; // offset 16 x 8 bytes, the last piece
        byte[] first6 = Ipv6Frames.frame(B, A, src, dst, 44, Ipv6Frames.concat(firstHeader, Ipv6Frames.udp(7000, 53)));
        byte[] later6 = Ipv6Frames.frame(B, A, src, dst, 44, Ipv6Frames.concat(laterHeader, new byte[] {0x55, 0x55, 0, 1, 2, 3, 4, 5}));
        byte[] whole6 = Ipv6Frames.frame(B, A, src, dst, 17, Ipv6Frames.udp(7001, 53));
        int[] h6 = hashes(HashPolicy.L3L4, List.of(first6, later6, whole6, Ipv6Frames.frame(B, A, src, dst, 17, Ipv6Frames.udp(7002, 53))));
        assertEquals(h6[0], h6[1], "both IPv6 pieces by address alone");
        assertNotEquals(h6[2], h6[3], "an unfragmented datagram by its ports too");
    }

    @Test
    void policiesParseInCrossbowsAndLinuxsWords() {
        assertEquals(HashPolicy.L3L4, HashPolicy.parse("L3,L4"));
        assertEquals(HashPolicy.L3L4, HashPolicy.parse("layer3+4"));
        assertEquals(HashPolicy.L2, HashPolicy.parse("l2"));
        assertEquals("L3,L4", HashPolicy.L3L4.text());
        String why = assertThrows(IllegalArgumentException.class, () -> HashPolicy.parse("L5")).getMessage();
        assertTrue(why.contains("L5"), why);
    }
}
