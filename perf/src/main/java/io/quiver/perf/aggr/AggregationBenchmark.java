package io.quiver.perf.aggr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.packet.GuestTraffic;
import io.quiver.dataplane.runtime.FileTrees;
import io.quiver.perf.measure.ChildJvm;
import io.quiver.perf.measure.ResultFile;
import io.quiver.perf.measure.RunOptions;
import io.quiver.perf.measure.Samples;
import io.quiver.perf.peers.TestPmd;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code quiver bench aggr}: what choosing a member costs. Guests' traffic to the network (4096 connections) goes
 * through Quiver's full egress path to an uplink that is one port, a static L3,L4 aggregation of two (Quiver's), and
 * DPDK's {@code net_bonding} over two (mode 2, balance by layer3+4, the static equivalent) as Quiver's uplink port:
 * the same path, the aggregator alone changed. In the same run dpdk-testpmd io forwards the same traffic to one port
 * and to net_bonding, the driver's cost without Quiver's path. Every member is a net_null sink on the same CPU;
 * repeats are interleaved. Goals: Quiver's aggregation at ≥ 0.9x Quiver's single port, and ≥ 1.0x net_bonding under
 * the same path. Also reported: what choosing a member costs each beyond its own single port, in ns a packet.
 */
@Command(name = "aggr", mixinStandardHelpOptions = true,
        description = "Quiver's uplink aggregation against one port and against DPDK's net_bonding over the same members.")
