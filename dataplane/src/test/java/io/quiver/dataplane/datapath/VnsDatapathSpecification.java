package io.quiver.dataplane.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.model.VnsConfig;
import io.quiver.configstore.model.VnsRoute;
import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.classify.ClassifierChoice;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.packet.ArpFrameBuilder;
import io.quiver.dataplane.packet.Checksums;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dataplane.vnic.AttachedVnic;
import io.quiver.dataplane.vns.VnsCounters;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * What a VNS's router does with each kind of packet, on real (pcap) ports: two tenants with the same subnets, routed
 * apart; ICMP errors and echo from the router; options and fragments forwarded untouched past L3; the uplink reached
 * through a static neighbour and a held one; every mbuf back in the pool. Run by a shared and a dedicated subclass.
 */
abstract class VnsDatapathSpecification {
    static final byte[] A1 = Ethernet.parseMac("02:00:00:00:0a:01");
    static final byte[] A2 = Ethernet.parseMac("02:00:00:00:0a:02");
    static final byte[] B1 = Ethernet.parseMac("02:00:00:00:0b:01");
    static final byte[] B2 = Ethernet.parseMac("02:00:00:00:0b:02");
    static final byte[] OUTSIDE = Ethernet.parseMac("02:00:00:00:ff:fe");
    static final VnsConfig VNS_A = VnsConfig.create("a").with("addresses", "10.0.0.1/24,10.0.1.1/24")
            .with("uplink-address", "192.0.2.10/24").with("static-neighbours", "192.0.2.1=02:00:00:00:ff:fe");
    static final VnsConfig VNS_B = VnsConfig.create("b").with("addresses", "10.0.0.1/24,10.0.1.1/24");
    static final byte[] ROUTER_A = mac(VNS_A);
    static final byte[] ROUTER_B = mac(VNS_B);

    static Path dir;
    static List<byte[]> a1Out;
    static List<byte[]> a2Out;
    static List<byte[]> b2Out;
    static List<byte[]> uplinkOut;
    static VnsCounters countersA;
    static long[] dropsA1;
    static int inUseAfter;
    static long heldA;

    static byte[] mac(VnsConfig v) {
        return Ethernet.longToMac(Ethernet.wireOrder(v.routerMac()));
    }

    static int ip(String s) {
        return UdpFrameBuilder.parseIpv4(s);
    }

    /** An IPv4 frame: {@code options} bytes of NOPs after the header, {@code flags} the 16-bit flags/offset word. */
    static byte[] ipv4(byte[] dst, byte[] src, String from, String to, int ttl, int protocol, int flags, int options, byte[] payload) {
        int ihl = 20 + options;
        ByteBuffer b = ByteBuffer.allocate(14 + ihl + payload.length);
        b.put(dst).put(src).putShort((short) 0x0800);
        b.put((byte) (0x40 | ihl / 4)).put((byte) 0).putShort((short) (ihl + payload.length)).putShort((short) 7)
                .putShort((short) flags).put((byte) ttl).put((byte) protocol).putShort((short) 0).putInt(ip(from)).putInt(ip(to));
        for (int k = 0; k < options; k++) {
            b.put((byte) 1);
        }
        b.put(payload);
        byte[] f = b.array();
        int sum = Checksums.internet(f, 14, ihl);
        f[24] = (byte) (sum >> 8);
        f[25] = (byte) sum;
        return f;
    }

    static byte[] udp(byte[] dst, byte[] src, String from, String to, int ttl, int marker, int size, boolean df) {
        byte[] payload = new byte[Math.max(12, size)];
        ByteBuffer.wrap(payload).putShort((short) 40000).putShort((short) (7000 + marker)).putShort((short) payload.length);
        payload[8] = (byte) marker;
        return ipv4(dst, src, from, to, ttl, 17, df ? 0x4000 : 0, 0, payload);
    }

