package io.quiver.dataplane.antispoof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.model.Ipv6Address;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.ring.VnicRing;
import io.quiver.dataplane.vnic.AttachedVnic;
import io.quiver.dataplane.vnic.Vnic;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each warning names the VNIC, the reason, the offending value and the VNIC's own values, at most once an interval. */
class SpoofWarningsTest {
    @Test
    void warningsNameTheEvidenceOfTheSameFrame() {
        Vnic v = new Vnic(0, AttachedVnic.of("g1", "02:00:00:00:00:0a", List.of(), List.of("10.0.0.1/24"), 0, "p"), 0,
                new VnicRing(8, false), new VnicRing(8, false));
        List<String> warnings = new ArrayList<>();
        SpoofWarnings w = new SpoofWarnings(() -> List.of(v), List::of, warnings::add);
        v.counters().ingressDrops[DropReason.SPOOFED_SOURCE_IP.ordinal()] += 3;
        v.counters().lastSpoof[DropReason.SPOOFED_SOURCE_IP.ordinal()].record(DropReason.SPOOFED_SOURCE_IP, 0, UdpFrameBuilder.parseIpv4("10.0.0.99"));
        w.check();
        assertEquals(1, warnings.size());
        String text = warnings.getFirst();
        assertTrue(text.contains("VNIC g1") && text.contains("3 spoofed-src-ip")
                && text.contains("source 10.0.0.99") && text.contains("its IPv4 addresses are 10.0.0.1/24"), text);
        v.counters().ingressDrops[DropReason.SPOOFED_SOURCE_MAC.ordinal()]++;
        w.check();
        assertEquals(1, warnings.size(), "at most one warning per interval");
    }

    @Test
    void everyReasonDescribesOffendingAndOwnValues() {
        var own = AttachedVnic.of("g1", "02:00:00:00:00:0a", List.of(), List.of("10.0.0.1/24"), 0, "p").config();
        String mac = SpoofWarnings.describe(new io.quiver.dataplane.counters.SpoofRecord.Evidence(DropReason.SPOOFED_SOURCE_MAC, 0,
                Ethernet.macToLong(Ethernet.parseMac("02:66:00:00:00:01"))), own);
        assertTrue(mac.contains("02:66:00:00:00:01") && mac.contains("its MACs are 02:00:00:00:00:0a"), mac);
        Ipv6Address forged = Ipv6Address.parse("2001:db8::66");
        String v6 = SpoofWarnings.describe(new io.quiver.dataplane.counters.SpoofRecord.Evidence(DropReason.SPOOFED_SOURCE_IPV6,
                forged.high(), forged.low()), own);
        assertTrue(v6.contains("2001:db8::66") && v6.contains("link-local"), v6);
        String arp = SpoofWarnings.describe(new io.quiver.dataplane.counters.SpoofRecord.Evidence(DropReason.SPOOFED_ARP_SENDER,
                Ethernet.macToLong(Ethernet.parseMac("02:00:00:00:00:0a")), UdpFrameBuilder.parseIpv4("10.0.0.2")), own);
        assertTrue(arp.contains("ARP sender 10.0.0.2 at 02:00:00:00:00:0a"), arp);
    }
}
