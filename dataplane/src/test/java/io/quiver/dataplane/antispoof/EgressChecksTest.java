package io.quiver.dataplane.antispoof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.quiver.configstore.model.VnicConfig;
import io.quiver.dataplane.classify.ClassifierTables;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.packet.ArpFrameBuilder;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.ParsedBurst;
import io.quiver.dataplane.packet.ParsedFrames;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.vnic.AttachedVnic;
import io.quiver.dataplane.vnic.WireAddresses;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each egress check, on real parsed frames, for a guest with a primary and a secondary MAC (no EAL needed). */
class EgressChecksTest {
    static final byte[] MAC = Ethernet.parseMac("02:00:00:00:00:0a");
    static final byte[] SECOND = Ethernet.parseMac("02:00:00:00:01:0a");
    static final byte[] OTHER = Ethernet.parseMac("02:00:00:00:00:0b");
    static final int IP = UdpFrameBuilder.parseIpv4("10.0.0.1");
    static final int OTHER_IP = UdpFrameBuilder.parseIpv4("10.0.0.2");

    static byte[] udp(byte[] src, int sip, int dip) {
        return new UdpFrameBuilder().destinationMac(OTHER).sourceMac(src).sourceIp(sip).destinationIp(dip).ports(1, 2).build();
    }

    static byte[] tagged(byte[] frame) {
        return ByteBuffer.allocate(frame.length + 4).put(frame, 0, 12).putShort((short) 0x8100).putShort((short) 5)
                .put(frame, 12, frame.length - 12).array();
    }

    @Test
    void eachCheckRefusesWhatItGuardsAndPassesTheRest() {
        VnicConfig guest = AttachedVnic.of("g", Ethernet.formatMac(MAC), List.of(Ethernet.formatMac(SECOND)), List.of("10.0.0.1/24"), 0, "p").config();
        ClassifierTables tables = new ClassifierTables(List.of(guest));
        SourceMacCheck sources = SourceMacCheck.ofOwners(List.<long[]>of(WireAddresses.macs(guest)));
        List<byte[]> frames = new ArrayList<>();
        List<DropReason> expected = new ArrayList<>();
        frames.add(udp(MAC, IP, OTHER_IP));
        expected.add(null);
        frames.add(udp(SECOND, IP, OTHER_IP));
        expected.add(null);
        frames.add(udp(MAC, OTHER_IP, IP));
        expected.add(DropReason.SPOOFED_SOURCE_IP);
        frames.add(udp(MAC, 0, -1)); // DHCP discover
        expected.add(null);
        frames.add(udp(MAC, 0, OTHER_IP)); // 0.0.0.0 to anyone else
        expected.add(DropReason.SPOOFED_SOURCE_IP);
        frames.add(tagged(udp(MAC, IP, OTHER_IP)));
        expected.add(DropReason.TAGGED_FROM_GUEST);
        frames.add(ArpFrameBuilder.request(MAC, IP, OTHER_IP));
        expected.add(null);
        frames.add(ArpFrameBuilder.request(MAC, 0, OTHER_IP)); // address probe
        expected.add(null);
        frames.add(ArpFrameBuilder.request(MAC, OTHER_IP, IP)); // claims another's address
        expected.add(DropReason.SPOOFED_ARP_SENDER);
        frames.add(ArpFrameBuilder.frame(new byte[] {-1, -1, -1, -1, -1, -1}, MAC, 1, SECOND, IP, new byte[6], OTHER_IP));
        expected.add(null); // sender MAC: its secondary
        frames.add(ArpFrameBuilder.frame(new byte[] {-1, -1, -1, -1, -1, -1}, MAC, 1, OTHER, IP, new byte[6], OTHER_IP));
        expected.add(DropReason.SPOOFED_ARP_SENDER); // sender MAC: someone else's
        try (Arena arena = Arena.ofConfined()) {
            ParsedBurst b = ParsedFrames.parse(arena, frames);
            for (int i = 0; i < frames.size(); i++) {
                int owner = sources.owner(b.srcMac[i]);
                assertEquals(0, owner, "frame " + i + ": the source MAC names the VNIC");
                DropReason refused = EgressChecks.refusal(tables, sources, b, i, b.kind[i], owner);
                if (expected.get(i) == null) {
                    assertNull(refused, "frame " + i);
                } else {
                    assertEquals(expected.get(i), refused, "frame " + i);
                }
            }
        }
        assertEquals(-1, sources.owner(Ethernet.macToLong(OTHER)), "another MAC names no VNIC");
    }
}
