package io.quiver.dataplane.antispoof;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quiver.configstore.model.Ipv6Address;
import io.quiver.configstore.model.MacAddress;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.model.VnicParameter;
import io.quiver.dataplane.classify.ClassifierTables;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.Icmpv6;
import io.quiver.dataplane.packet.Ipv6Frames;
import io.quiver.dataplane.packet.ParsedBurst;
import io.quiver.dataplane.packet.ParsedFrames;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.vnic.AttachedVnic;
import io.quiver.dataplane.vnic.WireAddresses;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The IPv6 egress checks (source, duplicate address detection, neighbour discovery, RA and DHCPv6 guards) and the
 * VNIC's protection property, on real parsed frames (no EAL needed): each case names the drop reason it must get.
 */
class Ipv6AndProtectionChecksTest {
    static final byte[] MAC = Ethernet.parseMac("02:00:00:00:00:0a");
    static final byte[] OTHER_MAC = Ethernet.parseMac("02:00:00:00:00:0b");
    static final Ipv6Address OWN = Ipv6Address.parse("2001:db8::a");
    static final Ipv6Address OTHER = Ipv6Address.parse("2001:db8::b");
    static final Ipv6Address LINK_LOCAL = Ipv6Address.linkLocalOf(MacAddress.parse("02:00:00:00:00:0a"));
    static final Ipv6Address ALL_NODES = Ipv6Address.parse("ff02::1");

    record Case(String what, byte[] frame, DropReason expected) {
    }

    private static DropReason[] check(VnicConfig guest, List<Case> cases) {
        ClassifierTables tables = new ClassifierTables(List.of(guest));
        SourceMacCheck sources = SourceMacCheck.ofOwners(List.<long[]>of(WireAddresses.macs(guest)));
        DropReason[] out = new DropReason[cases.size()];
        try (Arena arena = Arena.ofConfined()) {
            ParsedBurst b = ParsedFrames.parse(arena, cases.stream().map(Case::frame).toList());
            for (int i = 0; i < out.length; i++) {
                out[i] = EgressChecks.refusal(tables, sources, b, i, b.kind[i], 0);
            }
        }
        return out;
    }

    private static void assertCases(VnicConfig guest, List<Case> cases) {
        DropReason[] got = check(guest, cases);
        for (int i = 0; i < got.length; i++) {
            assertEquals(cases.get(i).expected(), got[i], cases.get(i).what());
        }
    }

    static VnicConfig guest(String protection, boolean router) {
        return AttachedVnic.of("g", Ethernet.formatMac(MAC), List.of(), List.of("10.0.0.1/24"), 0, "p").config()
                .with(VnicParameter.IPV6_ADDRESSES, "2001:db8::a/64").with(VnicParameter.PROTECTION, protection)
                .with(VnicParameter.ROUTER, router ? "yes" : "no");
    }

    static byte[] icmp6(Ipv6Address src, Ipv6Address dst, int type, byte[] body) {
        return Ipv6Frames.frame(Ipv6Frames.multicastMac(dst.high() >>> 56 == 0xff ? dst : ALL_NODES), MAC, src, dst, Icmpv6.PROTOCOL,
                Ipv6Frames.icmp(type, body));
    }

    static byte[] neighbourAdvert(Ipv6Address target, byte[] llMac) {
        return icmp6(LINK_LOCAL, ALL_NODES, Icmpv6.NEIGHBOUR_ADVERTISEMENT, Ipv6Frames.ndBody(target, Ipv6Frames.linkLayerOption(2, llMac)));
    }

