package io.quiver.perf.priority;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.control.host.Shell;
import io.quiver.perf.measure.ChildJvm;
import io.quiver.perf.measure.ResultFile;
import io.quiver.perf.measure.Samples;
import io.quiver.perf.peers.OvsDpdk;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The overload part of {@code bench priority}: premium streams at 10 % of a 50 Mbit/s egress (identified by prefix,
 * by the server name in a ClientHello, by a payload token), alone and then beside best-effort offered at twice the
 * capacity, through Quiver with its subscription levels, Quiver without them, and OVS-DPDK with a priority queue and
 * a two-level trTCM policer, each in turn on the same veths, interleaved in every repeat. What it reports: the premium
 * packets lost after identification, the premium p99 under load against unloaded, what best-effort kept, the packets
 * each method took to identify a connection, and the lcore's allocation.
 */
final class Overload {
    private static final String[] SYSTEMS = {"quiver", "quiver-no-levels", "ovs-dpdk"};

    private Overload() {
    }

    /** Why the scenario cannot run here, or null. */
    static String unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "needs root (veth pairs, af_packet)";
        }
        for (String tool : new String[] {"ip", "ethtool"}) {
            if (!Shell.available(tool)) {
                return tool + " is not installed";
            }
        }
        return null;
    }

    static void measure(ObjectNode result, int repeats, int seconds, PrintWriter log) throws Exception {
        Path work = Files.createTempDirectory("quiver-bench-priority");
        boolean ovs = OvsDpdk.available();
        Map<String, Samples> loss = new LinkedHashMap<>();
        Map<String, Samples> p99Unloaded = new LinkedHashMap<>();
        Map<String, Samples> p99Loaded = new LinkedHashMap<>();
        Map<String, Samples> bestEffortKept = new LinkedHashMap<>();
        Map<String, Map<String, Samples>> keptByMethod = new LinkedHashMap<>();
        ObjectNode runs = ResultFile.JSON.createObjectNode();
        long allocated = 0;
        long gcs = 0;
        JsonNode identified = null;
        int stalls = 0;
        OverloadScenario.up();
        try (OverloadLoad load = OverloadLoad.start(0)) {
            System.gc(); // the connection table part's garbage goes now, not in a measured phase
            load.run(true, 3); // the generator's and the sink's own warm-up, into veths nothing reads yet
            for (int rep = 1; rep <= repeats; rep++) {
                for (int at = 0; at < SYSTEMS.length; at++) {
                    String system = SYSTEMS[at];
                    if (system.equals("ovs-dpdk") && !ovs) {
                        continue;
                    }
                    OverloadLoad.Phase unloaded;
                    OverloadLoad.Phase loaded;
                    if (system.startsWith("quiver")) {
                        List<String> args = new ArrayList<>(List.of("priority-run", "--cpu", "1", "--main-cpu", "0"));
                        if (system.equals("quiver-no-levels")) {
                            args.add("--no-levels");
                        }
                        Path logFile = work.resolve(system + "-" + rep + ".log");
                        Process p = new ProcessBuilder(ChildJvm.command("io.quiver.perf.BenchCli", args))
                                .redirectError(logFile.toFile()).start();
                        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                        try {
                            await(out, "READY", system);
                            Thread.sleep(1000);
                            load.run(true, 3); // warms the paths: the JIT is done before anything is measured
                            load.run(false, 1); // and the backlog the warm-up left in the rings is gone
                            OutputStream in = p.getOutputStream();
                            in.write('\n');
                            in.flush();
                            unloaded = load.run(false, seconds);
                            loaded = load.run(true, seconds);
                            in.write('\n');
                            in.flush();
                            JsonNode r = ResultFile.JSON.readTree(await(out, "RESULT ", system).substring(7));
                            runs.set(system + "-" + rep, r);
                            if (system.equals("quiver")) {
                                allocated += r.get("allocatedBytes").asLong();
                                gcs += r.get("gcCount").asLong();
                                identified = r.get("identified");
                            }
                        } finally {
                            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                                p.destroyForcibly();
                            }
                        }
                    } else {
                        try (OvsDpdk o = OvsDpdk.start(work.resolve("ovs-" + rep), 0, 1,
                                "net_af_packet1,iface=" + OverloadScenario.GUEST)) {
                            o.source("net_af_packet0,iface=" + OverloadScenario.UPLINK);
                            long capacityBytes = OverloadScenario.CAPACITY / 8 * (OverloadScenario.FRAME - 14) / OverloadScenario.FRAME;
                            o.premiumQueue(OverloadScenario.PREMIUM_PREFIX, capacityBytes / 10, capacityBytes);
                            Thread.sleep(1000);
                            load.run(true, 3);
                            load.run(false, 1);
                            unloaded = load.run(false, seconds);
                            loaded = load.run(true, seconds);
                        }
                    }
                    if (stalled(unloaded, seconds) || stalled(loaded, seconds)) {
                        // the generator, not the switch: af_packet's TX waits in poll() for a free ring frame
                        log.printf("overload repeat %d  %-16s the generator fell behind its schedule (%d of %d premium sent);"
                                + " run again%n", rep, system, loaded.premiumSent(), expectedPremium(seconds));
                        if (++stalls <= MAX_STALLS) {
                            at--;
                            continue;
                        }
                        throw new IllegalStateException("the generator fell behind " + stalls + " times; see " + work);
                    }
                    record(system, unloaded, loaded, loss, p99Unloaded, p99Loaded, bestEffortKept, keptByMethod);
                    log.printf("overload repeat %d  %-16s premium lost %5d of %6d under load, p99 %7.0f us unloaded, %7.0f us loaded;"
                                    + " best-effort kept %4.1f %% of %d%n", rep, system,
                            loaded.premiumSent() - loaded.premiumReceived(), loaded.premiumSent(),
                            unloaded.premiumLatency().getValueAtPercentile(99) / 1e3, loaded.premiumLatency().getValueAtPercentile(99) / 1e3,
                            100.0 * loaded.received()[0] / Math.max(1, loaded.sent()[0]), loaded.sent()[0]);
                }
            }
        } finally {
            OverloadScenario.down();
        }
        ObjectNode o = result.putObject("overload");
        o.put("capacityBitsPerSecond", OverloadScenario.CAPACITY).put("frameBytes", OverloadScenario.FRAME)
                .put("premiumShareOfCapacity", 0.1).put("bestEffortOfCapacity", 2.0).put("secondsPerPhase", seconds);
        for (String system : loss.keySet()) {
            ObjectNode s = o.putObject(system);
            ResultFile.samples(s, "premiumLostUnderLoad", loss.get(system));
            ResultFile.samples(s, "premiumP99MicrosUnloaded", p99Unloaded.get(system));
            ResultFile.samples(s, "premiumP99MicrosLoaded", p99Loaded.get(system));
            s.put("p99LoadedOverUnloaded", p99Loaded.get(system).median() / p99Unloaded.get(system).median());
            ResultFile.samples(s, "bestEffortKeptShare", bestEffortKept.get(system));
            ObjectNode kept = s.putObject("premiumKeptShareByMethod");
            keptByMethod.get(system).forEach((method, samples) -> ResultFile.samples(kept, method, samples));
        }
        if (identified != null) {
            o.set("quiverIdentification", identified);
        }
        o.put("quiverAllocatedBytes", allocated).put("quiverGcCount", gcs).put("generatorStallsRunAgain", stalls);
        o.set("runs", runs);
    }

    private static final int MAX_STALLS = 3;

    private static long expectedPremium(int seconds) {
        return Math.round(OverloadScenario.CAPACITY / (OverloadScenario.FRAME * 8.0) * 0.1 / 3 * seconds) * 3;
    }

    /** Whether the generator sent under 98 % of the premium packets its schedule had for the phase. */
    private static boolean stalled(OverloadLoad.Phase phase, int seconds) {
        return phase.premiumSent() < 0.98 * expectedPremium(seconds);
    }

    private static void record(String system, OverloadLoad.Phase unloaded, OverloadLoad.Phase loaded, Map<String, Samples> loss,
                               Map<String, Samples> p99Unloaded, Map<String, Samples> p99Loaded, Map<String, Samples> bestEffortKept,
                               Map<String, Map<String, Samples>> keptByMethod) {
        loss.computeIfAbsent(system, k -> new Samples()).add(loaded.premiumSent() - loaded.premiumReceived());
        p99Unloaded.computeIfAbsent(system, k -> new Samples()).add(unloaded.premiumLatency().getValueAtPercentile(99) / 1e3);
        p99Loaded.computeIfAbsent(system, k -> new Samples()).add(loaded.premiumLatency().getValueAtPercentile(99) / 1e3);
        bestEffortKept.computeIfAbsent(system, k -> new Samples()).add((double) loaded.received()[0] / Math.max(1, loaded.sent()[0]));
        Map<String, Samples> byMethod = keptByMethod.computeIfAbsent(system, k -> new LinkedHashMap<>());
        for (OverloadLoad.Stream s : OverloadLoad.Stream.values()) {
            if (s.premium()) {
                byMethod.computeIfAbsent(s.name().toLowerCase(java.util.Locale.ROOT), k -> new Samples())
                        .add((double) loaded.received()[s.ordinal()] / Math.max(1, loaded.sent()[s.ordinal()]));
            }
        }
    }

    /** The first line of {@code out} starting with {@code prefix}; what the child printed when it ends first. */
    private static String await(BufferedReader out, String prefix, String what) throws IOException {
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
            seen.append(line).append('\n');
        }
        throw new IllegalStateException(what + " ended before " + prefix.strip() + ": " + seen);
    }
}
