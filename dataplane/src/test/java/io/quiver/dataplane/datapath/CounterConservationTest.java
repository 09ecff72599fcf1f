package io.quiver.dataplane.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.classify.ClassifierChoice;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.port.Port;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dataplane.vnic.AttachedVnic;
import io.quiver.dataplane.vnic.Vnic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One writer per counter, proven under concurrency: in dedicated mode the RX lcore and a worker both put packets into
 * B's tiny local ring (the RX lcore straight from the uplink, the worker by routing A's forwarding ring), so both see
 * it full all the time. Every packet received must then be accounted for exactly once, by reason: sent, dropped, or
 * still queued when the loops stopped. A counter with two writers loses increments and breaks the sum.
 */
class CounterConservationTest {
    static final byte[] MAC_A = Ethernet.parseMac("02:00:00:00:00:0a");
    static final byte[] MAC_B = Ethernet.parseMac("02:00:00:00:00:0b");
    static final byte[] GATEWAY = Ethernet.parseMac("02:00:00:00:ff:fe");

    @TempDir
    Path dir;

    @Test
    void everyReceivedPacketIsCountedExactlyOnce() throws Exception {
        int ipB = UdpFrameBuilder.parseIpv4("10.0.0.2");
        List<byte[]> in = new ArrayList<>();
        for (int k = 0; k < 2048; k++) { // half to B's local ring, half to A's forwarding ring, routed on to B
            in.add(new UdpFrameBuilder().destinationMac(k % 2 == 0 ? MAC_B : MAC_A).sourceMac(GATEWAY)
                    .sourceIp(UdpFrameBuilder.parseIpv4("10.0.0.254")).destinationIp(ipB).ports(1000 + k, 7).build());
        }
        PcapFile.write(dir.resolve("in.pcap"), in);
        PcapFile.write(dir.resolve("none.pcap"), List.of());
        var ports = List.of(
                PortConfig.of("uplink", "net_pcap70,rx_pcap=" + dir.resolve("in.pcap") + ",infinite_rx=1,tx_pcap=/dev/null,tx_pcap=/dev/null"),
                PortConfig.of("a", "net_pcap71,rx_pcap=" + dir.resolve("none.pcap") + ",tx_pcap=/dev/null,tx_pcap=/dev/null"),
                PortConfig.of("b", "net_null72,no-rx=1"));
        var vnics = List.of(AttachedVnic.of("A", Ethernet.formatMac(MAC_A), List.of(), List.of("10.0.0.1/24"), 0, "a"),
                AttachedVnic.of("B", Ethernet.formatMac(MAC_B), List.of(), List.of("10.0.0.2/24"), 0, "b"));
        var runtime = new RuntimeConfig(EalOptions.virtualDefaults().withFilePrefix("quiver-conserve-" + ProcessHandle.current().pid()),
                16383, 64, 32, ports);
        try (Datapath dp = Datapath.start(new DatapathConfig(runtime, "uplink", List.of(), null, vnics, ThreadingMode.DEDICATED,
                List.of(1, 0), 8, 8, ClassifierChoice.SOFTWARE, null))) {
            Thread.sleep(3000);
            dp.stopLoops();
            long received = 0;
            long sent = 0;
            long dropped = 0;
            for (Port p : dp.ports().values()) {
                received += p.rxTotals().packets();
                sent += p.txTotals().packets();
                for (long d : p.drops()) {
                    dropped += d;
                }
            }
            long queued = 0;
            long ringFull = 0;
            for (Vnic v : dp.vnics()) {
                dropped += v.counters().totalDrops();
                ringFull += v.counters().drops(DropReason.RING_FULL);
                queued += v.localRing().queued() + v.forwardingRing().queued();
            }
            assertTrue(received > 100_000, "traffic flowed: " + received);
            assertTrue(ringFull > 1000, "both lcores found B's ring full, often: " + ringFull);
            assertEquals(received, sent + dropped + queued,
                    "received = sent + dropped (by reason) + still queued: sent " + sent + ", dropped " + dropped + ", queued " + queued);
        }
    }
}