    @Test
    void ipv6SourcesNeighbourDiscoveryAndTheGuards() {
        Ipv6Address solicited = Ipv6Frames.solicitedNode(OWN);
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("own source", icmp6(OWN, OTHER, 128, new byte[8]), null));
        cases.add(new Case("link-local of its MAC", icmp6(LINK_LOCAL, OTHER, 128, new byte[8]), null));
        cases.add(new Case("forged source", icmp6(OTHER, ALL_NODES, 128, new byte[8]), DropReason.SPOOFED_SOURCE_IPV6));
        cases.add(new Case("DAD: :: to a solicited-node address", icmp6(Ipv6Address.UNSPECIFIED, solicited,
                Icmpv6.NEIGHBOUR_SOLICITATION, Ipv6Frames.ndBody(OWN, new byte[0])), null));
        cases.add(new Case(":: to anyone else", icmp6(Ipv6Address.UNSPECIFIED, OTHER, 128, new byte[8]), DropReason.SPOOFED_SOURCE_IPV6));
        cases.add(new Case("MLDv2 report from :: during DAD", icmp6(Ipv6Address.UNSPECIFIED, Ipv6Address.parse("ff02::16"),
                Icmpv6.MLD2_REPORT, new byte[4]), null));
        cases.add(new Case("NA for its own address", neighbourAdvert(OWN, MAC), null));
        cases.add(new Case("NA for another's address", neighbourAdvert(OTHER, MAC), DropReason.SPOOFED_ND));
        cases.add(new Case("NA with another's link-layer address", neighbourAdvert(OWN, OTHER_MAC), DropReason.SPOOFED_ND));
        cases.add(new Case("NS for another's address (asking is fine)", icmp6(LINK_LOCAL, Ipv6Frames.solicitedNode(OTHER),
                Icmpv6.NEIGHBOUR_SOLICITATION, Ipv6Frames.ndBody(OTHER, Ipv6Frames.linkLayerOption(1, MAC))), null));
        cases.add(new Case("NS with a forged source link-layer option", icmp6(LINK_LOCAL, Ipv6Frames.solicitedNode(OTHER),
                Icmpv6.NEIGHBOUR_SOLICITATION, Ipv6Frames.ndBody(OTHER, Ipv6Frames.linkLayerOption(1, OTHER_MAC))), DropReason.SPOOFED_ND));
        cases.add(new Case("NS whose option has length 0", icmp6(LINK_LOCAL, Ipv6Frames.solicitedNode(OTHER),
                Icmpv6.NEIGHBOUR_SOLICITATION, Ipv6Frames.ndBody(OTHER, new byte[] {1, 0, 0, 0, 0, 0, 0, 0})), DropReason.MALFORMED));
        cases.add(new Case("router advertisement", icmp6(LINK_LOCAL, ALL_NODES, Icmpv6.ROUTER_ADVERTISEMENT, new byte[12]), DropReason.RA_GUARD));
        cases.add(new Case("redirect", icmp6(LINK_LOCAL, OTHER, Icmpv6.REDIRECT, new byte[36]), DropReason.RA_GUARD));
        cases.add(new Case("router solicitation", icmp6(LINK_LOCAL, Ipv6Address.parse("ff02::2"), Icmpv6.ROUTER_SOLICITATION, new byte[4]), null));
        cases.add(new Case("DHCPv6 reply from a server", Ipv6Frames.frame(OTHER_MAC, MAC, LINK_LOCAL, OTHER, 17, Ipv6Frames.udp(547, 546)),
                DropReason.DHCP_GUARD));
        cases.add(new Case("DHCPv6 solicit from a client", Ipv6Frames.frame(OTHER_MAC, MAC, LINK_LOCAL, Ipv6Address.parse("ff02::1:2"), 17,
                Ipv6Frames.udp(546, 547)), null));
        assertCases(guest("mac-nospoof,ip-nospoof", false), cases);
    }

    @Test
    void aRouterMaySendAdvertisementsAndDhcpv6Replies() {
        assertCases(guest("mac-nospoof,ip-nospoof", true), List.of(
                new Case("router advertisement", icmp6(LINK_LOCAL, ALL_NODES, Icmpv6.ROUTER_ADVERTISEMENT, new byte[12]), null),
                new Case("DHCPv6 reply", Ipv6Frames.frame(OTHER_MAC, MAC, LINK_LOCAL, OTHER, 17, Ipv6Frames.udp(547, 546)), null),
                new Case("still no forged source", icmp6(OTHER, ALL_NODES, 128, new byte[8]), DropReason.SPOOFED_SOURCE_IPV6)));
    }

    static byte[] udp4(int sip, int dip, int sport, int dport) {
        return new UdpFrameBuilder().destinationMac(OTHER_MAC).sourceMac(MAC).sourceIp(sip).destinationIp(dip).ports(sport, dport).build();
    }

    @Test
    void protectionDecidesWhichChecksApply() {
        int own = UdpFrameBuilder.parseIpv4("10.0.0.1");
        int other = UdpFrameBuilder.parseIpv4("10.0.0.2");
        int service = UdpFrameBuilder.parseIpv4("169.254.169.254");
        byte[] lldp = new byte[60];
        System.arraycopy(OTHER_MAC, 0, lldp, 0, 6);
        System.arraycopy(MAC, 0, lldp, 6, 6);
        lldp[12] = (byte) 0x88;
        lldp[13] = (byte) 0xcc;
        byte[] dhcpOffer = udp4(own, -1, 67, 68);
        // without ip-nospoof a forged source passes; the appliance's own address never does
        assertCases(guest("mac-nospoof", false), List.of(
                new Case("forged IPv4 source", udp4(other, own, 1, 2), null),
                new Case("the service address as source", udp4(service, own, 1, 2), DropReason.SPOOFED_SOURCE_IP),
                new Case("forged IPv6 source", icmp6(OTHER, ALL_NODES, 128, new byte[8]), null),
                new Case("LLDP", lldp, null),
                new Case("DHCPv4 offer", dhcpOffer, null)));
        assertCases(guest("mac-nospoof,ip-nospoof,dhcp-nospoof,restricted", false), List.of(
                new Case("own IPv4", udp4(own, other, 1, 2), null),
                new Case("forged IPv4 source", udp4(other, own, 1, 2), DropReason.SPOOFED_SOURCE_IP),
                new Case("LLDP under restricted", lldp, DropReason.RESTRICTED_ETHERTYPE),
                new Case("DHCPv4 offer under dhcp-nospoof", dhcpOffer, DropReason.DHCP_GUARD),
                new Case("DHCPv4 discover", udp4(0, -1, 68, 67), null)));
    }

    @Test
    void framesLargerThanTheVnicsMtuAreRefused() {
        VnicConfig guest = guest("mac-nospoof,ip-nospoof", false).with(VnicParameter.MTU, "1400");
        byte[] fits = new UdpFrameBuilder().destinationMac(OTHER_MAC).sourceMac(MAC).sourceIp(UdpFrameBuilder.parseIpv4("10.0.0.1"))
                .destinationIp(1).ports(1, 2).payload(new byte[1400 - 28]).build();
        byte[] tooBig = new UdpFrameBuilder().destinationMac(OTHER_MAC).sourceMac(MAC).sourceIp(UdpFrameBuilder.parseIpv4("10.0.0.1"))
                .destinationIp(1).ports(1, 2).payload(new byte[1400 - 27]).build();
        assertCases(guest, List.of(new Case("1414-byte frame at MTU 1400", fits, null),
                new Case("1415-byte frame at MTU 1400", tooBig, DropReason.MTU_EXCEEDED)));
    }
}