    static byte[] echo(byte[] dst, byte[] src, String from, String to) {
        byte[] icmp = {8, 0, 0, 0, 0, 1, 0, 1, 'q', 'v'};
        int sum = Checksums.internet(icmp, 0, icmp.length);
        icmp[2] = (byte) (sum >> 8);
        icmp[3] = (byte) sum;
        return ipv4(dst, src, from, to, 64, 1, 0, 0, icmp);
    }

    static int marker(byte[] f) {
        int ihl = (f[14] & 0x0f) * 4;
        return f[23] == 17 ? f[14 + ihl + 8] : -1;
    }

    static byte[] find(List<byte[]> frames, Predicate<byte[]> p) {
        return frames.stream().filter(p).findFirst().orElse(null);
    }

    static boolean isIcmp(byte[] f, int type) {
        int ihl = (f[14] & 0x0f) * 4;
        return (f[12] & 0xff) == 0x08 && f[13] == 0 && f[23] == 1 && (f[14 + ihl] & 0xff) == type;
    }

    static String mac(byte[] f, int at) {
        return Ethernet.formatMac(Arrays.copyOfRange(f, at, at + 6));
    }

    static String ipAt(byte[] f, int at) {
        return UdpFrameBuilder.formatIpv4(ByteBuffer.wrap(f).getInt(at));
    }

