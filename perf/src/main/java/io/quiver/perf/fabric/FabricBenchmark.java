package io.quiver.perf.fabric;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.runtime.FileTrees;
import io.quiver.perf.measure.ChildJvm;
import io.quiver.perf.measure.ResultFile;
import io.quiver.perf.measure.RunOptions;
import io.quiver.perf.measure.Samples;
import io.quiver.perf.peers.TestPmd;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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
 * {@code quiver bench fabric}: VNIC-to-VNIC Mpps by medium, in one run and on one lcore: a local VNIC's rings, a memif
 * link to a peer appliance, VXLAN to a peer's VTEP; and the VXLAN cases against the same run's plain uplink
 * switching (encapsulation: guests to the uplink; decapsulation: the uplink to guests). The memif peer is a testpmd
 * receiving on the link's server side; dpdk-testpmd io forwarding from the same pcap over the same memif pair is the
 * medium's ceiling. Goals: memif ≥ 0.8x testpmd's, VXLAN's encapsulation and decapsulation each ≤ 20 % over plain
 * switching. Repeats are interleaved.
 */
@Command(name = "fabric", mixinStandardHelpOptions = true,
        description = "VNIC-to-VNIC Mpps by medium (rings, memif, VXLAN) against testpmd over memif and plain uplink switching.")
