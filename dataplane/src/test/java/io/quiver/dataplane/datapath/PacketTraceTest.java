package io.quiver.dataplane.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.model.Ipv6Address;
import io.quiver.configstore.model.MacAddress;
import io.quiver.configstore.model.VnicParameter;
import io.quiver.configstore.model.VnsConfig;
import io.quiver.configstore.model.VnsRoute;
import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.classify.ClassifierChoice;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.guest.GuestServiceAddress;
import io.quiver.dataplane.packet.ArpFrameBuilder;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.Icmpv6;
import io.quiver.dataplane.packet.Ipv6Frames;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dataplane.vnic.AttachedVnic;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packet trace on a running datapath (real pcap ports, real mbufs; the lcore runs, but no frame arrives): for each
 * frame the verdict the datapath's own steering reaches, every drop reason a frame alone decides among them, and
 * that a trace sends nothing, counts nothing on the live counters and leaves no mbuf behind.
 */
class PacketTraceTest {
    static final byte[] MAC_A = Ethernet.parseMac("02:00:00:00:00:0a");
    static final byte[] MAC_A2 = Ethernet.parseMac("02:00:00:00:01:0a");
    static final byte[] MAC_B = Ethernet.parseMac("02:00:00:00:00:0b");
    static final byte[] MAC_C = Ethernet.parseMac("02:00:00:00:00:0c");
    static final byte[] MAC_X = Ethernet.parseMac("02:00:00:00:00:0e");
    static final byte[] GATEWAY = Ethernet.parseMac("02:00:00:00:ff:fe");
    static final byte[] UNKNOWN = Ethernet.parseMac("02:00:00:00:99:99");
    static final byte[] FORGED = Ethernet.parseMac("02:66:00:00:00:01");
    static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    static final byte[] SLOW = Ethernet.parseMac("01:80:c2:00:00:02");
    static final int IP_A = ip("10.0.0.1");
    static final int IP_B = ip("10.0.0.2");
    static final int IP_C = ip("10.0.100.3");
    static final int IP_HOST = ip("10.0.0.254");
    static final int IP_INTERNET = ip("198.51.100.7");
    static final Ipv6Address IPV6_A = Ipv6Address.parse("2001:db8::a");

    @TempDir
    static Path dir;
    static Datapath datapath;

    static int ip(String s) {
        return UdpFrameBuilder.parseIpv4(s);
    }

    static byte[] udp(byte[] dst, byte[] src, int sip, int dip, int ttl) {
        return udp(dst, src, sip, dip, ttl, 40000, 7000, 4);
    }

    static byte[] udp(byte[] dst, byte[] src, int sip, int dip, int ttl, int sport, int dport, int payload) {
        return new UdpFrameBuilder().destinationMac(dst).sourceMac(src).sourceIp(sip).destinationIp(dip).ttl(ttl)
                .ports(sport, dport).payload(new byte[payload]).build();
    }

    static byte[] tagged(byte[] frame, int vlan, int tpid) {
        ByteBuffer b = ByteBuffer.allocate(frame.length + 4);
        b.put(frame, 0, 12).putShort((short) tpid).putShort((short) vlan).put(frame, 12, frame.length - 12);
        return b.array();
    }

