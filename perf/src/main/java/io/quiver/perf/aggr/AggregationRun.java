package io.quiver.perf.aggr;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.dataplane.aggr.AggregationConfig;
import io.quiver.dataplane.classify.ClassifierChoice;
import io.quiver.dataplane.config.Defaults;
import io.quiver.dataplane.datapath.Datapath;
import io.quiver.dataplane.datapath.DatapathConfig;
import io.quiver.dataplane.datapath.PrioritySettings;
import io.quiver.dataplane.datapath.ThreadingMode;
import io.quiver.dataplane.packet.GuestTraffic;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.port.QueueCounters;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dataplane.vnic.AttachedVnic;
import io.quiver.perf.measure.JvmWindow;
import io.quiver.perf.measure.ResultFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import io.quiver.perf.measure.ChildWindow;
import io.quiver.perf.measure.GuestVnics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * One Quiver measurement of {@code bench aggr}, in its own JVM (the EAL initialises once per process): guests on one
 * trunk port replaying the pcap send to the network through the full egress path (parse, anti-spoof, classify,
 * uplink), the uplink one net_null port or a static L3,L4 aggregation of {@code --members} net_null ports, on one
 * lcore. Prints one line {@code RESULT {json}} with Mpps and each member's share of what left.
 */
@Command(name = "aggr-run", hidden = true, description = "one Quiver aggregation measurement (used by bench aggr)")
public final class AggregationRun implements Callable<Integer> {
    @Option(names = "--members", required = true, description = "0: the uplink is one port; N: an aggregation of N ports")
    int members;

    @Option(names = "--bonding", description = "the uplink is DPDK's net_bonding (mode 2, layer3+4) over the members, not Quiver's aggregation")
    boolean bonding;

    @Option(names = "--guests", defaultValue = "4")
    int guests;

    @Option(names = "--pcap", required = true)
    Path pcap;

    @Mixin
    ChildWindow window;

    @Override
    public Integer call() throws Exception {
        List<AttachedVnic> specs = GuestVnics.on(guests, "guests");
        // net_bonding's members must exist before it probes, and must not be Quiver's ports: the EAL makes them
        List<String> extra = new ArrayList<>();
        List<String> slaves = new ArrayList<>();
        for (int k = 0; bonding && k < members; k++) {
            extra.addAll(List.of("--vdev", "net_null" + (10 + k) + ",no-rx=1"));
            slaves.add("slave=net_null" + (10 + k));
        }
        var eal = new EalOptions(window.mainCpu, 1024, false, false, "quiver-bench-aggr-" + ProcessHandle.current().pid(), extra);
        int frames = io.quiver.dataplane.capture.PcapFile.read(pcap).size();
        List<PortConfig> ports = new ArrayList<>(List.of(PortConfig.of("guests", "net_pcap0,rx_pcap=" + pcap + ",infinite_rx=1")));
        List<String> memberNames = new ArrayList<>();
        if (members == 0) {
            ports.add(PortConfig.of("uplink", "net_null0,no-rx=1"));
        } else if (bonding) {
            ports.add(PortConfig.of("uplink", "net_bonding0,mode=2,xmit_policy=l34," + String.join(",", slaves)));
        } else {
            for (int k = 0; k < members; k++) {
                ports.add(PortConfig.of("m" + k, "net_null" + k + ",no-rx=1"));
                memberNames.add("m" + k);
            }
        }
        var base = new RuntimeConfig(eal, 16383 + frames, 256, Defaults.DATAPATH_BURST, ports);
        boolean ours = members > 0 && !bonding;
        List<AggregationConfig> aggregations = ours ? List.of(AggregationConfig.of("aggr0", memberNames)) : List.of();
        var config = new DatapathConfig(base, ours ? "aggr0" : "uplink", List.of(), null, specs, ThreadingMode.SHARED,
                List.of(window.cpu), 256, 16, ClassifierChoice.SOFTWARE, null, List.of(), List.of(), PrioritySettings.DEFAULT, aggregations);
        try (Datapath dp = Datapath.start(config)) {
            QueueCounters rx = dp.port("guests").rxCounters(0);
            Thread.sleep(window.warmup * 1000L);
            JvmWindow measured = JvmWindow.open(dp.runtime().loops().get(0).threadId());
            List<String> out = ours ? memberNames : List.of("uplink");
            long[] sent0 = out.stream().mapToLong(n -> dp.port(n).txTotals().packets()).toArray();
            long[] slaves0 = slaveTx(members, bonding);
            long before = rx.packets;
            long t0 = System.nanoTime();
            Thread.sleep(window.seconds * 1000L);
            long packets = rx.packets - before;
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long allocated = measured.allocatedBytes();
            long gcs = measured.collections();
            long[] sent = new long[out.size()];
            long total = 0;
            for (int k = 0; k < sent.length; k++) {
                sent[k] = dp.port(out.get(k)).txTotals().packets() - sent0[k];
                total += sent[k];
            }
            long noMember = dp.noMemberDrops();
            long[] slavesSent = slaveTx(members, bonding);
            dp.stopLoops();
            ObjectNode r = ResultFile.JSON.createObjectNode();
            r.put("members", members).put("mpps", packets / elapsed / 1e6).put("sentMpps", total / elapsed / 1e6)
                    .put("allocatedBytes", allocated).put("gcCount", gcs).put("noMemberDrops", noMember);
            if (bonding) { // what each member of net_bonding sent, from its own counters
                long all = 0;
                for (int k = 0; k < members; k++) {
                    all += slavesSent[k] - slaves0[k];
                }
                var bonded = r.putArray("bondingMemberShares");
                for (int k = 0; k < members; k++) {
                    bonded.add(all == 0 ? 0 : (double) (slavesSent[k] - slaves0[k]) / all);
                }
            }
            var table = r.putArray("tableShares");
            if (ours) {
                for (String n : memberNames) {
                    table.add(dp.aggregation().distribution().share(dp.port(n).id()));
                }
            }
            var shares = r.putArray("memberShares");
            for (long s : sent) {
                shares.add(total == 0 ? 0 : (double) s / total);
            }
            System.out.println("RESULT " + ResultFile.JSON.writeValueAsString(r).replace('\n', ' '));
        }
        return 0;
    }

    /** Packets each of net_bonding's members has sent ({@code rte_eth_stats}), or none when Quiver aggregates. */
    private static long[] slaveTx(int members, boolean bonding) {
        long[] out = new long[bonding ? members : 0];
        for (int k = 0; k < out.length; k++) {
            out[k] = io.quiver.dataplane.port.DeviceStats.ofDevice("net_null" + (10 + k)).txPackets();
        }
        return out;
    }
}