public final class FabricBenchmark implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions run;

    private static final int FRAMES = 4096;
    private static final List<String> CASES = List.of("ring", "uplink", "vxlan-out", "memif-out", "plain-in", "vxlan-in");

    @Override
    public Integer call() throws Exception {
        run.check();
        if (!TestPmd.available()) {
            throw new IllegalStateException("dpdk-testpmd not found: install the Debian package 'dpdk-dev'");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter log = run.json ? new PrintWriter(System.err, true) : out;
        Path work = Files.createTempDirectory("quiver-bench-fabric");
        List<byte[]> plain = FabricFrames.frames(FRAMES, false);
        PcapFile.write(work.resolve("ring.pcap"), plain);
        PcapFile.write(work.resolve("uplink.pcap"), FabricFrames.frames(FRAMES, true));
        PcapFile.write(work.resolve("plain-in.pcap"), plain);
        PcapFile.write(work.resolve("vxlan-in.pcap"), FabricFrames.vxlan(plain, io.quiver.dataplane.packet.Ethernet.parseMac("02:00:00:00:0e:01")));
        Map<String, Samples> r = new LinkedHashMap<>();
        Map<String, Samples> crossed = new LinkedHashMap<>();
        long allocated = 0;
        long gcs = 0;
        for (int rep = 1; rep <= run.repeats; rep++) {
            for (String kase : CASES) {
                String pcap = kase.equals("vxlan-out") || kase.equals("memif-out") ? "ring.pcap" : kase + ".pcap";
                JsonNode q;
                if (kase.equals("memif-out")) {
                    String socket = "/run/quiver-bench-memif-" + ProcessHandle.current().pid() + "-" + rep + ".sock";
                    try (MemifSink sink = MemifSink.start(socket, work.resolve("sink-" + rep + ".log"))) {
                        q = quiver(kase, work.resolve(pcap), socket, work);
                    }
                } else {
                    q = quiver(kase, work.resolve(pcap), null, work);
                }
                allocated += q.get("allocatedBytes").asLong();
                gcs += q.get("gcCount").asLong();
                add(r, "quiver/" + kase, q.get("mpps").asDouble(), log, rep);
                crossed.computeIfAbsent("quiver/" + kase, k -> new Samples()).add(q.get("sentMpps").asDouble());
            }
            String socket = "/run/quiver-bench-memif-io-" + ProcessHandle.current().pid() + "-" + rep + ".sock";
            try (MemifSink sink = MemifSink.start(socket, work.resolve("sink-io-" + rep + ".log"))) {
                add(r, "testpmd-io/memif", TestPmd.run("io", List.of("net_pcap0,rx_pcap=" + work.resolve("ring.pcap") + ",infinite_rx=1",
                        "net_memif0,role=client,id=0,socket=" + socket), "0x3", 0, run.cpu, run.warmup, run.seconds,
                        work.resolve("testpmd-memif-" + rep + ".log")), log, rep);
            }
        }
        Samples kernelPlain = new Samples();
        Samples kernelVxlan = new Samples();
        if (KernelVxlan.available()) {
            for (int rep = 1; rep <= run.repeats; rep++) {
                double[] k = KernelVxlan.measure(run.seconds);
                kernelPlain.add(k[0] / 1e6);
                kernelVxlan.add(k[1] / 1e6);
                log.printf("repeat %d  kernel UDP 64 B: plain %.3f Mpps, vxlan %.3f Mpps%n", rep, k[0] / 1e6, k[1] / 1e6);
            }
        } else {
            log.println("the kernel's VXLAN peer needs root, iproute2 and iperf3: not measured");
        }
        ObjectNode result = ResultFile.start("fabric");
        result.put("seconds", run.seconds).put("warmup", run.warmup).put("repeats", run.repeats).put("cpu", run.cpu)
                .put("connections", FRAMES).put("frameBytes", 64);
        ObjectNode mpps = result.putObject("mpps");
        r.forEach((k, v) -> ResultFile.samples(mpps, k, v));
        ObjectNode sent = result.putObject("crossedMpps");
        crossed.forEach((k, v) -> ResultFile.samples(sent, k, v));
        ObjectNode ratios = result.putObject("ratios");
        double ring = r.get("quiver/ring").median();
        double memif = r.get("quiver/memif-out").median();
        double vxlan = r.get("quiver/vxlan-out").median();
        ratios.put("memif/ring", memif / ring);
        ratios.put("vxlan/ring", vxlan / ring);
        ratios.put("quiver-memif/testpmd-io-memif", memif / r.get("testpmd-io/memif").median());
        ObjectNode cost = result.putObject("vxlanCost");
        cost.put("encapsulation", r.get("quiver/uplink").median() / vxlan - 1);
        cost.put("decapsulation", r.get("quiver/plain-in").median() / r.get("quiver/vxlan-in").median() - 1);
        cost.put("encapsulationNsPerPacket", 1e3 / vxlan - 1e3 / r.get("quiver/uplink").median());
        cost.put("decapsulationNsPerPacket", 1e3 / r.get("quiver/vxlan-in").median() - 1e3 / r.get("quiver/plain-in").median());
        if (!kernelPlain.values().isEmpty()) {
            ObjectNode kernel = result.putObject("kernelVxlanPeer");
            ResultFile.samples(kernel, "plainMpps", kernelPlain);
            ResultFile.samples(kernel, "vxlanMpps", kernelVxlan);
            kernel.put("encapsulationAndDecapsulation", kernelPlain.median() / kernelVxlan.median() - 1);
        }
        result.put("quiverAllocatedBytes", allocated).put("quiverGcCount", gcs);
        FileTrees.delete(work);
        Path saved = ResultFile.save(result);
        if (run.json) {
            out.println(ResultFile.JSON.writeValueAsString(result));
        } else {
            out.println();
            out.printf("%-22s %8s %8s %8s %9s   (Mpps received on one lcore, 64 B frames, %d connections)%n", "case", "min", "median", "max",
                    "crossed", FRAMES);
            r.forEach((k, v) -> out.printf("%-22s %8.2f %8.2f %8.2f %9s%n", k, v.min(), v.median(), v.max(),
                    crossed.containsKey(k) ? String.format("%.2f", crossed.get(k).median()) : "-"));
            ratios.fields().forEachRemaining(e -> out.printf("ratio %-32s %.2f%n", e.getKey(), e.getValue().asDouble()));
            out.printf("VXLAN over plain switching: encapsulation +%.0f %% (%.1f ns/packet), decapsulation +%.0f %% (%.1f ns/packet)%n",
                    100 * cost.get("encapsulation").asDouble(), cost.get("encapsulationNsPerPacket").asDouble(),
                    100 * cost.get("decapsulation").asDouble(), cost.get("decapsulationNsPerPacket").asDouble());
            if (!kernelPlain.values().isEmpty()) {
                out.printf("the kernel between two namespaces (iperf3 UDP 64 B): plain %.3f Mpps, vxlan %.3f Mpps: VXLAN both ways +%.0f %%%n",
                        kernelPlain.median(), kernelVxlan.median(), 100 * (kernelPlain.median() / kernelVxlan.median() - 1));
            }
            out.printf("quiver lcore over all measured windows: %d bytes allocated, %d GCs%n", allocated, gcs);
            out.println("saved " + saved);
        }
        out.flush();
        return 0;
    }

    private static void add(Map<String, Samples> r, String key, double mpps, PrintWriter log, int rep) {
        r.computeIfAbsent(key, k -> new Samples()).add(mpps);
        log.printf("repeat %d  %-22s %6.2f Mpps%n", rep, key, mpps);
    }

    private JsonNode quiver(String kase, Path pcap, String memifSocket, Path work) throws IOException, InterruptedException {
        Path log = work.resolve("quiver-" + kase + ".log");
        List<String> args = new ArrayList<>(List.of("fabric-run", "--case", kase, "--pcap", pcap.toString(), "--seconds",
                Integer.toString(run.seconds), "--warmup", Integer.toString(run.warmup), "--cpu", Integer.toString(run.cpu)));
        if (memifSocket != null) {
            args.addAll(List.of("--memif-socket", memifSocket));
        }
        JsonNode q = ChildJvm.benchResult(args, log, run.seconds + run.warmup + 120, "the Quiver run of " + kase);
        // every case but memif (whose sink may refuse what it cannot take: counted, shown as crossed) delivers all
        if (!kase.equals("memif-out") && Math.abs(q.get("sentMpps").asDouble() - q.get("mpps").asDouble()) > 0.02 * q.get("mpps").asDouble()) {
            throw new IllegalStateException("the Quiver run of " + kase + " did not deliver what it received: " + q + "; see " + log);
        }
        return q;
    }

    /** testpmd receiving on the server side of a memif link (on the main CPU), for as long as a case runs. */
    static final class MemifSink implements AutoCloseable {
        private final Process process;

        private MemifSink(Process process) {
            this.process = process;
        }

        static MemifSink start(String socket, Path log) throws IOException, InterruptedException {
            List<String> cmd = List.of("dpdk-testpmd", "--no-huge", "-m", "512", "--no-pci", "--lcores=0@0,1@0",
                    "--file-prefix", "quiver-bench-memif-sink-" + ProcessHandle.current().pid(), "--log-level", "lib.eal:warning",
                    "--vdev", "net_memif0,role=server,id=0,socket=" + socket,
                    "--", "--forward-mode=rxonly", "--auto-start", "--stats-period", "1", "--total-num-mbufs=8192");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!Files.readString(log, StandardCharsets.ISO_8859_1).contains("NIC statistics for port 0")) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IllegalStateException("the memif sink (testpmd) did not start; see " + log);
                }
                Thread.sleep(20);
            }
            return new MemifSink(p);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
