package io.quiver.control.config;

import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.classify.ClassifierChoice;
import io.quiver.dataplane.config.Defaults;
import io.quiver.dataplane.datapath.DatapathConfig;
import io.quiver.dataplane.datapath.ThreadingMode;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.GuestTraffic;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dataplane.vnic.AttachedVnic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code quiver run} starts without a configuration file, on any machine: no NIC, no hugepages. Four VNICs
 * share a {@code net_pcap} guest port that replays their generated traffic to each other (a quarter of it with a
 * forged source MAC), and a {@code net_null} uplink: the whole VNIC datapath (anti-spoofing, classification,
 * receive rings, delivery) and its daemon run, so the CLI verbs and the REST API have something to show.
 */
public final class EmbeddedDefault {
    public static final int VNICS = 4;

    private EmbeddedDefault() {
    }

    public static DatapathConfig config(Path workDir, EalOptions eal, int cpu) {
        Path pcap = workDir.resolve("demo-traffic.pcap");
        try {
            PcapFile.write(pcap, demoTraffic(1024));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo traffic to " + pcap, e);
        }
        List<AttachedVnic> vnics = new ArrayList<>();
        for (int i = 1; i <= VNICS; i++) {
            vnics.add(AttachedVnic.of("vm" + i, Ethernet.formatMac(GuestTraffic.guestMac(i)), List.of(),
                    List.of(UdpFrameBuilder.formatIpv4(GuestTraffic.guestIp(i)) + "/16"), 0, "guests"));
        }
        RuntimeConfig base = new RuntimeConfig(eal, Defaults.POOL_MBUFS + 1024, Defaults.POOL_CACHE, Defaults.DATAPATH_BURST,
                List.of(PortConfig.of("uplink", "net_null0,no-rx=1"),
                        PortConfig.of("guests", "net_pcap0,rx_pcap=" + pcap + ",infinite_rx=1")));
        return new DatapathConfig(base, "uplink", List.of(), null, vnics, ThreadingMode.SHARED, List.of(cpu),
                Defaults.LOCAL_RING, Defaults.FORWARDING_RING, ClassifierChoice.AUTO, null);
    }

    /** The four guests' 64-byte UDP frames to each other, a quarter of them with a forged source MAC. */
    public static List<byte[]> demoTraffic(int count) {
        return GuestTraffic.eastWest(count, VNICS, 4);
    }
}