    @BeforeAll
    static void start() throws Exception {
        List<PortConfig> ports = new ArrayList<>();
        int n = 60;
        for (String p : List.of("uplink", "a", "b", "c", "d", "x")) {
            PcapFile.write(dir.resolve(p + "-in.pcap"), List.of());
            ports.add(PortConfig.of(p, "net_pcap" + n++ + ",rx_pcap=" + dir.resolve(p + "-in.pcap") + ",tx_pcap=" + dir.resolve(p + "-out.pcap")));
        }
        var a = AttachedVnic.of("A", Ethernet.formatMac(MAC_A), List.of(Ethernet.formatMac(MAC_A2)), List.of("10.0.0.1/24"), 0, "a");
        var b = AttachedVnic.of("B", Ethernet.formatMac(MAC_B), List.of(), List.of("10.0.0.2/24"), 0, "b");
        var c = AttachedVnic.of("C", Ethernet.formatMac(MAC_C), List.of(), List.of("10.0.100.3/24"), 100, "c");
        var vnics = List.of(new AttachedVnic(a.config().with(VnicParameter.IPV6_ADDRESSES, "2001:db8::a/64"), "a"),
                new AttachedVnic(b.config().with("mtu", "1400"), "b"),
                new AttachedVnic(c.config().with("protection", "mac-nospoof,ip-nospoof,dhcp-nospoof,restricted"), "c"),
                new AttachedVnic(AttachedVnic.of("X", Ethernet.formatMac(MAC_X), List.of(), List.of("10.60.0.2/24"), 0, "x").config()
                        .with("vns", "x"), "x"));
        // VNS x reaches the uplink's network by a static neighbour; x and y send 10.50.0.0/16 to each other: a loop
        var vnses = List.of(VnsConfig.create("x").with("addresses", "10.60.0.1/24").with("uplink-address", "192.0.2.10/24")
                .with("static-neighbours", "192.0.2.1=02:00:00:00:ff:fe"), VnsConfig.create("y").with("addresses", "10.61.0.1/24"));
        var routes = List.of(VnsRoute.parse("x", "203.0.113.0/24 via 192.0.2.1"), VnsRoute.parse("x", "10.50.0.0/16 vns y"),
                VnsRoute.parse("y", "10.50.0.0/16 vns x"));
        var base = new RuntimeConfig(EalOptions.virtualDefaults().withFilePrefix("quiver-trace-" + ProcessHandle.current().pid()),
                8191, 64, 32, ports);
        datapath = Datapath.start(new DatapathConfig(base, "uplink", DatapathConfig.routes(List.of("198.51.100.0/24")),
                Ethernet.formatMac(GATEWAY), vnics, ThreadingMode.SHARED, List.of(1), 64, 16, ClassifierChoice.AUTO, null, vnses, routes));
    }

    @AfterAll
    static void stop() throws Exception {
        if (datapath != null) {
            datapath.close();
        }
    }

    static PacketTrace.Result trace(String port, byte[] frame) {
        int inUse = datapath.runtime().pool().inUse();
        long[] live = liveCounts();
        PacketTrace.Result r = datapath.trace(port, frame);
        assertEquals(inUse, datapath.runtime().pool().inUse(), "every mbuf of the trace went back: " + r);
        assertTrue(Arrays.equals(live, liveCounts()), "no live counter moved: " + r);
        return r;
    }

    static long[] liveCounts() {
        return liveCounts(datapath);
    }

    /** Every live packet, byte and drop count of {@code datapath}'s VNICs A, B and C and of its ports. */
    static long[] liveCounts(Datapath datapath) {
        List<Long> all = new ArrayList<>();
        for (String v : List.of("A", "B", "C")) {
            var k = datapath.vnic(v).counters();
            all.addAll(List.of(k.rxPackets, k.txPackets, k.guestRequests, k.forwarded, k.totalDrops()));
        }
        datapath.ports().values().forEach(p -> {
            all.add(p.rxTotals().packets());
            all.add(p.txCounters(0).packets);
            all.add(Arrays.stream(p.rxCounters(0).drops).sum());
        });
        return all.stream().mapToLong(Long::longValue).toArray();
    }

    static void dropped(String port, byte[] frame, DropReason reason, String where) {
        PacketTrace.Result r = trace(port, frame);
        assertEquals(reason.label(), r.dropped(), r.toString());
        assertTrue(r.verdict().contains(where), where + " in " + r.verdict());
        assertNull(r.frameOut(), r.toString());
    }

    static String stages(PacketTrace.Result r) {
        return r.stages().stream().map(s -> s.name() + ": " + s.decision()).collect(Collectors.joining("\n"));
    }