public final class AggregationBenchmark implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions run;

    private static final int GUESTS = 4;
    private static final int FRAMES = 4096;

    @Override
    public Integer call() throws Exception {
        run.check();
        if (!TestPmd.available()) {
            throw new IllegalStateException("dpdk-testpmd not found: install the Debian package 'dpdk-dev'");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter log = run.json ? new PrintWriter(System.err, true) : out;
        Path work = Files.createTempDirectory("quiver-bench-aggr");
        Path pcap = work.resolve("north.pcap");
        PcapFile.write(pcap, GuestTraffic.frames(FRAMES, GUESTS, 0));
        Map<String, Samples> r = new LinkedHashMap<>();
        long allocated = 0;
        long gcs = 0;
        double minShare = 1;
        String source = "net_pcap0,rx_pcap=" + pcap + ",infinite_rx=1";
        for (int rep = 1; rep <= run.repeats; rep++) {
            for (int members : new int[] {0, 2}) {
                JsonNode q = quiver(members, false, pcap, work);
                allocated += q.get("allocatedBytes").asLong();
                gcs += q.get("gcCount").asLong();
                for (JsonNode s : q.get("memberShares")) {
                    minShare = members == 0 ? minShare : Math.min(minShare, s.asDouble());
                }
                add(r, members == 0 ? "quiver/port" : "quiver/aggr-2", q.get("mpps").asDouble(), log, rep);
            }
            JsonNode bonded = quiver(2, true, pcap, work);
            add(r, "quiver/net_bonding-2", bonded.get("mpps").asDouble(), log, rep);
            add(r, "testpmd-io/port", TestPmd.run("io", source, 0, run.cpu, run.warmup, run.seconds,
                    work.resolve("testpmd-port-" + rep + ".log")), log, rep);
            add(r, "testpmd-io/net_bonding-2", TestPmd.run("io", List.of(source, "net_null1,no-rx=1", "net_null2,no-rx=1",
                    "net_bonding0,mode=2,slave=net_null1,slave=net_null2,xmit_policy=l34"), "0x9", 0, run.cpu, run.warmup, run.seconds,
                    work.resolve("testpmd-bond-" + rep + ".log")), log, rep);
        }
        ObjectNode result = ResultFile.start("aggr");
        result.put("seconds", run.seconds).put("warmup", run.warmup).put("repeats", run.repeats).put("cpu", run.cpu)
                .put("connections", FRAMES).put("policy", "L3,L4").put("bondingMode", 2);
        ObjectNode mpps = result.putObject("mpps");
        r.forEach((k, v) -> ResultFile.samples(mpps, k, v));
        ObjectNode ratios = result.putObject("ratios");
        double aggr = r.get("quiver/aggr-2").median();
        ratios.put("quiver-aggr/quiver-port", aggr / r.get("quiver/port").median());
        ratios.put("quiver-aggr/quiver-over-net_bonding", aggr / r.get("quiver/net_bonding-2").median());
        ratios.put("quiver-aggr/testpmd-net_bonding", aggr / r.get("testpmd-io/net_bonding-2").median());
        ratios.put("net_bonding/testpmd-port", r.get("testpmd-io/net_bonding-2").median() / r.get("testpmd-io/port").median());
        // what choosing a member costs each, beyond its own single-port path: Quiver's full VNIC path against testpmd's
        // io (which does nothing per packet) makes the Mpps ratio a comparison of paths, this one of aggregators
        ObjectNode cost = result.putObject("aggregationCostNsPerPacket");
        cost.put("quiver", 1e3 / aggr - 1e3 / r.get("quiver/port").median());
        cost.put("net_bonding", 1e3 / r.get("testpmd-io/net_bonding-2").median() - 1e3 / r.get("testpmd-io/port").median());
        cost.put("net_bonding-under-quiver", 1e3 / r.get("quiver/net_bonding-2").median() - 1e3 / r.get("quiver/port").median());
        ratios.put("quiver-aggr-cost/net_bonding-cost", cost.get("quiver").asDouble() / cost.get("net_bonding").asDouble());
        result.put("quiverSmallestMemberShare", minShare).put("quiverAllocatedBytes", allocated).put("quiverGcCount", gcs);
        FileTrees.delete(work);
        Path saved = ResultFile.save(result);
        if (run.json) {
            out.println(ResultFile.JSON.writeValueAsString(result));
        } else {
            out.println();
            out.printf("%-26s %8s %8s %8s   (Mpps polled, 64 B frames, %d connections)%n", "case", "min", "median", "max", FRAMES);
            r.forEach((k, v) -> out.printf("%-26s %8.2f %8.2f %8.2f%n", k, v.min(), v.median(), v.max()));
            ratios.fields().forEachRemaining(e -> out.printf("ratio %-28s %.2f%n", e.getKey(), e.getValue().asDouble()));
            out.printf("choosing a member costs: quiver %.1f ns/packet; net_bonding %.1f under testpmd, %.1f under Quiver's path"
                    + " (beyond each one's single port)%n", cost.get("quiver").asDouble(), cost.get("net_bonding").asDouble(),
                    cost.get("net_bonding-under-quiver").asDouble());
            out.printf("quiver: the smaller member's share of what left %.3f; lcore over all measured windows: %d bytes allocated, %d GCs%n",
                    minShare, allocated, gcs);
            out.println("saved " + saved);
        }
        out.flush();
        return 0;
    }

    private static void add(Map<String, Samples> r, String key, double mpps, PrintWriter log, int rep) {
        r.computeIfAbsent(key, k -> new Samples()).add(mpps);
        log.printf("repeat %d  %-26s %6.2f Mpps%n", rep, key, mpps);
    }

    private JsonNode quiver(int members, boolean bonding, Path pcap, Path work) throws IOException, InterruptedException {
        Path log = work.resolve("quiver-" + members + (bonding ? "-bonding" : "") + ".log");
        List<String> args = new java.util.ArrayList<>(List.of("aggr-run", "--members", Integer.toString(members), "--guests",
                Integer.toString(GUESTS), "--pcap", pcap.toString(), "--seconds", Integer.toString(run.seconds), "--warmup",
                Integer.toString(run.warmup), "--cpu", Integer.toString(run.cpu)));
        if (bonding) {
            args.add("--bonding");
        }
        JsonNode q = ChildJvm.benchResult(args, log, run.seconds + run.warmup + 120, "the Quiver run with " + members + " members"
                + (bonding ? " of net_bonding" : ""));
        if (q.get("noMemberDrops").asLong() != 0 || Math.abs(q.get("sentMpps").asDouble() - q.get("mpps").asDouble()) > 0.02 * q.get("mpps").asDouble()) {
            throw new IllegalStateException("the Quiver run with " + members + " members did not send what it received: " + q + "; see " + log);
        }
        return q;
    }
}