    static void run(ThreadingMode mode, Path tmp) throws Exception {
        dir = tmp;
        List<byte[]> a1In = new ArrayList<>();
        a1In.add(udp(ROUTER_A, A1, "10.0.0.2", "10.0.1.2", 64, 1, 12, false));         // routed to a2
        a1In.add(ipv4(ROUTER_A, A1, "10.0.0.2", "10.0.1.2", 64, 17, 0, 8,
                udpPayload(2)));                                                        // IHL 7 (options): forwarded
        a1In.add(ipv4(ROUTER_A, A1, "10.0.0.2", "10.0.1.2", 64, 17, 0x2000, 0, udpPayload(3))); // a first fragment
        a1In.add(udp(ROUTER_A, A1, "10.0.0.2", "10.0.1.2", 1, 5, 12, false));          // TTL expires: time exceeded
        a1In.add(udp(ROUTER_A, A1, "10.0.0.2", "172.16.0.9", 64, 6, 12, false));       // no route: net unreachable
        a1In.add(udp(ROUTER_A, A1, "10.0.0.2", "10.0.1.2", 64, 7, 1450, true));        // DF, over a2's 1400: frag needed
        a1In.add(udp(ROUTER_A, A1, "10.0.0.2", "10.0.1.2", 64, 8, 1450, false));       // no DF: dropped (no fragmenting)
        a1In.add(echo(ROUTER_A, A1, "10.0.0.2", "10.0.0.1"));                           // echo to the gateway
        a1In.add(ArpFrameBuilder.request(A1, ip("10.0.0.2"), ip("10.0.0.1")));          // who has the gateway?
        a1In.add(ipv4(ROUTER_A, A1, "10.0.0.2", "172.16.0.9", 64, 1, 0, 0, new byte[] {3, 1, 0, 0, 0, 0, 0, 0})); // an ICMP error: no error about it
        a1In.add(udp(ROUTER_A, A1, "10.0.0.2", "198.51.100.7", 64, 9, 12, false));     // out through the static neighbour
        a1In.add(udp(ROUTER_A, A1, "10.0.0.2", "203.0.113.5", 64, 10, 12, false));     // via 192.0.2.99: probed, held
        a1In.add(Arrays.copyOf(udp(ROUTER_A, A1, "10.0.0.2", "10.0.1.2", 64, 11, 12, false), 30)); // truncated: malformed
        a1In.add(udp(A2, A1, "10.0.0.2", "10.0.1.2", 64, 12, 12, false));              // to a2's MAC directly: a2's forwarding ring
        a1In.add(udp(B2, A1, "10.0.0.2", "10.0.1.2", 64, 13, 12, false));              // to b2's MAC: another VNS, not switched
        a1In.add(udp(ROUTER_A, A1, "10.0.0.2", "10.9.1.1", 64, 14, 12, false));        // 10.9.0.0/16 dev a2: to a2
        List<byte[]> b1In = List.of(udp(ROUTER_B, B1, "10.0.0.2", "10.0.1.2", 64, 4, 12, false)); // routed in b, to b2
        List<byte[]> uplinkIn = List.of(
                udp(ROUTER_A, OUTSIDE, "198.51.100.7", "10.0.0.2", 64, 20, 12, false), // the outside to a1, through VNS a's ring
                ArpFrameBuilder.request(OUTSIDE, ip("192.0.2.1"), ip("192.0.2.10")));  // who has the router's uplink address?
        PcapFile.write(dir.resolve("a1-in.pcap"), a1In);
        PcapFile.write(dir.resolve("b1-in.pcap"), b1In);
        PcapFile.write(dir.resolve("uplink-in.pcap"), uplinkIn);
        // a2 routes for 10.9.0.0/16: a host behind it, whose TTL runs out at Quiver, gets the error back through a2
        List<byte[]> a2In = List.of(udp(ROUTER_A, A2, "10.9.1.1", "10.0.0.2", 1, 15, 12, false));
        PcapFile.write(dir.resolve("a2-in.pcap"), a2In);
        for (String empty : List.of("b2")) {
            PcapFile.write(dir.resolve(empty + "-in.pcap"), List.of());
        }
        int lcores = mode == ThreadingMode.SHARED ? 1 : 2;
        List<PortConfig> ports = new ArrayList<>();
        int n = 50;
        for (String p : List.of("uplink", "a1", "a2", "b1", "b2")) {
            StringBuilder devargs = new StringBuilder("net_pcap" + n++ + ",rx_pcap=" + dir.resolve(p + "-in.pcap"));
            for (int q = 0; q < lcores; q++) {
                devargs.append(",tx_pcap=").append(dir.resolve(p + "-out" + q + ".pcap"));
            }
            ports.add(PortConfig.of(p, devargs.toString()));
        }
        AttachedVnic a2 = vnic("a2", A2, "10.0.1.2/24", "a", 1400);
        a2 = new AttachedVnic(a2.config().with("protection", "mac-nospoof").with("router", "yes"), "a2"); // a guest router
        List<AttachedVnic> vnics = List.of(vnic("a1", A1, "10.0.0.2/24", "a", 1500), a2,
                vnic("b1", B1, "10.0.0.2/24", "b", 1500), vnic("b2", B2, "10.0.1.2/24", "b", 1500));
        var base = new RuntimeConfig(EalOptions.virtualDefaults().withFilePrefix("quiver-vnsspec-" + ProcessHandle.current().pid()),
                8191, 64, 32, ports);
        List<Integer> cpus = mode == ThreadingMode.SHARED ? List.of(1) : List.of(1, 0);
        List<VnsRoute> routes = List.of(VnsRoute.parse("a", "198.51.100.0/24 via 192.0.2.1"), VnsRoute.parse("a", "203.0.113.0/24 via 192.0.2.99"),
                VnsRoute.parse("a", "10.9.0.0/16 dev a2"));
        Datapath datapath = Datapath.start(new DatapathConfig(base, "uplink", List.of(), null, vnics, mode, cpus, 64, 16,
                ClassifierChoice.AUTO, null, List.of(VNS_A, VNS_B), routes));
        try {
            long expected = a1In.size() + a2In.size() + b1In.size() + uplinkIn.size();
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (received(datapath) < expected && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(300);
            datapath.stopLoops();
            countersA = datapath.vnsCounters("a");
            heldA = datapath.neighbours("a").held;
            dropsA1 = datapath.vnic("a1").counters().drops();
            inUseAfter = datapath.runtime().pool().inUse();
        } finally {
            datapath.close(); // frees what the neighbour table still holds
        }
        a1Out = output("a1", lcores);
        a2Out = output("a2", lcores);
        b2Out = output("b2", lcores);
        uplinkOut = output("uplink", lcores);
    }

    private static byte[] udpPayload(int marker) {
        byte[] p = new byte[12];
        ByteBuffer.wrap(p).putShort((short) 40000).putShort((short) (7000 + marker)).putShort((short) 12);
        p[8] = (byte) marker;
        return p;
    }

    private static AttachedVnic vnic(String name, byte[] mac, String ip, String vns, int mtu) {
        AttachedVnic v = AttachedVnic.of(name, Ethernet.formatMac(mac), List.of(), List.of(ip), 0, name);
        return new AttachedVnic(v.config().with("vns", vns).with("mtu", Integer.toString(mtu)), name);
    }

    private static long received(Datapath dp) {
        return dp.ports().values().stream().mapToLong(p -> p.rxCounters(0).packets).sum();
    }

    private static List<byte[]> output(String port, int queues) throws Exception {
        List<byte[]> all = new ArrayList<>();
        for (int q = 0; q < queues; q++) {
            Path f = dir.resolve(port + "-out" + q + ".pcap");
            if (Files.exists(f)) {
                all.addAll(PcapFile.read(f));
            }
        }
        return all;
    }

    @Test
    void eachTenantRoutesWithinItselfOnly() {
        byte[] routed = find(a2Out, f -> marker(f) == 1);
        assertNotNull(routed, "a1 -> a2 through VNS a's router");
        assertEquals(Ethernet.formatMac(A2), mac(routed, 0));
        assertEquals(Ethernet.formatMac(ROUTER_A), mac(routed, 6), "from the router's MAC");
        assertEquals(63, routed[22] & 0xff, "TTL decremented");
        assertEquals(0, Checksums.internet(routed, 14, 20), "header checksum still right");
        assertNotNull(find(b2Out, f -> marker(f) == 4), "b1 -> b2 through VNS b: the same addresses, the other tenant");
        assertNull(find(b2Out, f -> marker(f) == 1), "tenant a's packet never reaches tenant b");
        assertNull(find(a2Out, f -> marker(f) == 4), "nor b's a");
        assertNull(find(b2Out, f -> marker(f) == 13), "a1 cannot reach b2 even by its MAC");
        assertNull(find(uplinkOut, f -> marker(f) == 13), "... nor is the frame sent out to look for it");
        assertTrue(dropsA1[DropReason.UNKNOWN_DESTINATION.ordinal()] >= 1);
        assertNotNull(find(a2Out, f -> marker(f) == 12), "to a2's MAC with a2's address: switched");
    }

    @Test
    void aDevRouteLeadsToItsVnicAndErrorsGoBackThroughIt() {
        byte[] viaA2 = find(a2Out, f -> marker(f) == 14);
        assertNotNull(viaA2, "10.9.1.1 through the dev route to a2");
        assertEquals(Ethernet.formatMac(A2), mac(viaA2, 0));
        byte[] expired = find(a2Out, f -> isIcmp(f, 11));
        assertNotNull(expired, "the host behind a2 gets its time-exceeded through a2");
        assertEquals("10.9.1.1", ipAt(expired, 30));
        assertEquals("10.0.1.1", ipAt(expired, 26), "from the router's address on a2's subnet");
        assertNull(find(uplinkOut, f -> isIcmp(f, 11)), "nothing of it leaks to the uplink");
    }

    @Test
    void optionsAndFragmentsAreForwardedNotParsedPastL3() {
        byte[] options = find(a2Out, f -> marker(f) == 2);
        assertNotNull(options, "a header with options goes on");
        assertEquals(0x47, options[14] & 0xff, "options kept");
        assertNotNull(find(a2Out, f -> marker(f) == 3), "a fragment goes on");
        assertTrue(dropsA1[DropReason.MALFORMED.ordinal()] >= 1, "a truncated header is counted malformed");
    }

    @Test
    void theRouterSendsTheIcmpErrorsItOwes() {
        byte[] expired = find(a1Out, f -> isIcmp(f, 11));
        assertNotNull(expired, "time exceeded");
        assertEquals("10.0.0.1", ipAt(expired, 26), "from the gateway of the sender's subnet");
        assertEquals("10.0.0.2", ipAt(expired, 30));
        assertEquals(Ethernet.formatMac(A1), mac(expired, 0));
        assertEquals(0, Checksums.internet(expired, 14, 20));
        assertEquals(0, Checksums.internet(expired, 34, expired.length - 34), "ICMP checksum right");
        byte[] unreachable = find(a1Out, f -> isIcmp(f, 3) && f[35] == 0);
        assertNotNull(unreachable, "net unreachable");
        byte[] tooBig = find(a1Out, f -> isIcmp(f, 3) && f[35] == 4);
        assertNotNull(tooBig, "fragmentation needed");
        assertEquals(1400, ByteBuffer.wrap(tooBig).getShort(40) & 0xffff, "with the next hop's MTU");
        assertNull(find(a2Out, f -> marker(f) == 7 || marker(f) == 8), "nothing over a2's MTU reaches it");
        assertEquals(3, a1Out.stream().filter(f -> isIcmp(f, 3) || isIcmp(f, 11)).count(), "no error about an ICMP error");
        assertEquals(2, countersA.noRoute, "the UDP packet and the ICMP error");
        assertEquals(2, countersA.tooBig);
        assertEquals(2, countersA.ttlExceeded, "a1's and the one from behind a2");
    }

    @Test
    void theRouterAnswersArpAndEchoAtItsAddresses() {
        byte[] reply = find(a1Out, f -> isIcmp(f, 0));
        assertNotNull(reply, "echo reply");
        assertEquals("10.0.0.1", ipAt(reply, 26));
        assertEquals(0, Checksums.internet(reply, 34, reply.length - 34));
        byte[] arp = find(a1Out, f -> (f[12] & 0xff) == 0x08 && f[13] == 6 && f[21] == 2);
        assertNotNull(arp, "ARP reply for the gateway");
        assertEquals(Ethernet.formatMac(ROUTER_A), mac(arp, 22), "10.0.0.1 is at the router's MAC");
        byte[] uplinkArp = find(uplinkOut, f -> (f[12] & 0xff) == 0x08 && f[13] == 6 && f[21] == 2);
        assertNotNull(uplinkArp, "the uplink's ARP for 192.0.2.10 is answered");
        assertEquals("192.0.2.10", ipAt(uplinkArp, 28));
    }

    @Test
    void theUplinkIsReachedThroughNeighbours() {
        byte[] out = find(uplinkOut, f -> marker(f) == 9);
        assertNotNull(out, "to 198.51.100.7 via the static neighbour");
        assertEquals(Ethernet.formatMac(OUTSIDE), mac(out, 0));
        assertEquals(Ethernet.formatMac(ROUTER_A), mac(out, 6));
        assertNull(find(uplinkOut, f -> marker(f) == 10), "held: 192.0.2.99 has not answered");
        byte[] probe = find(uplinkOut, f -> (f[12] & 0xff) == 0x08 && f[13] == 6 && f[21] == 1);
        assertNotNull(probe, "a broadcast probe for 192.0.2.99");
        assertEquals("ff:ff:ff:ff:ff:ff", mac(probe, 0));
        assertEquals("192.0.2.99", ipAt(probe, 38));
        assertEquals(1, heldA);
        assertNotNull(find(a1Out, f -> marker(f) == 20), "the outside reaches a1 through VNS a's ring");
    }

    @Test
    void everyMbufIsBackInThePoolButTheHeldOne() {
        assertEquals(heldA, inUseAfter, "dropped, answered and routed mbufs all returned; the held one waits for its neighbour");
    }
}