    @Test
    void fromTheUplinkEachFrameGoesWhereTheClassifierAndTheRouterSend() {
        PacketTrace.Result local = trace("uplink", udp(MAC_A, GATEWAY, IP_HOST, IP_A, 64));
        assertEquals("delivered to VNIC A", local.verdict(), stages(local));
        assertTrue(stages(local).contains("classify: VNIC A: its local ring") && stages(local).contains("parse: IPv4 UDP 10.0.0.254 > 10.0.0.1"),
                stages(local));
        PacketTrace.Result routed = trace("uplink", udp(MAC_A, GATEWAY, IP_HOST, IP_B, 64));
        assertEquals("routed to VNIC B", routed.verdict(), stages(routed));
        assertTrue(stages(routed).contains("VNIC A's forwarding ring"), stages(routed));
        PacketTrace.Result out = trace("uplink", udp(MAC_A, GATEWAY, IP_HOST, IP_INTERNET, 64));
        assertEquals("routed to the uplink's gateway", out.verdict(), stages(out));
        PacketTrace.Result tagged = trace("uplink", tagged(udp(MAC_C, GATEWAY, IP_HOST, IP_C, 64), 100, 0x8100));
        assertEquals("delivered to VNIC C", tagged.verdict(), stages(tagged));
        PacketTrace.Result flood = trace("uplink", udp(BROADCAST, GATEWAY, IP_HOST, -1, 64));
        assertTrue(flood.verdict().contains("delivered to VNIC A") && flood.verdict().contains("delivered to VNIC B")
                && !flood.verdict().contains("VNIC C"), stages(flood));
    }

    @Test
    void fromTheUplinkEveryDropReasonAFrameDecides() {
        dropped("uplink", udp(UNKNOWN, GATEWAY, IP_HOST, IP_A, 64), DropReason.UNKNOWN_DESTINATION, "port uplink");
        dropped("uplink", new byte[10], DropReason.MALFORMED, "port uplink");
        dropped("uplink", tagged(tagged(udp(MAC_C, GATEWAY, IP_HOST, IP_C, 64), 7, 0x8100), 200, 0x88a8), DropReason.STACKED_VLAN, "port uplink");
        dropped("uplink", udp(SLOW, GATEWAY, IP_HOST, IP_A, 64), DropReason.SLOW_PROTOCOLS, "port uplink");
        dropped("uplink", udp(MAC_A, GATEWAY, IP_HOST, ip("192.168.9.9"), 64), DropReason.NO_ROUTE, "VNS");
        dropped("uplink", udp(MAC_A, GATEWAY, IP_HOST, IP_B, 1), DropReason.TTL_EXPIRED, "VNS");
        dropped("uplink", udp(MAC_A, GATEWAY, IP_HOST, IP_B, 64, 1, 2, 1420), DropReason.TOO_BIG, "VNS");
    }

    @Test
    void aVnsRoutesToItsNeighboursAndDropsWhatLoopsBetweenVnses() {
        byte[] routerX = Ethernet.longToMac(Ethernet.wireOrder(VnsConfig.create("x").routerMac()));
        PacketTrace.Result out = trace("x", udp(routerX, MAC_X, ip("10.60.0.2"), ip("203.0.113.5"), 64));
        assertEquals("routed to 192.0.2.1 by the uplink", out.verdict(), stages(out));
        assertTrue(stages(out).contains("route: VNS x: to neighbour 192.0.2.1 on the uplink, static at 02:00:00:00:ff:fe"), stages(out));
        dropped("x", udp(routerX, MAC_X, ip("10.60.0.2"), ip("10.50.1.1"), 64), DropReason.ROUTING_LOOP, "VNS x");
        PacketTrace.Result own = trace("x", udp(routerX, MAC_X, ip("10.60.0.2"), ip("10.60.0.1"), 64));
        assertEquals("to VNS x's router", own.verdict(), stages(own));
    }

    @Test
    void fromAGuestTheEgressChecksDecideAndWhatPassesGoesOn() {
        PacketTrace.Result toB = trace("a", udp(MAC_B, MAC_A, IP_A, IP_B, 64));
        assertEquals("delivered to VNIC B", toB.verdict(), stages(toB));
        assertTrue(stages(toB).contains("source: VNIC A sends with 02:00:00:00:00:0a") && stages(toB).contains("anti-spoof: passed"), stages(toB));
        PacketTrace.Result out = trace("a", udp(GATEWAY, MAC_A2, IP_A, IP_INTERNET, 64));
        assertEquals("out port uplink", out.verdict(), stages(out));
        assertTrue(out.frameOut().startsWith("020000" + "00fffe" + "0200000001" + "0a"), out.frameOut());
        PacketTrace.Result arp = trace("a", ArpFrameBuilder.request(MAC_A, IP_A, IP_HOST));
        assertTrue(arp.verdict().contains("delivered to VNIC B") && arp.verdict().contains("out port uplink"), stages(arp));
        PacketTrace.Result service = trace("a", udp(Ethernet.parseMac("02:00:00:00:00:01"), MAC_A, IP_A, GuestServiceAddress.IP, 64,
                40000, GuestServiceAddress.PORT, 8));
        assertTrue(service.verdict().contains("to the appliance's service, as VNIC A's request"), stages(service));
    }

