package io.quiver.dataplane.datapath;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.classify.ClassifierChoice;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dataplane.vnic.AttachedVnic;
import io.quiver.dpdk.Mbufs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packet pool runs dry under traffic (docs/testing.md, "Fault injection"): something holds every mbuf it can get,
 * as a guest that stops returning buffers does. Next to nothing is received, nothing crashes and the lcore keeps
 * polling, and once the mbufs come back the traffic flows again by itself. Real DPDK ports (a replaying pcap uplink),
 * a real pool of 4,095 mbufs. The count of receives that found no mbuf is the driver's (rx_nombuf, which show-port
 * shows as NO MBUF); pcap's replay, like DPDK's other software drivers here, does not keep it, so it is not checked.
 */
class MempoolExhaustionTest {
    static final byte[] MAC_A = Ethernet.parseMac("02:00:00:00:00:0a");
    static final byte[] GATEWAY = Ethernet.parseMac("02:00:00:00:ff:fe");

    @TempDir
    Path dir;

    @Test
    void receivesFindNoMbufAreCountedAndTrafficComesBackWithTheMbufs() throws Exception {
        List<byte[]> in = new ArrayList<>();
        for (int k = 0; k < 256; k++) {
            in.add(new UdpFrameBuilder().destinationMac(MAC_A).sourceMac(GATEWAY).sourceIp(UdpFrameBuilder.parseIpv4("10.0.0.254"))
                    .destinationIp(UdpFrameBuilder.parseIpv4("10.0.0.1")).ports(1000 + k, 7).build());
        }
        PcapFile.write(dir.resolve("in.pcap"), in);
        PcapFile.write(dir.resolve("none.pcap"), List.of());
        var ports = List.of(
                PortConfig.of("uplink", "net_pcap90,rx_pcap=" + dir.resolve("in.pcap") + ",infinite_rx=1,tx_pcap=/dev/null"),
                PortConfig.of("a", "net_pcap91,rx_pcap=" + dir.resolve("none.pcap") + ",tx_pcap=/dev/null"));
        var vnics = List.of(AttachedVnic.of("A", Ethernet.formatMac(MAC_A), List.of(), List.of("10.0.0.1/24"), 0, "a"));
        var runtime = new RuntimeConfig(EalOptions.virtualDefaults().withFilePrefix("quiver-nombuf-" + ProcessHandle.current().pid()),
                4095, 0, 32, ports);
        try (Datapath dp = Datapath.start(new DatapathConfig(runtime, "uplink", List.of(), null, vnics, ThreadingMode.SHARED,
                List.of(1), 32, 32, ClassifierChoice.SOFTWARE, null))) {
            var a = dp.vnic("A").counters();
            long pool = dp.runtime().pool().address();
            Thread.sleep(500);
            long delivered = a.rxPackets;
            assertTrue(delivered > 10_000, "traffic flows before: " + delivered);

            List<Long> held = new ArrayList<>();
            long until = System.nanoTime() + 500_000_000L; // the lcore frees what it sent: take those too, for half a second
            while (System.nanoTime() < until) {
                for (long m = Mbufs.alloc(pool); m != 0; m = Mbufs.alloc(pool)) {
                    held.add(m);
                }
            }
            long starving = a.rxPackets;
            Thread.sleep(1000);
            long deliveredStarving = a.rxPackets - starving;
            assertTrue(held.size() > 100, "the pool ran dry with " + held.size() + " mbufs held here (the rest are the ports' descriptors)");
            assertTrue(deliveredStarving < 1000, "with no mbuf, next to nothing gets through: " + deliveredStarving);

            held.forEach(Mbufs::free);
            long recovered = a.rxPackets;
            Thread.sleep(1000);
            long after = a.rxPackets - recovered;
            assertTrue(after > 10_000, "with the mbufs back the traffic flows again by itself: " + after + " delivered in 1 s");
            assertTrue(dp.runtime().pool().available() > held.size() / 2, "and the pool is not left drained: "
                    + dp.runtime().pool().available() + " available");
        }
    }
}
