package io.quiver.dataplane.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.classify.ClassifierChoice;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dataplane.vnic.AttachedVnic;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a trace answers from the live state rather than from the frame: a guest sending without pause far above its
 * bandwidth-limit keeps its policer empty, so a traced frame of its finds no tokens (over-limit), while a VNIC
 * without a limit passes the same frame.
 */
class PacketTraceUnderLoadTest {
    static final byte[] MAC_A = Ethernet.parseMac("02:00:00:00:00:0a");
    static final byte[] MAC_B = Ethernet.parseMac("02:00:00:00:00:0b");
    static final byte[] GATEWAY = Ethernet.parseMac("02:00:00:00:ff:fe");

    @TempDir
    Path dir;

    static byte[] full(byte[] src, String ip) {
        return new UdpFrameBuilder().destinationMac(GATEWAY).sourceMac(src).sourceIp(UdpFrameBuilder.parseIpv4(ip))
                .destinationIp(UdpFrameBuilder.parseIpv4("198.51.100.7")).ports(1, 2).payload(new byte[1472]).build();
    }

    @Test
    void aGuestFarOverItsLimitHasNoTokensForATracedFrame() throws Exception {
        PcapFile.write(dir.resolve("a-in.pcap"), Collections.nCopies(64, full(MAC_A, "10.0.0.1")));
        PcapFile.write(dir.resolve("empty.pcap"), List.of());
        var ports = List.of(
                PortConfig.of("uplink", "net_pcap80,rx_pcap=" + dir.resolve("empty.pcap") + ",tx_pcap=/dev/null"),
                PortConfig.of("a", "net_pcap81,rx_pcap=" + dir.resolve("a-in.pcap") + ",infinite_rx=1,tx_pcap=/dev/null"),
                PortConfig.of("b", "net_pcap82,rx_pcap=" + dir.resolve("empty.pcap") + ",tx_pcap=/dev/null"));
        var a = AttachedVnic.of("A", Ethernet.formatMac(MAC_A), List.of(), List.of("10.0.0.1/24"), 0, "a");
        var b = AttachedVnic.of("B", Ethernet.formatMac(MAC_B), List.of(), List.of("10.0.0.2/24"), 0, "b");
        var base = new RuntimeConfig(EalOptions.virtualDefaults().withFilePrefix("quiver-trace-load-" + ProcessHandle.current().pid()),
                8191, 64, 32, ports);
        try (Datapath datapath = Datapath.start(new DatapathConfig(base, "uplink", List.of(), null,
                List.of(new AttachedVnic(a.config().with("bandwidth-limit", "1M"), "a"), b), ThreadingMode.SHARED, List.of(1), 64, 16,
                ClassifierChoice.AUTO, null))) {
            AggregationFixture.await(() -> datapath.vnic("A").counters().drops(DropReason.OVER_LIMIT) > 100_000, 20_000);
            assertTrue(datapath.vnic("A").counters().drops(DropReason.OVER_LIMIT) > 100_000, "A sends far over its 1 Mbit/s");
            // the lcore takes each token as it comes: the bucket holds a full frame's only for moments (longer when
            // the lcore is held off its CPU), so a trace may land in one; one of ten is enough to show the live bucket
            PacketTrace.Result policed = null;
            for (int k = 0; k < 10 && (policed == null || policed.dropped() == null); k++) {
                policed = datapath.trace("a", full(MAC_A, "10.0.0.1"));
                Thread.sleep(20);
            }
            assertEquals(DropReason.OVER_LIMIT.label(), policed.dropped(), policed.toString());
            assertTrue(policed.verdict().contains("VNIC A"), policed.verdict());
            assertTrue(policed.stages().stream().anyMatch(st -> st.decision().contains("bandwidth-limit's tokens are spent now")),
                    policed.toString());
            PacketTrace.Result free = datapath.trace("b", full(MAC_B, "10.0.0.2"));
            assertEquals("out port uplink", free.verdict(), free.toString());
        }
    }
}
