package io.quiver.dataplane.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.model.VnicParameter;
import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.classify.ClassifierChoice;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dataplane.vnic.AttachedVnic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MTU enforcement and jumbo frames through real pcap ports, with mbufs of the standard 2 KiB data room: a 9000-byte
 * frame arrives as a chain of mbufs and is parsed, checked, delivered and sent like any other. 1500, 1501, 9000 and
 * 9001-byte IP packets, each to and from a VNIC of MTU 9000 (A) and of MTU 1500 (B).
 */
class JumboFramesTest {
    static final byte[] MAC_A = Ethernet.parseMac("02:00:00:00:00:0a");
    static final byte[] MAC_B = Ethernet.parseMac("02:00:00:00:00:0b");
    static final byte[] GATEWAY = Ethernet.parseMac("02:00:00:00:ff:fe");
    static final int IP_A = UdpFrameBuilder.parseIpv4("10.0.0.1");
    static final int IP_B = UdpFrameBuilder.parseIpv4("10.0.0.2");
    static final int IP_HOST = UdpFrameBuilder.parseIpv4("10.0.0.254");

    @TempDir
    static Path dir;
    static Datapath datapath;
    static long[] dropsA;
    static long[] dropsB;
    static int inUseAfter;
    static List<byte[]> aOut;
    static List<byte[]> bOut;
    static List<byte[]> uplinkOut;

    /** A UDP frame whose IP packet is {@code ipLength} bytes, marked in its source port. */
    static byte[] udp(byte[] dst, byte[] src, int sip, int dip, int ipLength) {
        return new UdpFrameBuilder().destinationMac(dst).sourceMac(src).sourceIp(sip).destinationIp(dip).ports(ipLength, 9)
                .payload(new byte[ipLength - 28]).build();
    }

    @BeforeAll
    static void run() throws Exception {
        List<byte[]> uplinkIn = new ArrayList<>();
        List<byte[]> aIn = new ArrayList<>();
        for (int ip : new int[] {1500, 1501, 9000, 9001}) {
            uplinkIn.add(udp(MAC_A, GATEWAY, IP_HOST, IP_A, ip));
            uplinkIn.add(udp(MAC_B, GATEWAY, IP_HOST, IP_B, ip));
            aIn.add(udp(GATEWAY, MAC_A, IP_A, IP_HOST, ip));
        }
        PcapFile.write(dir.resolve("uplink-in.pcap"), uplinkIn);
        PcapFile.write(dir.resolve("a-in.pcap"), aIn);
        PcapFile.write(dir.resolve("b-in.pcap"), List.of());
        List<PortConfig> ports = new ArrayList<>();
        int index = 60;
        for (String name : List.of("uplink", "a", "b")) {
            ports.add(PortConfig.of(name, "net_pcap" + index++ + ",rx_pcap=" + dir.resolve(name + "-in.pcap") + ",tx_pcap="
                    + dir.resolve(name + "-out.pcap")).withMtu(9000));
        }
        var a = AttachedVnic.of("A", Ethernet.formatMac(MAC_A), List.of(), List.of("10.0.0.1/24"), 0, "a");
        var vnics = List.of(new AttachedVnic(a.config().with(VnicParameter.MTU, "9000"), "a"),
                AttachedVnic.of("B", Ethernet.formatMac(MAC_B), List.of(), List.of("10.0.0.2/24"), 0, "b"));
        // the standard data room: frames over 2048 bytes arrive chained
        var runtime = new RuntimeConfig(EalOptions.virtualDefaults().withFilePrefix("quiver-jumbo-" + ProcessHandle.current().pid()),
                8191, 64, 32, ports, RuntimeConfig.STANDARD_DATA_ROOM);
        datapath = Datapath.start(new DatapathConfig(runtime, "uplink", List.of(), null, vnics, ThreadingMode.SHARED, List.of(1), 64, 16,
                ClassifierChoice.SOFTWARE, null));
        long expected = uplinkIn.size() + aIn.size();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (datapath.ports().values().stream().mapToLong(p -> p.rxCounters(0).packets).sum() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(300);
        datapath.stopLoops();
        dropsA = datapath.vnic("A").counters().drops();
        dropsB = datapath.vnic("B").counters().drops();
        assertEquals(0, datapath.port("uplink").rxTotals().drops(DropReason.MALFORMED), "chained frames parse");
        inUseAfter = datapath.runtime().pool().inUse();
        datapath.close();
        datapath = null;
        aOut = PcapFile.read(dir.resolve("a-out.pcap"));
        bOut = PcapFile.read(dir.resolve("b-out.pcap"));
        uplinkOut = PcapFile.read(dir.resolve("uplink-out.pcap"));
    }

    @AfterAll
    static void close() {
        if (datapath != null) {
            datapath.close();
        }
    }

    static List<Integer> ipLengths(List<byte[]> frames) {
        return frames.stream().map(f -> f.length - 14).toList();
    }

    @Test
    void aVnicReceivesUpToItsMtuWholeAndNothingLarger() {
        assertEquals(List.of(1500, 1501, 9000), ipLengths(aOut), "A, MTU 9000");
        assertEquals(List.of(1500), ipLengths(bOut), "B, MTU 1500");
        assertEquals(1, dropsA[DropReason.MTU_EXCEEDED.ordinal()] - 1, "one to A was too large (and one from A, below)");
        assertEquals(3, dropsB[DropReason.MTU_EXCEEDED.ordinal()]);
        byte[] jumbo = aOut.get(2);
        assertEquals(9000 - 28, jumbo.length - 42, "the 9000-byte packet arrives whole");
    }

    @Test
    void aGuestSendsUpToItsMtu() {
        assertEquals(List.of(1500, 1501, 9000), ipLengths(uplinkOut), "A's 9001-byte packet was dropped at egress");
        assertTrue(Files.exists(dir.resolve("uplink-out.pcap")));
        assertEquals(0, inUseAfter, "chains go back to the pool whole");
    }
}
