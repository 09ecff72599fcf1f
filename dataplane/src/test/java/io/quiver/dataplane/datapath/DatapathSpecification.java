package io.quiver.dataplane.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.classify.ClassifierChoice;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.packet.ArpFrameBuilder;
import io.quiver.dataplane.packet.Checksums;
import io.quiver.configstore.model.Ipv6Address;
import io.quiver.configstore.model.MacAddress;
import io.quiver.configstore.model.VnicParameter;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.Icmpv6;
import io.quiver.dataplane.packet.Ipv6Frames;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dataplane.vnic.AttachedVnic;
import io.quiver.dataplane.vnic.VnicCounters;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The datapath's behaviour, end to end through real DPDK pcap ports: an uplink and three guest ports (A and B
 * untagged, C in VLAN 100). Frames replayed into each port; what comes out of each port and every counter is
 * checked. Subclasses run it in shared and in dedicated threading mode (each in its own JVM).
 */
abstract class DatapathSpecification {
    static final byte[] MAC_A = Ethernet.parseMac("02:00:00:00:00:0a");
    static final byte[] MAC_A2 = Ethernet.parseMac("02:00:00:00:01:0a");
    static final byte[] MAC_B = Ethernet.parseMac("02:00:00:00:00:0b");
    static final byte[] MAC_C = Ethernet.parseMac("02:00:00:00:00:0c");
    static final byte[] GATEWAY = Ethernet.parseMac("02:00:00:00:ff:fe");
    static final byte[] UNKNOWN = Ethernet.parseMac("02:00:00:00:99:99");
    static final byte[] FORGED = Ethernet.parseMac("02:66:00:00:00:01");
    static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    static final int IP_A = ip("10.0.0.1");
    static final int IP_B = ip("10.0.0.2");
    static final int IP_C = ip("10.0.100.3");
    static final int IP_UPLINK_HOST = ip("10.0.0.254");
    static final int IP_INTERNET = ip("198.51.100.7");
    static final int IP_ARP_SHORT = ip("10.0.0.77");
    static final Ipv6Address IPV6_A = Ipv6Address.parse("2001:db8::a");

    static Path dir;
    static Datapath datapath;
    static List<byte[]> uplinkOut;
    static List<byte[]> aOut;
    static List<byte[]> bOut;
    static List<byte[]> cOut;

    static int ip(String s) {
        return UdpFrameBuilder.parseIpv4(s);
    }

    static byte[] udp(byte[] dst, byte[] src, int sip, int dip, int ttl, int marker) {
        return new UdpFrameBuilder().destinationMac(dst).sourceMac(src).sourceIp(sip).destinationIp(dip).ttl(ttl)
                .ports(40000 + marker, 7000 + marker).payload(new byte[] {(byte) marker, 1, 2, 3}).build();
    }

    static byte[] stacked(byte[] frame, int outer, int inner) {
        ByteBuffer b = ByteBuffer.allocate(frame.length + 8);
        b.put(frame, 0, 12).putShort((short) 0x88a8).putShort((short) outer).putShort((short) 0x8100).putShort((short) inner)
                .put(frame, 12, frame.length - 12);
        return b.array();
    }

    static byte[] tagged(byte[] frame, int vlan) {
        ByteBuffer b = ByteBuffer.allocate(frame.length + 4);
        b.put(frame, 0, 12).putShort((short) 0x8100).putShort((short) vlan).put(frame, 12, frame.length - 12);
        return b.array();
    }

    static int marker(byte[] frame) {
        int l3 = (frame[12] & 0xff) == 0x81 ? 18 : 14;
        return ((frame[l3 + 22] & 0xff) << 8 | (frame[l3 + 23] & 0xff)) - 7000;
    }

