package io.quiver.control.config;

import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.packet.GuestTraffic;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.runtime.DataplaneConfig;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.ForwardConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code quiver run} starts without a configuration file, on any machine: no NIC, no hugepages. A
 * {@code net_pcap} port replays generated Ethernet/IPv4/UDP traffic from four guests (a quarter of it with a forged
 * source MAC) into Quiver's forwarding loop, which checks source MACs, drops the forged frames, swaps MACs and
 * sends the rest to a {@code net_null} sink.
 */
public final class EmbeddedDefault {
    public static final List<String> GUEST_MACS = GuestTraffic.guestMacs(4);

    private EmbeddedDefault() {
    }

    public static DataplaneConfig config(Path workDir, EalOptions eal, int cpu) {
        Path pcap = workDir.resolve("demo-traffic.pcap");
        try {
            PcapFile.write(pcap, demoTraffic(1024));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo traffic to " + pcap, e);
        }
        return new DataplaneConfig(eal, DataplaneConfig.DEFAULT_POOL_MBUFS, DataplaneConfig.DEFAULT_POOL_CACHE, 32,
                List.of(PortConfig.of("guests", "net_pcap0,rx_pcap=" + pcap + ",infinite_rx=1"),
                        PortConfig.of("uplink", "net_null0,no-rx=1")),
                List.of(new ForwardConfig("guests", "uplink", true, GUEST_MACS, true, cpu)));
    }

    /** Four guests' 64-byte UDP frames, a quarter of them with a forged source MAC. */
    public static List<byte[]> demoTraffic(int count) {
        return GuestTraffic.frames(count, GUEST_MACS.size(), 4);
    }
}
