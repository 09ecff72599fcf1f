package io.quiver.dataplane.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.quiver.configstore.model.VnicParameter;
import io.quiver.configstore.model.VnsConfig;
import io.quiver.configstore.model.VnsRoute;
import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.classify.ClassifierChoice;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dpdk.Mbufs;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dataplane.vnic.AttachedVnic;
import io.quiver.dataplane.runtime.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Any frame, from the uplink or from a guest (docs/testing.md, "Fuzzing"): it is copied into a real mbuf from the
 * datapath's real mempool and steered by the lcore's own code (parse, classify, anti-spoof, ring, route) through
 * {@link Datapath#trace}. It reaches exactly one verdict (delivered, out a port, to the service, or dropped with a
 * reason the datapath counts), nothing throws, every mbuf goes back to the pool, and no live counter moves. The
 * seed corpus holds frames of every kind the datapath knows: UDP, TCP, ARP, IPv6 with ND, VLAN-tagged, LACP, DHCP.
 * The first byte of an input picks the port it arrives on.
 */
class FramePathFuzzTest {
    static final List<String> PORTS = List.of("uplink", "a", "b", "c", "x");
    static final Set<String> DROP_LABELS = Arrays.stream(DropReason.values()).map(DropReason::label).collect(Collectors.toSet());
    static Path dir;
    static Datapath datapath;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("quiver-frame-fuzz");
        List<PortConfig> ports = new ArrayList<>();
        int n = 70;
        for (String p : PORTS) {
            PcapFile.write(dir.resolve(p + "-in.pcap"), List.of());
            ports.add(PortConfig.of(p, "net_pcap" + n++ + ",rx_pcap=" + dir.resolve(p + "-in.pcap") + ",tx_pcap=" + dir.resolve(p + "-out.pcap")));
        }
        var a = AttachedVnic.of("A", "02:00:00:00:00:0a", List.of("02:00:00:00:01:0a"), List.of("10.0.0.1/24"), 0, "a");
        var b = AttachedVnic.of("B", "02:00:00:00:00:0b", List.of(), List.of("10.0.0.2/24"), 0, "b");
        var c = AttachedVnic.of("C", "02:00:00:00:00:0c", List.of(), List.of("10.0.100.3/24"), 100, "c");
        var x = AttachedVnic.of("X", "02:00:00:00:00:0e", List.of(), List.of("10.60.0.2/24"), 0, "x");
        var vnics = List.of(new AttachedVnic(a.config().with(VnicParameter.IPV6_ADDRESSES, "2001:db8::a/64"), "a"),
                new AttachedVnic(b.config().with("mtu", "1400"), "b"),
                new AttachedVnic(c.config().with("protection", "mac-nospoof,ip-nospoof,dhcp-nospoof,restricted"), "c"),
                new AttachedVnic(x.config().with("vns", "x"), "x"));
        var vnses = List.of(VnsConfig.create("x").with("addresses", "10.60.0.1/24").with("uplink-address", "192.0.2.10/24")
                .with("static-neighbours", "192.0.2.1=02:00:00:00:ff:fe"));
        var routes = List.of(VnsRoute.parse("x", "203.0.113.0/24 via 192.0.2.1"));
        var base = new RuntimeConfig(EalOptions.virtualDefaults().withFilePrefix("quiver-frame-fuzz-" + ProcessHandle.current().pid()),
                8191, 64, 32, ports);
        datapath = Datapath.start(new DatapathConfig(base, "uplink", DatapathConfig.routes(List.of("198.51.100.0/24")),
                "02:00:00:00:ff:fe", vnics, ThreadingMode.SHARED, List.of(1), 64, 16, ClassifierChoice.AUTO, null, vnses, routes));
    }

    @AfterAll
    static void stop() throws Exception {
        if (datapath != null) {
            datapath.close();
        }
        FileTrees.delete(dir);
    }

    @FuzzTest(maxDuration = "30s")
    void everyFrameReachesOneVerdictAndLeavesNoMbuf(byte[] input) {
        if (input.length < 1) {
            return;
        }
        String port = PORTS.get((input[0] & 0xff) % PORTS.size());
        byte[] frame = Arrays.copyOfRange(input, 1, input.length);
        if (frame.length < 1 || frame.length > datapath.runtime().config().mbufDataRoom() - Mbufs.HEADROOM) {
            assertThrows(IllegalArgumentException.class, () -> datapath.trace(port, frame), "no port receives it");
            return;
        }
        int inUse = datapath.runtime().pool().inUse();
        long[] live = PacketTraceTest.liveCounts(datapath);
        PacketTrace.Result r = datapath.trace(port, frame);
        assertNotNull(r.verdict(), r.toString());
        assertEquals(inUse, datapath.runtime().pool().inUse(), "every mbuf went back: " + r);
        assertArrayEquals(live, PacketTraceTest.liveCounts(datapath), "no live counter moved: " + r);
        if (r.dropped() != null) {
            assertTrue(DROP_LABELS.contains(r.dropped()), "a drop is one the datapath counts: " + r);
            assertNull(r.frameOut(), r.toString());
        }
    }
}
