package io.quiver.perf.datapath;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.packet.GuestTraffic;
import io.quiver.dataplane.runtime.FileTrees;
import io.quiver.perf.measure.ChildJvm;
import io.quiver.perf.measure.ResultFile;
import io.quiver.perf.measure.RunOptions;
import io.quiver.perf.measure.Samples;
import io.quiver.perf.peers.OvsDpdk;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quiver bench datapath}: Quiver's full VNIC path (parse, anti-spoof, classify, receive ring, delivery, TX)
 * with 4 and 64 VNICs and 25 % forged frames, side by side in one run with dpdk-testpmd {@code macswap} and with
 * OVS-DPDK running the equivalent anti-spoof plus MAC-forwarding flows, on the same vdevs and the same CPU; then
 * Quiver alone with 4096 VNICs for the scaling curve. Repeats are interleaved.
 */
@Command(name = "datapath", mixinStandardHelpOptions = true,
        description = "Quiver's VNIC datapath against dpdk-testpmd macswap and OVS-DPDK anti-spoof + MAC forwarding.")
public final class DatapathBenchmark implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions run;

    @Option(names = "--no-ovs", description = "leave OVS-DPDK out (when it is not installed)")
    boolean noOvs;

    private static final int[] VNICS = {4, 64};
    private static final int SCALE_VNICS = 4096;

    @Override
    public Integer call() throws Exception {
        run.check();
        if (!TestPmd.available()) {
            throw new IllegalStateException("dpdk-testpmd not found: install the Debian package 'dpdk-dev'");
        }
        if (!noOvs && !OvsDpdk.available()) {
            throw new IllegalStateException("OVS-DPDK not found: install the Debian package 'openvswitch-switch-dpdk' (or pass --no-ovs)");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter log = run.json ? new PrintWriter(System.err, true) : out;
        Path work = Files.createTempDirectory("quiver-bench-datapath");
        Map<Integer, Path> pcaps = new LinkedHashMap<>();
        for (int n : new int[] {4, 64, SCALE_VNICS}) {
            Path p = work.resolve("v" + n + ".pcap");
            PcapFile.write(p, GuestTraffic.eastWest(Math.max(1024, 2 * n), n, 4));
            pcaps.put(n, p);
        }
        Map<String, Samples> r = new LinkedHashMap<>();
        long allocated = 0;
        long gcs = 0;
        for (int rep = 1; rep <= run.repeats; rep++) {
            for (int n : VNICS) {
                String src = "net_pcap0,rx_pcap=" + pcaps.get(n) + ",infinite_rx=1";
                double tp = TestPmd.run("macswap", src, 0, run.cpu, run.warmup, run.seconds, work.resolve("testpmd-" + n + "-" + rep + ".log"));
                add(r, "testpmd-macswap/" + n, tp, log, rep);
                JsonNode q = quiver(n, pcaps.get(n), work);
                allocated += q.get("allocatedBytes").asLong();
                gcs += q.get("gcCount").asLong();
                add(r, "quiver/" + n, q.get("mpps").asDouble(), log, rep);
            }
            if (!noOvs) {
                try (OvsDpdk ovs = OvsDpdk.start(work.resolve("ovs-" + rep), 0, run.cpu, "net_null1,no-rx=1")) {
                    for (int n : VNICS) {
                        ovs.source("net_pcap" + n + ",rx_pcap=" + pcaps.get(n) + ",infinite_rx=1");
                        ovs.antiSpoofAndMacForwarding(GuestTraffic.guestMacs(n));
                        add(r, "ovs-dpdk/" + n, ovs.measureRxMpps(run.warmup, run.seconds), log, rep);
                    }
                }
            }
            JsonNode big = quiver(SCALE_VNICS, pcaps.get(SCALE_VNICS), work);
            allocated += big.get("allocatedBytes").asLong();
            gcs += big.get("gcCount").asLong();
            add(r, "quiver/" + SCALE_VNICS, big.get("mpps").asDouble(), log, rep);
        }
        ObjectNode result = ResultFile.start("datapath");
        result.put("seconds", run.seconds).put("warmup", run.warmup).put("repeats", run.repeats).put("cpu", run.cpu).put("forgedShare", 0.25);
        ObjectNode mpps = result.putObject("mpps");
        r.forEach((k, v) -> ResultFile.samples(mpps, k, v));
        ObjectNode ratios = result.putObject("ratios");
        for (int n : VNICS) {
            double q = r.get("quiver/" + n).median();
            ratios.put("quiver/testpmd-macswap/" + n, q / r.get("testpmd-macswap/" + n).median());
            if (!noOvs) {
                ratios.put("quiver/ovs-dpdk/" + n, q / r.get("ovs-dpdk/" + n).median());
            }
        }
        ObjectNode scaling = result.putObject("quiverScaling");
        for (int n : new int[] {4, 64, SCALE_VNICS}) {
            scaling.put(Integer.toString(n), r.get("quiver/" + n).median());
        }
        result.put("quiverAllocatedBytes", allocated).put("quiverGcCount", gcs);
        FileTrees.delete(work); // kept only when a run failed: its logs are what the error points to
        Path saved = ResultFile.save(result);
        if (run.json) {
            out.println(ResultFile.JSON.writeValueAsString(result));
        } else {
            out.println();
            out.printf("%-22s %8s %8s %8s   (Mpps polled, 64 B frames, 25 %% forged)%n", "case", "min", "median", "max");
            r.forEach((k, v) -> out.printf("%-22s %8.2f %8.2f %8.2f%n", k, v.min(), v.median(), v.max()));
            ratios.fields().forEachRemaining(e -> out.printf("ratio %-32s %.2f%n", e.getKey(), e.getValue().asDouble()));
            out.printf("quiver scaling (median Mpps): 4 VNICs %.2f, 64 VNICs %.2f, 4096 VNICs %.2f%n",
                    scaling.get("4").asDouble(), scaling.get("64").asDouble(), scaling.get("4096").asDouble());
            out.printf("quiver lcore over all measured windows: %d bytes allocated, %d GCs%n", allocated, gcs);
            out.println("saved " + saved);
        }
        out.flush();
        return 0;
    }

    /** Adds a repeat's Mpps to its case and logs it as it comes (bench capture's too). */
    static void add(Map<String, Samples> r, String key, double mpps, PrintWriter log, int rep) {
        r.computeIfAbsent(key, k -> new Samples()).add(mpps);
        log.printf("repeat %d  %-20s %6.2f Mpps%n", rep, key, mpps);
    }

    /** Runs one Quiver measurement in a child JVM (its own EAL) with the same flags as every Quiver JVM. */
    private JsonNode quiver(int n, Path pcap, Path work) throws IOException, InterruptedException {
        Path log = work.resolve("quiver-" + n + ".log");
        JsonNode q = ChildJvm.benchResult(List.of("datapath-run", "--vnics", Integer.toString(n), "--pcap", pcap.toString(),
                "--seconds", Integer.toString(run.seconds), "--warmup", Integer.toString(run.warmup), "--cpu", Integer.toString(run.cpu)),
                log, run.seconds + run.warmup + 120, "the Quiver run with " + n + " VNICs");
        // the figure counts for the full path only if it did what the peers are compared on
        double spoofed = q.get("spoofedShare").asDouble();
        if (Math.abs(spoofed - 0.25) > 0.01 || q.get("ringFull").asLong() != 0) {
            throw new IllegalStateException("the Quiver run with " + n + " VNICs dropped " + Math.round(spoofed * 100)
                    + " % as spoofed (expected 25 %) and " + q.get("ringFull").asLong() + " for full rings; see " + log);
        }
        return q;
    }
}
