package io.quiver.perf.vns;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.configstore.model.VnsConfig;
import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.classify.ClassifierChoice;
import io.quiver.dataplane.config.Defaults;
import io.quiver.dataplane.datapath.Datapath;
import io.quiver.dataplane.datapath.DatapathConfig;
import io.quiver.dataplane.datapath.ThreadingMode;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.port.QueueCounters;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dataplane.vnic.AttachedVnic;
import io.quiver.dataplane.vnic.Vnic;
import io.quiver.perf.measure.JvmWindow;
import io.quiver.perf.measure.ResultFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One measurement of {@code bench vns}'s routed path, in its own JVM (the EAL initialises once per process): four
 * VNICs of VNS {@code bench}, two on 10.1.0.0/24 and two on 10.2.0.0/24, whose guests share a trunk port replaying
 * the pcap. {@link #pcap} writes the two traffics: "switched" (each guest to the other of its subnet, by its MAC) and
 * "routed" (each guest to a guest of the other subnet, through the router's MAC). Prints {@code RESULT {json}}.
 */
@Command(name = "vns-run", hidden = true, description = "one routed/switched measurement (used by bench vns)")
public final class RoutedRun implements Callable<Integer> {
    static final String VNS = "bench";
    private static final String[] IPS = {"10.1.0.2", "10.1.0.3", "10.2.0.2", "10.2.0.3"};

    @Option(names = "--pcap", required = true)
    Path pcap;

    @Option(names = "--seconds", defaultValue = "10")
    int seconds;

    @Option(names = "--warmup", defaultValue = "3")
    int warmup;

    @Option(names = "--cpu", defaultValue = "1")
    int cpu;

    /** The guests' addresses, by guest. */
    static String ip(int i) {
        return IPS[i];
    }

    static byte[] mac(int i) {
        return new byte[] {2, 0, 0, 0, 0x0b, (byte) (i + 1)};
    }

    static VnsConfig vns() {
        return VnsConfig.create(VNS).with("addresses", "10.1.0.1/24,10.2.0.1/24");
    }

    /** Writes {@code frames} 64-byte frames of the {@code routed} or switched traffic to {@code file}. */
    static void pcap(Path file, boolean routed, int frames) throws IOException {
        byte[] router = Ethernet.longToMac(Ethernet.wireOrder(vns().routerMac()));
        List<byte[]> out = new ArrayList<>(frames);
        for (int k = 0; k < frames; k++) {
            int from = k % 4;
            int to = routed ? (from + 2) % 4 : from ^ 1; // the other subnet's guest, or the other guest of its own
            out.add(new UdpFrameBuilder().destinationMac(routed ? router : mac(to)).sourceMac(mac(from))
                    .sourceIp(UdpFrameBuilder.parseIpv4(IPS[from])).destinationIp(UdpFrameBuilder.parseIpv4(IPS[to]))
                    .ports(1024 + k % 60000, 53).ttl(64).payload(new byte[18]).build());
        }
        PcapFile.write(file, out);
    }

    @Override
    public Integer call() throws Exception {
        List<AttachedVnic> specs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            AttachedVnic v = AttachedVnic.of("v" + (i + 1), Ethernet.formatMac(mac(i)), List.of(), List.of(IPS[i] + "/24"), 0, "guests");
            specs.add(new AttachedVnic(v.config().with("vns", VNS), "guests"));
        }
        var eal = new EalOptions(0, 1024, false, false, "quiver-bench-vns-" + ProcessHandle.current().pid(), List.of());
        int frames = PcapFile.read(pcap).size(); // net_pcap's infinite_rx keeps every frame in mbufs of the pool
        var base = new RuntimeConfig(eal, 16383 + frames, 256, Defaults.DATAPATH_BURST,
                List.of(PortConfig.of("guests", "net_pcap0,rx_pcap=" + pcap + ",infinite_rx=1"), PortConfig.of("uplink", "net_null0,no-rx=1")));
        var config = new DatapathConfig(base, "uplink", List.of(), null, specs, ThreadingMode.SHARED, List.of(cpu), 256,
                Defaults.FORWARDING_RING, ClassifierChoice.SOFTWARE, null, List.of(vns()), List.of());
        try (Datapath dp = Datapath.start(config)) {
            QueueCounters rx = dp.port("guests").rxCounters(0);
            Thread.sleep(warmup * 1000L);
            JvmWindow window = JvmWindow.open(dp.runtime().loops().get(0).threadId());
            long received0 = rx.packets;
            long delivered0 = delivered(dp);
            long routed0 = dp.vnsCounters(VNS).routed;
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long received = rx.packets - received0;
            long delivered = delivered(dp) - delivered0;
            long routed = dp.vnsCounters(VNS).routed - routed0;
            long allocated = window.allocatedBytes();
            long gcs = window.collections();
            dp.stopLoops();
            ObjectNode r = ResultFile.JSON.createObjectNode();
            r.put("mpps", received / elapsed / 1e6).put("deliveredMpps", delivered / elapsed / 1e6)
                    .put("routedShare", received == 0 ? 0 : (double) routed / received)
                    .put("deliveredShare", received == 0 ? 0 : (double) delivered / received)
                    .put("allocatedBytes", allocated).put("gcCount", gcs);
            System.out.println("RESULT " + ResultFile.JSON.writeValueAsString(r).replace('\n', ' '));
        }
        return 0;
    }

    private static long delivered(Datapath dp) {
        long n = 0;
        for (Vnic v : dp.vnics()) {
            n += v.counters().rxPackets;
        }
        return n;
    }
}
