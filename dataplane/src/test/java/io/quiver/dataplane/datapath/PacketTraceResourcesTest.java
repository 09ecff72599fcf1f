package io.quiver.dataplane.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.classify.ClassifierChoice;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.ring.VnicRing;
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
 * The drops a resource decides, as a trace reports them from the live state: a VNIC whose receive ring is full (its
 * lcores stopped, so nothing drains it) and a pool with one mbuf left (a flood's copies find none).
 */
class PacketTraceResourcesTest {
    static final byte[] MAC_A = Ethernet.parseMac("02:00:00:00:00:0a");
    static final byte[] MAC_B = Ethernet.parseMac("02:00:00:00:00:0b");
    static final byte[] GATEWAY = Ethernet.parseMac("02:00:00:00:ff:fe");

    @TempDir
    Path dir;

    static byte[] udp(byte[] dst, int dip) {
        return new UdpFrameBuilder().destinationMac(dst).sourceMac(GATEWAY).sourceIp(UdpFrameBuilder.parseIpv4("10.0.0.254"))
                .destinationIp(dip).ports(1, 2).payload(new byte[8]).build();
    }

    @Test
    void aFullRingAndAnEmptyPoolAreWhatTheTraceSays() throws Exception {
        PcapFile.write(dir.resolve("empty.pcap"), List.of());
        var ports = List.of(
                PortConfig.of("uplink", "net_pcap95,rx_pcap=" + dir.resolve("empty.pcap") + ",tx_pcap=/dev/null"),
                PortConfig.of("a", "net_pcap96,rx_pcap=" + dir.resolve("empty.pcap") + ",tx_pcap=/dev/null"),
                PortConfig.of("b", "net_pcap97,rx_pcap=" + dir.resolve("empty.pcap") + ",tx_pcap=/dev/null"));
        var vnics = List.of(AttachedVnic.of("A", Ethernet.formatMac(MAC_A), List.of(), List.of("10.0.0.1/24"), 0, "a"),
                AttachedVnic.of("B", Ethernet.formatMac(MAC_B), List.of(), List.of("10.0.0.2/24"), 0, "b"));
        var base = new RuntimeConfig(EalOptions.virtualDefaults().withFilePrefix("quiver-trace-res-" + ProcessHandle.current().pid()),
                4095, 64, 32, ports);
        try (Datapath datapath = Datapath.start(new DatapathConfig(base, "uplink", List.of(), null, vnics, ThreadingMode.SHARED,
                List.of(1), 64, 16, ClassifierChoice.AUTO, null))) {
            datapath.stopLoops(); // nothing drains a ring or takes an mbuf but this test
            long pool = datapath.runtime().pool().address();
            int before = datapath.runtime().pool().inUse();

            VnicRing ringOfA = datapath.vnic("A").localRing();
            List<Long> staged = new ArrayList<>();
            while (ringOfA.queued() < ringOfA.capacity()) {
                long m = Mbufs.alloc(pool);
                assertTrue(ringOfA.offer(m, false, 0, Ethernet.HEADER_LENGTH), "room while queued < capacity");
                staged.add(m);
            }
            PacketTrace.Result full = datapath.trace("uplink", udp(MAC_A, UdpFrameBuilder.parseIpv4("10.0.0.1")));
            assertEquals(DropReason.RING_FULL.label(), full.dropped(), full.toString());
            ringOfA.drain(Mbufs::free);

            List<Long> taken = new ArrayList<>();
            for (long m = Mbufs.alloc(pool); m != 0; m = Mbufs.alloc(pool)) {
                taken.add(m);
            }
            Mbufs.free(taken.remove(taken.size() - 1)); // one for the traced frame, none for copies
            PacketTrace.Result flood = datapath.trace("uplink", udp(new byte[] {-1, -1, -1, -1, -1, -1}, -1));
            assertEquals(DropReason.NO_MBUF.label(), flood.dropped(), "a flood to A and B needs a copy: " + flood);
            taken.forEach(Mbufs::free);
            assertEquals(before, datapath.runtime().pool().inUse(), "every mbuf back");
        }
    }
}