    /** Writes the input pcaps, runs the datapath until every input frame was received, stops it, reads the outputs. */
    static void run(ThreadingMode mode, Path tmp) throws Exception {
        dir = tmp;
        List<byte[]> uplinkIn = new ArrayList<>();
        uplinkIn.add(udp(MAC_A, GATEWAY, IP_UPLINK_HOST, IP_A, 64, 1));          // local to A
        uplinkIn.add(udp(MAC_A, GATEWAY, IP_UPLINK_HOST, IP_B, 64, 2));          // A's forwarding ring -> B
        uplinkIn.add(udp(MAC_A, GATEWAY, IP_UPLINK_HOST, ip("192.168.9.9"), 64, 3)); // no route
        uplinkIn.add(udp(MAC_A, GATEWAY, IP_UPLINK_HOST, IP_B, 1, 4));           // TTL expires
        uplinkIn.add(ArpFrameBuilder.request(GATEWAY, IP_UPLINK_HOST, IP_B));     // ARP to its owner only
        uplinkIn.add(udp(BROADCAST, GATEWAY, IP_UPLINK_HOST, -1, 64, 6));        // flood to A and B, not C
        uplinkIn.add(udp(UNKNOWN, GATEWAY, IP_UPLINK_HOST, IP_A, 64, 7));        // unknown destination
        uplinkIn.add(new byte[10]);                                              // malformed
        uplinkIn.add(tagged(udp(MAC_C, GATEWAY, IP_UPLINK_HOST, IP_C, 64, 9), 100)); // VLAN 100 to C, tag stripped
        uplinkIn.add(tagged(udp(MAC_A, GATEWAY, IP_UPLINK_HOST, IP_A, 64, 10), 100)); // A is not in VLAN 100
        uplinkIn.add(tagged(udp(BROADCAST, GATEWAY, IP_UPLINK_HOST, -1, 64, 18), 4095)); // reserved VID: no one's
        uplinkIn.add(udp(MAC_A, GATEWAY, IP_UPLINK_HOST, IP_A, 64, 19));         // ... and the loop goes on
        uplinkIn.add(stacked(udp(MAC_C, GATEWAY, IP_UPLINK_HOST, IP_C, 64, 30), 100, 7)); // Q-in-Q in C's VLAN: keeps VLAN 7
        uplinkIn.add(stacked(udp(MAC_C, GATEWAY, IP_UPLINK_HOST, IP_C, 64, 31), 200, 7)); // Q-in-Q in no VNIC's VLAN
        List<byte[]> aIn = new ArrayList<>();
        aIn.add(udp(MAC_B, MAC_A, IP_A, IP_B, 64, 11));                          // A -> B through B's ring
        aIn.add(udp(GATEWAY, MAC_A, IP_A, IP_INTERNET, 64, 12));                 // A -> uplink
        aIn.add(udp(GATEWAY, FORGED, IP_A, IP_INTERNET, 64, 13));                // forged MAC
        aIn.add(udp(GATEWAY, MAC_A, IP_B, IP_INTERNET, 64, 14));                 // forged IP
        aIn.add(ArpFrameBuilder.request(MAC_A, IP_B, IP_UPLINK_HOST));           // forged ARP sender
        aIn.add(udp(GATEWAY, MAC_A2, IP_A, IP_INTERNET, 64, 16));                // registered secondary MAC
        aIn.add(tagged(udp(GATEWAY, MAC_A, IP_A, IP_INTERNET, 64, 17), 5));      // guests may not tag
        aIn.add(ArpFrameBuilder.request(MAC_A, IP_A, IP_UPLINK_HOST));           // flood: B and the uplink
        aIn.add(new byte[12]);                                                   // malformed
        aIn.add(ArpFrameBuilder.request(MAC_A, IP_A, IP_A));                     // gratuitous: to everyone but A
        aIn.add(Arrays.copyOf(ArpFrameBuilder.request(MAC_A, IP_A, IP_ARP_SHORT), 42)); // unpadded, as Linux sends on veth
        aIn.add(Ipv6Frames.frame(Ipv6Frames.multicastMac(Ipv6Frames.solicitedNode(IPV6_A)), MAC_A, Ipv6Address.UNSPECIFIED,
                Ipv6Frames.solicitedNode(IPV6_A), Icmpv6.PROTOCOL,
                Ipv6Frames.icmp(Icmpv6.NEIGHBOUR_SOLICITATION, Ipv6Frames.ndBody(IPV6_A, new byte[0])))); // DAD: floods
        aIn.add(Ipv6Frames.frame(Ipv6Frames.ALL_NODES_MAC, MAC_A, Ipv6Address.linkLocalOf(MacAddress.parse(Ethernet.formatMac(MAC_A))),
                Ipv6Address.parse("ff02::1"), Icmpv6.PROTOCOL, Ipv6Frames.icmp(Icmpv6.ROUTER_ADVERTISEMENT, new byte[12]))); // RA guard
        aIn.add(Ipv6Frames.frame(MAC_B, MAC_A, Ipv6Address.parse("2001:db8::66"), Ipv6Address.parse("2001:db8::b"), 17,
                Ipv6Frames.udp(1, 2)));                                          // forged IPv6 source
        List<byte[]> cIn = List.of(udp(GATEWAY, MAC_C, IP_C, IP_INTERNET, 64, 21)); // tagged 100 on the uplink
        List<byte[]> dIn = List.of(udp(GATEWAY, MAC_B, IP_B, IP_INTERNET, 64, 22)); // a guest port with no VNIC

        PcapFile.write(dir.resolve("uplink-in.pcap"), uplinkIn);
        PcapFile.write(dir.resolve("a-in.pcap"), aIn);
        PcapFile.write(dir.resolve("b-in.pcap"), List.of());
        PcapFile.write(dir.resolve("c-in.pcap"), cIn);
        PcapFile.write(dir.resolve("d-in.pcap"), dIn);
        int lcores = mode == ThreadingMode.SHARED ? 1 : 2;
        var ports = List.of(pcapPort("uplink", 40, lcores), pcapPort("a", 41, lcores), pcapPort("b", 42, lcores), pcapPort("c", 43, lcores),
                pcapPort("d", 44, lcores));
        var a = AttachedVnic.of("A", Ethernet.formatMac(MAC_A), List.of(Ethernet.formatMac(MAC_A2)), List.of("10.0.0.1/24"), 0, "a");
        var vnics = List.of(
                new AttachedVnic(a.config().with(VnicParameter.IPV6_ADDRESSES, "2001:db8::a/64"), "a"),
                AttachedVnic.of("B", Ethernet.formatMac(MAC_B), List.of(), List.of("10.0.0.2/24"), 0, "b"),
                AttachedVnic.of("C", Ethernet.formatMac(MAC_C), List.of(), List.of("10.0.100.3/24"), 100, "c"));
        var base = new RuntimeConfig(EalOptions.virtualDefaults().withFilePrefix("quiver-dpspec-" + ProcessHandle.current().pid()),
                8191, 64, 32, ports);
        List<Integer> cpus = mode == ThreadingMode.SHARED ? List.of(1) : List.of(1, 0);
        datapath = Datapath.start(new DatapathConfig(base, "uplink", DatapathConfig.routes(List.of("198.51.100.0/24")),
                Ethernet.formatMac(GATEWAY), vnics, mode, cpus, 64, 16, ClassifierChoice.AUTO, null));
        long expected = uplinkIn.size() + aIn.size() + cIn.size() + dIn.size();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (received() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(300);
        loopFailures = datapath.runtime().loops().stream().map(l -> String.valueOf(l.failure())).toList();
        datapath.stopLoops();
    }

    private static PortConfig pcapPort(String name, int index, int txQueues) {
        StringBuilder devargs = new StringBuilder("net_pcap" + index + ",rx_pcap=" + dir.resolve(name + "-in.pcap"));
        for (int q = 0; q < txQueues; q++) {
            devargs.append(",tx_pcap=").append(dir.resolve(name + "-out" + q + ".pcap"));
        }
        return PortConfig.of(name, devargs.toString());
    }

    private static long received() {
        return datapath.ports().values().stream().mapToLong(p -> p.rxCounters(0).packets).sum();
    }

    @AfterAll
    static void closeAndRead() throws Exception {
        if (datapath != null) {
            datapath.close();
        }
    }

    static List<byte[]> output(String port) throws Exception {
        List<byte[]> all = new ArrayList<>();
        for (int q = 0; q < 2; q++) {
            Path f = dir.resolve(port + "-out" + q + ".pcap");
            if (Files.exists(f)) {
                all.addAll(PcapFile.read(f));
            }
        }
        return all;
    }

    static void closeDatapath() throws Exception {
        VnicCounters a = datapath.vnic("A").counters();
        snapshot = new long[][] {a.drops(), datapath.vnic("B").counters().drops(), datapath.uplink().rxCounters(0).drops.clone()};
        countersA = new long[] {a.rxPackets, a.txPackets, a.forwarded};
        countersB = new long[] {datapath.vnic("B").counters().rxPackets, datapath.vnic("B").counters().txPackets};
        countersC = new long[] {datapath.vnic("C").counters().rxPackets, datapath.vnic("C").counters().txPackets};
        inUseAfter = datapath.runtime().pool().inUse();
        malformedOnUplink = datapath.uplink().rxTotals().malformed().clone();
        dropsOfD = datapath.port("d").rxCounters(0).drops.clone();
        datapath.close();
        datapath = null;
        uplinkOut = output("uplink");
        aOut = output("a");
        bOut = output("b");
        cOut = output("c");
    }

    static long[][] snapshot;
    static List<String> loopFailures;
    static long[] dropsOfD;
    static long[] countersA;
    static long[] countersB;
    static long[] countersC;
    static int inUseAfter;
    static long[] malformedOnUplink;

    static byte[] find(List<byte[]> frames, Predicate<byte[]> p) {
        return frames.stream().filter(p).findFirst().orElse(null);
    }

    static boolean hasMarker(List<byte[]> frames, int marker) {
        return frames.stream().anyMatch(f -> f.length > 40 && isUdp(f) && marker(f) == marker);
    }

    static boolean isUdp(byte[] f) {
        int l3 = (f[12] & 0xff) == 0x81 ? 18 : 14;
        return ((f[l3 - 2] & 0xff) << 8 | (f[l3 - 1] & 0xff)) == 0x0800 && f[l3 + 9] == 17;
    }

    static boolean isArpFor(byte[] f, int target) {
        return isArp(f) && ByteBuffer.wrap(f).getInt(38) == target;
    }

    static boolean isIpv6(byte[] f) {
        return (f[12] & 0xff) == 0x86 && (f[13] & 0xff) == 0xdd;
    }

    static boolean isArp(byte[] f) {
        return (f[12] & 0xff) == 0x08 && (f[13] & 0xff) == 0x06;
    }

    @Test
    void trafficFromTheUplinkIsSteeredByMacAndIp() {
        assertTrue(hasMarker(aOut, 1), "local traffic reaches A");
        assertTrue(hasMarker(bOut, 2), "A's forwarding ring routes to B");
        byte[] routed = find(bOut, f -> isUdp(f) && marker(f) == 2);
        assertEquals(Ethernet.formatMac(MAC_B), Ethernet.formatMac(Arrays.copyOfRange(routed, 0, 6)));
        assertEquals(Ethernet.formatMac(MAC_A), Ethernet.formatMac(Arrays.copyOfRange(routed, 6, 12)));
        assertEquals(63, routed[22] & 0xff, "TTL decremented");
        assertEquals(0, Checksums.internet(routed, 14, 20), "IPv4 checksum still valid");
        assertEquals(1, snapshot[0][DropReason.NO_ROUTE.ordinal()]);
        assertEquals(1, snapshot[0][DropReason.TTL_EXPIRED.ordinal()]);
        assertEquals(1, countersA[2], "A forwarded exactly one packet");
        assertTrue(bOut.stream().anyMatch(DatapathSpecification::isArp), "the ARP request reaches B, its target's owner");
        assertTrue(aOut.stream().noneMatch(DatapathSpecification::isArp), "... and no one else, A's gratuitous ARP not back to A");
        assertTrue(hasMarker(aOut, 6) && hasMarker(bOut, 6) && !hasMarker(cOut, 6), "broadcast floods VLAN 0 only");
        byte[] stackedToC = find(cOut, f -> isUdp(f) && marker(f) == 30);
        assertTrue(stackedToC != null && (stackedToC[12] & 0xff) == 0x81 && (stackedToC[15] & 0xff) == 7,
                "a Q-in-Q frame in C's VLAN reaches C with its inner tag");
        assertEquals(1, snapshot[2][DropReason.STACKED_VLAN.ordinal()], "a Q-in-Q frame in no VNIC's VLAN is dropped and counted");
        assertEquals(3, snapshot[2][DropReason.UNKNOWN_DESTINATION.ordinal()],
                "unknown MAC, A's MAC in VLAN 100, a broadcast in VLAN 4095");
        assertTrue(hasMarker(aOut, 19), "the frame after the VLAN 4095 broadcast is delivered");
        assertEquals(1, snapshot[2][DropReason.MALFORMED.ordinal()]);
        assertEquals(1, malformedOnUplink[io.quiver.dataplane.packet.MalformedReason.SHORT_FRAME.ordinal()],
                "the port says why: a frame shorter than an Ethernet header");
        byte[] toC = find(cOut, f -> isUdp(f) && marker(f) == 9);
        assertTrue(toC != null && (toC[12] & 0xff) == 0x08, "VLAN tag stripped before delivery to C");
        assertTrue(!hasMarker(aOut, 10), "a VLAN 100 frame never reaches an untagged VNIC");
    }

    @Test
    void guestsCannotSendAsSomeoneElse() {
        assertEquals(1, snapshot[0][DropReason.SPOOFED_SOURCE_MAC.ordinal()]);
        assertEquals(1, snapshot[0][DropReason.SPOOFED_SOURCE_IP.ordinal()]);
        assertEquals(1, snapshot[0][DropReason.SPOOFED_ARP_SENDER.ordinal()]);
        assertEquals(1, snapshot[0][DropReason.TAGGED_FROM_GUEST.ordinal()]);
        assertEquals(1, snapshot[0][DropReason.MALFORMED.ordinal()]);
        assertTrue(!hasMarker(uplinkOut, 13) && !hasMarker(uplinkOut, 14) && !hasMarker(uplinkOut, 17), "no forged frame left");
        assertTrue(hasMarker(uplinkOut, 16), "the registered secondary MAC may send");
    }

    @Test
    void guestTrafficGoesToOtherVnicsThroughTheirRingsAndTheRestToTheUplink() {
        assertTrue(hasMarker(bOut, 11) && !hasMarker(uplinkOut, 11), "A -> B never touches the wire");
        assertTrue(hasMarker(uplinkOut, 12));
        assertTrue(bOut.stream().anyMatch(f -> isArp(f) && (f[0] & 0xff) == 0xff) && uplinkOut.stream().anyMatch(f -> isArp(f)),
                "A's ARP broadcast floods to B and the uplink");
        byte[] fromC = find(uplinkOut, f -> isUdp(f) && marker(f) == 21);
        assertTrue(fromC != null && (fromC[12] & 0xff) == 0x81 && (fromC[15] & 0xff) == 100, "C's frames are tagged with VLAN 100");
        assertEquals(7, countersA[1], "A sent 7 acceptable frames: to B, to the uplink, with its secondary MAC, three ARPs, a DAD probe");
        assertEquals(1, countersC[1]);
    }

    @Test
    void broadcastsFromAGuestReachEveryoneElseAndShortFramesArePadded() {
        assertTrue(bOut.stream().anyMatch(f -> isArpFor(f, IP_A)) && uplinkOut.stream().anyMatch(f -> isArpFor(f, IP_A)),
                "A's gratuitous ARP reaches B and the uplink");
        byte[] shortArp = find(uplinkOut, f -> isArpFor(f, IP_ARP_SHORT));
        assertTrue(shortArp != null && shortArp.length == 60, "a 42-byte ARP leaves padded to 60: " + (shortArp == null ? -1 : shortArp.length));
        assertTrue(bOut.stream().allMatch(f -> f.length >= 60) && uplinkOut.stream().allMatch(f -> f.length >= 60), "nothing leaves short");
        assertTrue(bOut.stream().anyMatch(DatapathSpecification::isIpv6) && uplinkOut.stream().anyMatch(DatapathSpecification::isIpv6),
                "A's duplicate address detection floods to B and the uplink");
        assertTrue(aOut.stream().noneMatch(DatapathSpecification::isIpv6), "never back to A");
    }

    @Test
    void ipv6IsFilteredLikeIpv4() {
        assertEquals(1, snapshot[0][DropReason.RA_GUARD.ordinal()], "A is no router: its router advertisement is dropped");
        assertEquals(1, snapshot[0][DropReason.SPOOFED_SOURCE_IPV6.ordinal()], "a forged IPv6 source is dropped");
        assertEquals(1, bOut.stream().filter(DatapathSpecification::isIpv6).count(), "only the DAD probe reached B");
    }

    @Test
    void hostileFramesAreCountedDropsNeverAStoppedLoop() {
        assertTrue(loopFailures.stream().allMatch("null"::equals), "every lcore still running: " + loopFailures);
        assertEquals(1, dropsOfD[DropReason.SPOOFED_SOURCE_MAC.ordinal()], "a guest port without VNICs sends as no one");
        assertTrue(!hasMarker(uplinkOut, 22) && !hasMarker(bOut, 22));
    }

    @Test
    void countersAgreeWithTheOutputsAndNoMbufLeaks() {
        assertEquals(countersA[0], aOut.size(), "A's rx counter = frames out of A's port");
        assertEquals(countersB[0], bOut.size());
        assertEquals(countersC[0], cOut.size());
        assertEquals(0, inUseAfter, "every mbuf is back in the pool");
    }
}
