package io.quiver.perf.forward;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.dataplane.antispoof.SourceMacCheck;
import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.config.Defaults;
import io.quiver.dataplane.lcore.LcoreLoop;
import io.quiver.dataplane.packet.GuestTraffic;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.port.QueueCounters;
import io.quiver.dataplane.runtime.DpdkRuntime;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.FileTrees;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dataplane.xconnect.PortForwarder;
import io.quiver.perf.measure.JvmWindow;
import io.quiver.perf.measure.ResultFile;
import io.quiver.perf.measure.RunOptions;
import io.quiver.perf.measure.Samples;
import io.quiver.perf.peers.TestPmd;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
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
 * {@code quiver bench forward}: in one invocation, on the same vdevs and the same forwarding CPU, dpdk-testpmd
 * {@code io}, dpdk-testpmd {@code macswap}, and Quiver's loop doing macswap's work plus a source-MAC check, from a
 * {@code net_null} source and from a {@code net_pcap} replay of generated 64-byte UDP frames, into a
 * {@code net_null} sink. Repeats are interleaved so drift in the machine hits every case alike.
 */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = "Forwarding rate of Quiver's loop against dpdk-testpmd io and macswap, same vdevs, same core.")
public final class ForwardBenchmark implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions run;

    @Option(names = "--main-cpu", defaultValue = "0", description = "the main lcore's CPU (default: ${DEFAULT-VALUE})")
    int mainCpu;

    private static final List<String> SOURCES = List.of("null", "pcap");
    private static final List<String> CASES = List.of("testpmd-io", "testpmd-macswap", "quiver-macswap-srccheck");

    @Override
    public Integer call() throws Exception {
        run.check();
        if (!TestPmd.available()) {
            throw new IllegalStateException("dpdk-testpmd not found: install the Debian package 'dpdk-dev'");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter log = run.json ? new PrintWriter(System.err, true) : out;
        Path work = Files.createTempDirectory("quiver-bench-forward");
        Path pcap = work.resolve("v4.pcap");
        PcapFile.write(pcap, GuestTraffic.frames(1024, 4, 4));
        Map<String, String> sourceDevargs = Map.of("null", "net_null0", "pcap", "net_pcap0,rx_pcap=" + pcap + ",infinite_rx=1");

        Map<String, Samples> results = new LinkedHashMap<>();
        for (String s : SOURCES) {
            for (String c : CASES) {
                results.put(c + "/" + s, new Samples());
            }
        }
        long allocated = 0;
        long collections = 0;
        var eal = new EalOptions(mainCpu, 1024, false, false, "quiver-bench-" + ProcessHandle.current().pid(), List.of());
        var config = new RuntimeConfig(eal, 16383, 256, Defaults.BURST,
                List.of(PortConfig.of("src-null", sourceDevargs.get("null")), PortConfig.of("src-pcap", sourceDevargs.get("pcap")),
                        PortConfig.of("sink", "net_null1,no-rx=1")));
        SourceMacCheck check = SourceMacCheck.of(GuestTraffic.guestMacs(4));
        try (DpdkRuntime dp = DpdkRuntime.start(config, 1, 2); Arena arena = Arena.ofShared()) {
            for (int r = 1; r <= run.repeats; r++) {
                for (String s : SOURCES) {
                    for (String mode : List.of("io", "macswap")) {
                        double mpps = TestPmd.run(mode, sourceDevargs.get(s),
                                mainCpu, run.cpu, run.warmup, run.seconds, work.resolve("testpmd-" + mode + "-" + s + "-" + r + ".log"));
                        results.get("testpmd-" + mode + "/" + s).add(mpps);
                        log.printf("repeat %d  %-26s %-4s %6.2f Mpps%n", r, "testpmd-" + mode, s, mpps);
                    }
                    var src = dp.port("src-" + s);
                    var forwarder = new PortForwarder(src, 0, dp.port("sink"), 0, true, check, false, arena, Defaults.BURST);
                    QueueCounters rx = src.rxCounters(0);
                    try (LcoreLoop loop = new LcoreLoop("bench", run.cpu, List.of(forwarder)).start()) {
                        Thread.sleep(run.warmup * 1000L);
                        JvmWindow window = JvmWindow.open(loop.threadId());
                        long before = rx.packets;
                        long t0 = System.nanoTime();
                        Thread.sleep(run.seconds * 1000L);
                        long packets = rx.packets - before;
                        double elapsed = (System.nanoTime() - t0) / 1e9;
                        allocated += window.allocatedBytes();
                        collections += window.collections();
                        double mpps = packets / elapsed / 1e6;
                        results.get("quiver-macswap-srccheck/" + s).add(mpps);
                        log.printf("repeat %d  %-26s %-4s %6.2f Mpps  (allocated %d B, GCs %d)%n", r, "quiver-macswap-srccheck", s, mpps,
                                window.allocatedBytes(), window.collections());
                    }
                }
            }
        }
        ObjectNode result = ResultFile.start("forward");
        result.put("seconds", run.seconds).put("warmup", run.warmup).put("repeats", run.repeats).put("cpu", run.cpu);
        ObjectNode cases = result.putObject("mpps");
        results.forEach((k, v) -> ResultFile.samples(cases, k, v));
        ObjectNode ratios = result.putObject("ratios");
        for (String s : SOURCES) {
            double q = results.get("quiver-macswap-srccheck/" + s).median();
            ratios.put("quiver/testpmd-macswap/" + s, q / results.get("testpmd-macswap/" + s).median());
            ratios.put("quiver/testpmd-io/" + s, q / results.get("testpmd-io/" + s).median());
        }
        result.put("quiverAllocatedBytes", allocated);
        result.put("quiverGcCount", collections);
        FileTrees.delete(work); // kept only when a run failed: its logs are what the error points to
        Path saved = ResultFile.save(result);
        if (run.json) {
            out.println(ResultFile.JSON.writeValueAsString(result));
        } else {
            out.println();
            out.printf("%-26s %-5s %8s %8s %8s%n", "case (Mpps, 64 B frames)", "src", "min", "median", "max");
            results.forEach((k, v) -> {
                String[] p = k.split("/");
                out.printf("%-26s %-5s %8.2f %8.2f %8.2f%n", p[0], p[1], v.min(), v.median(), v.max());
            });
            for (String s : SOURCES) {
                out.printf("ratio quiver / testpmd macswap (%s, medians): %.2f   / testpmd io: %.2f%n", s,
                        ratios.get("quiver/testpmd-macswap/" + s).asDouble(), ratios.get("quiver/testpmd-io/" + s).asDouble());
            }
            out.printf("quiver lcore over all measured windows: %d bytes allocated, %d GCs%n", allocated, collections);
            out.println("saved " + saved);
        }
        out.flush();
        return 0;
    }
}
