package io.quiver.perf.fabric;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.dataplane.classify.ClassifierChoice;
import io.quiver.dataplane.config.Defaults;
import io.quiver.dataplane.datapath.Datapath;
import io.quiver.dataplane.datapath.DatapathConfig;
import io.quiver.dataplane.datapath.PrioritySettings;
import io.quiver.dataplane.datapath.ThreadingMode;
import io.quiver.dataplane.fabric.FabricPeer;
import io.quiver.dataplane.fabric.FabricSettings;
import io.quiver.dataplane.fabric.RemoteVnic;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.port.Port;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.port.QueueCounters;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dataplane.vnic.AttachedVnic;
import io.quiver.perf.measure.ChildWindow;
import io.quiver.perf.measure.JvmWindow;
import io.quiver.perf.measure.ResultFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * One Quiver measurement of {@code bench fabric}, in its own JVM (the EAL initialises once per process), one lcore:
 * <ul>
 *   <li>{@code ring}: guests 1..4 to guests 5..8 on this appliance (their rings, a net_null port);</li>
 *   <li>{@code uplink}: guests 1..4 to MACs no VNIC has: plain switching to the uplink (net_null);</li>
 *   <li>{@code vxlan-out}: to guests 5..8 on peer {@code pb}, VXLAN-encapsulated to its VTEP through the uplink;</li>
 *   <li>{@code memif-out}: to guests 5..8 on peer {@code pb} over a memif link (this side the client; the parent's
 *       testpmd the server, receiving);</li>
 *   <li>{@code plain-in}: the uplink (the pcap) brings frames for guests 5..8 here;</li>
 *   <li>{@code vxlan-in}: the uplink brings the same frames as VXLAN from {@code pb}'s VTEP: decapsulated, checked as
 *       {@code pb}'s VNICs' (guests 1..4), delivered.</li>
 * </ul>
 * Prints one line {@code RESULT {json}}: Mpps received, Mpps that crossed to the destination medium, and the lcore's
 * allocations over the window.
 */
@Command(name = "fabric-run", hidden = true, description = "one Quiver fabric measurement (used by bench fabric)")
public final class FabricRun implements Callable<Integer> {
    @Option(names = "--case", required = true)
    String kase;

    @Option(names = "--pcap", required = true)
    Path pcap;

    @Option(names = "--memif-socket")
    String memifSocket;

    @Mixin
    ChildWindow window;

    @Override
    public Integer call() throws Exception {
        boolean inbound = kase.endsWith("-in");
        var eal = new EalOptions(window.mainCpu, 1024, false, false, "quiver-bench-fabric-" + ProcessHandle.current().pid(), List.of());
        int frames = io.quiver.dataplane.capture.PcapFile.read(pcap).size();
        String source = "net_pcap0,rx_pcap=" + pcap + ",infinite_rx=1";
        List<PortConfig> ports = new ArrayList<>();
        List<AttachedVnic> vnics = new ArrayList<>();
        if (inbound) {
            ports.add(PortConfig.of("uplink", source).withMtu(1550));
        } else {
            ports.add(PortConfig.of("guests", source));
            ports.add(PortConfig.of("uplink", "net_null0,no-rx=1").withMtu(1550));
            vnics.addAll(FabricFrames.vnics(1, "guests"));
        }
        ports.add(PortConfig.of("sink", "net_null1,no-rx=1"));
        if (kase.equals("ring") || inbound) {
            vnics.addAll(FabricFrames.vnics(1 + FabricFrames.SOURCES, "sink"));
        }
        var base = new RuntimeConfig(eal, 16383 + frames, 256, Defaults.DATAPATH_BURST, ports);
        var config = new DatapathConfig(base, "uplink", List.of(), null, vnics, ThreadingMode.SHARED, List.of(window.cpu), 256, 16,
                ClassifierChoice.SOFTWARE, null, List.of(), List.of(), PrioritySettings.DEFAULT);
        try (Datapath dp = Datapath.start(config)) {
            String out = fabric(dp);
            QueueCounters rx = dp.port(inbound ? "uplink" : "guests").rxCounters(0);
            Thread.sleep(window.warmup * 1000L);
            JvmWindow measured = JvmWindow.open(dp.runtime().loops().get(0).threadId());
            long sent0 = dp.port(out).txTotals().packets();
            long before = rx.packets;
            long t0 = System.nanoTime();
            Thread.sleep(window.seconds * 1000L);
            long packets = rx.packets - before;
            long sent = dp.port(out).txTotals().packets() - sent0;
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long allocated = measured.allocatedBytes();
            long gcs = measured.collections();
            dp.stopLoops();
            ObjectNode r = ResultFile.JSON.createObjectNode();
            r.put("case", kase).put("mpps", packets / elapsed / 1e6).put("sentMpps", sent / elapsed / 1e6).put("out", out)
                    .put("allocatedBytes", allocated).put("gcCount", gcs);
            var f = dp.fabric();
            if (f != null && !f.peers().isEmpty()) {
                var c = f.countersOf(FabricFrames.PEER);
                r.put("peerRx", c.rxPackets).put("peerTx", c.txPackets).put("peerDropped", c.dropped());
            }
            System.out.println("RESULT " + ResultFile.JSON.writeValueAsString(r).replace('\n', ' '));
        }
        return 0;
    }

    /** Joins the fabric the case needs; returns the port whose TX counts what crossed to the destination. */
    private String fabric(Datapath dp) throws InterruptedException {
        switch (kase) {
            case "ring", "plain-in" -> {
                return "sink";
            }
            case "uplink" -> {
                return "uplink";
            }
            case "vxlan-out", "vxlan-in" -> {
                dp.joinFabric(new FabricSettings("pa", FabricFrames.LOCAL_VTEP, FabricSettings.VXLAN_PORT, FabricFrames.VNI_BASE));
                int remoteFrom = kase.equals("vxlan-out") ? 1 + FabricFrames.SOURCES : 1;
                dp.putFabric(List.of(new FabricPeer(FabricFrames.PEER, FabricFrames.PEER_VTEP,
                        Ethernet.macToLong(FabricFrames.PEER_VTEP_MAC), -1)), remotes(remoteFrom));
                return kase.equals("vxlan-out") ? "uplink" : "sink";
            }
            case "memif-out" -> {
                dp.joinFabric(new FabricSettings("pa", 0, FabricSettings.VXLAN_PORT, FabricFrames.VNI_BASE));
                Port link = dp.addFabricLink("memif-pb", "net_memif0,role=client,id=0,socket=" + memifSocket);
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (!link.linkUp() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                if (!link.linkUp()) {
                    throw new IllegalStateException("the memif link to the sink did not come up");
                }
                dp.putFabric(List.of(new FabricPeer(FabricFrames.PEER, 0, 0, link.id())), remotes(1 + FabricFrames.SOURCES));
                return "memif-pb";
            }
            default -> throw new IllegalArgumentException("no case " + kase);
        }
    }

    private static List<RemoteVnic> remotes(int from) {
        return FabricFrames.vnics(from, "-").stream().map(v -> new RemoteVnic(FabricFrames.PEER, v.config())).toList();
    }
}