    @Test
    void fromAGuestEveryDropReasonAFrameDecides() {
        dropped("a", udp(GATEWAY, FORGED, IP_A, IP_INTERNET, 64), DropReason.SPOOFED_SOURCE_MAC, "VNIC A");
        dropped("a", udp(GATEWAY, MAC_A, IP_B, IP_INTERNET, 64), DropReason.SPOOFED_SOURCE_IP, "VNIC A");
        dropped("a", ArpFrameBuilder.request(MAC_A, IP_B, IP_HOST), DropReason.SPOOFED_ARP_SENDER, "VNIC A");
        dropped("a", tagged(udp(GATEWAY, MAC_A, IP_A, IP_INTERNET, 64), 5, 0x8100), DropReason.TAGGED_FROM_GUEST, "VNIC A");
        dropped("a", new byte[12], DropReason.MALFORMED, "VNIC A");
        dropped("a", udp(SLOW, MAC_A, IP_A, IP_INTERNET, 64), DropReason.SLOW_PROTOCOLS, "VNIC A");
        dropped("a", Ipv6Frames.frame(MAC_B, MAC_A, Ipv6Address.parse("2001:db8::66"), Ipv6Address.parse("2001:db8::b"), 17,
                Ipv6Frames.udp(1, 2)), DropReason.SPOOFED_SOURCE_IPV6, "VNIC A");
        Ipv6Address linkLocal = Ipv6Address.linkLocalOf(MacAddress.parse(Ethernet.formatMac(MAC_A)));
        dropped("a", Ipv6Frames.frame(Ipv6Frames.ALL_NODES_MAC, MAC_A, linkLocal, Ipv6Address.parse("ff02::1"), Icmpv6.PROTOCOL,
                Ipv6Frames.icmp(Icmpv6.ROUTER_ADVERTISEMENT, new byte[12])), DropReason.RA_GUARD, "VNIC A");
        dropped("a", Ipv6Frames.frame(Ipv6Frames.ALL_NODES_MAC, MAC_A, IPV6_A, Ipv6Address.parse("ff02::1"), Icmpv6.PROTOCOL,
                Ipv6Frames.icmp(Icmpv6.NEIGHBOUR_ADVERTISEMENT, Ipv6Frames.ndBody(Ipv6Address.parse("2001:db8::66"), new byte[0]))),
                DropReason.SPOOFED_ND, "VNIC A");
        dropped("b", udp(GATEWAY, MAC_B, IP_B, IP_INTERNET, 64, 1, 2, 1400), DropReason.MTU_EXCEEDED, "VNIC B");
        dropped("c", udp(BROADCAST, MAC_C, IP_C, -1, 64, 67, 68, 300), DropReason.DHCP_GUARD, "VNIC C");
        byte[] other = udp(GATEWAY, MAC_C, IP_C, IP_INTERNET, 64);
        other[12] = (byte) 0x88;
        other[13] = (byte) 0xb5; // a local experimental ethertype
        dropped("c", other, DropReason.RESTRICTED_ETHERTYPE, "VNIC C");
        dropped("d", udp(GATEWAY, MAC_B, IP_B, IP_INTERNET, 64), DropReason.SPOOFED_SOURCE_MAC, "port d");
    }

    @Test
    void aTraceOfNothingOrOfAPortThatIsNoneIsAClearError() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> datapath.trace("nope", new byte[64]));
        assertTrue(none.getMessage().contains("no port named 'nope'") && none.getMessage().contains("uplink, a, b, c, d"), none.getMessage());
        assertThrows(IllegalArgumentException.class, () -> datapath.trace("a", new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> datapath.trace("a", new byte[70000]));
    }
}
