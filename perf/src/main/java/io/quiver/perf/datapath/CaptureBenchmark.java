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
import io.quiver.perf.peers.TestPmd;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What capture costs the lcore: {@code bench datapath}'s 4-VNIC case (25 % forged) without a capture and with its
 * first VNIC captured (both directions and drops, whole frames, drained into pcapng that goes nowhere), beside
 * dpdk-testpmd {@code macswap} on the same vdev and CPU, repeats interleaved.
 */
@Command(name = "capture", mixinStandardHelpOptions = true,
        description = "The VNIC datapath without and with one VNIC captured, against dpdk-testpmd macswap.")
public final class CaptureBenchmark implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions run;

    private static final int VNICS = 4;

    @Override
    public Integer call() throws Exception {
        run.check();
        if (!TestPmd.available()) {
            throw new IllegalStateException("dpdk-testpmd not found: install the Debian package 'dpdk-dev'");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter log = run.json ? new PrintWriter(System.err, true) : out;
        Path work = Files.createTempDirectory("quiver-bench-capture");
        Path pcap = work.resolve("v" + VNICS + ".pcap");
        PcapFile.write(pcap, GuestTraffic.eastWest(1024, VNICS, 4));
        Map<String, Samples> r = new LinkedHashMap<>();
        Samples capturedPerSecond = new Samples();
        Samples lostPerSecond = new Samples();
        long allocated = 0;
        long gcs = 0;
        for (int rep = 1; rep <= run.repeats; rep++) {
            double tp = TestPmd.run("macswap", "net_pcap0,rx_pcap=" + pcap + ",infinite_rx=1", 0, run.cpu, run.warmup, run.seconds,
                    work.resolve("testpmd-" + rep + ".log"));
            DatapathBenchmark.add(r, "testpmd-macswap", tp, log, rep);
            for (boolean capture : new boolean[] {false, true}) {
                JsonNode q = quiver(pcap, work, capture);
                allocated += q.get("allocatedBytes").asLong();
                gcs += q.get("gcCount").asLong();
                DatapathBenchmark.add(r, capture ? "quiver-capturing" : "quiver", q.get("mpps").asDouble(), log, rep);
                if (capture) {
                    capturedPerSecond.add(q.get("capturedPerSecond").asDouble() / 1e6);
                    lostPerSecond.add(q.get("capturedLostPerSecond").asDouble() / 1e6);
                }
            }
        }
        ObjectNode result = ResultFile.start("capture");
        result.put("seconds", run.seconds).put("warmup", run.warmup).put("repeats", run.repeats).put("cpu", run.cpu)
                .put("vnics", VNICS).put("forgedShare", 0.25).put("captured", "the first VNIC: in, out and drops, whole frames");
        ObjectNode mpps = result.putObject("mpps");
        r.forEach((k, v) -> ResultFile.samples(mpps, k, v));
        ObjectNode capturedMfps = result.putObject("capturedMfps");
        ResultFile.samples(capturedMfps, "written", capturedPerSecond);
        ResultFile.samples(capturedMfps, "lost", lostPerSecond);
        ObjectNode ratios = result.putObject("ratios");
        double plain = r.get("quiver").median();
        double capturing = r.get("quiver-capturing").median();
        double peer = r.get("testpmd-macswap").median();
        ratios.put("quiver/testpmd-macswap", plain / peer).put("quiver-capturing/testpmd-macswap", capturing / peer)
                .put("quiver-capturing/quiver", capturing / plain);
        result.put("captureCostNsPerPacket", 1e3 / capturing - 1e3 / plain);
        result.put("quiverAllocatedBytes", allocated).put("quiverGcCount", gcs);
        FileTrees.delete(work);
        Path saved = ResultFile.save(result);
        if (run.json) {
            out.println(ResultFile.JSON.writeValueAsString(result));
        } else {
            out.println();
            out.printf("%-22s %8s %8s %8s   (Mpps polled, 64 B frames, 25 %% forged, %d VNICs)%n", "case", "min", "median", "max", VNICS);
            r.forEach((k, v) -> out.printf("%-22s %8.2f %8.2f %8.2f%n", k, v.min(), v.median(), v.max()));
            out.printf("%-22s %8.2f %8.2f %8.2f   (million frames/s into pcapng; lost: median %.2f)%n", "captured",
                    capturedPerSecond.min(), capturedPerSecond.median(), capturedPerSecond.max(), lostPerSecond.median());
            ratios.fields().forEachRemaining(e -> out.printf("ratio %-34s %.2f%n", e.getKey(), e.getValue().asDouble()));
            out.printf("capture's cost: %.1f ns per packet polled (from the medians)%n", result.get("captureCostNsPerPacket").asDouble());
            out.printf("quiver lcore over all measured windows: %d bytes allocated, %d GCs%n", allocated, gcs);
            out.println("saved " + saved);
        }
        out.flush();
        return 0;
    }


    private JsonNode quiver(Path pcap, Path work, boolean capture) throws Exception {
        List<String> args = new ArrayList<>(List.of("datapath-run", "--vnics", Integer.toString(VNICS), "--pcap", pcap.toString(),
                "--seconds", Integer.toString(run.seconds), "--warmup", Integer.toString(run.warmup), "--cpu", Integer.toString(run.cpu)));
        if (capture) {
            args.add("--capture");
        }
        return ChildJvm.benchResult(args, work.resolve("quiver-" + capture + ".log"), run.seconds + run.warmup + 120,
                "the Quiver run" + (capture ? " capturing" : ""));
    }
}
