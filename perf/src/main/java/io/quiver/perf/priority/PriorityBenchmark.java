package io.quiver.perf.priority;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.dataplane.priority.ConnectionTable;
import io.quiver.perf.measure.JvmWindow;
import io.quiver.perf.measure.ResultFile;
import io.quiver.perf.measure.Samples;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quiver bench priority}: first the lcore's connection table with 1M live connections, tracked in bursts as the
 * datapath would (lookups/s over connections spread uniformly and with a hot set, new connections/s at a steady
 * population, allocated bytes and GC count of the measured windows); then the overload scenario ({@link Overload}):
 * premium streams identified by prefix, SNI and payload token beside best-effort at twice the egress capacity, through
 * Quiver and OVS-DPDK in the same run.
 */
@Command(name = "priority", mixinStandardHelpOptions = true,
        description = "Connection table lookups/s with 1M live connections; premium traffic under 2x overload, Quiver and OVS-DPDK.")
public final class PriorityBenchmark implements Callable<Integer> {
    private static final int CONNECTIONS = 1 << 20;
    private static final int KEYS = 1 << 22;

    @Spec
    CommandSpec spec;

    @Option(names = "--repeats", defaultValue = "3")
    int repeats;

    @Option(names = "--millis", defaultValue = "1000", description = "measured time per case and repeat (default: ${DEFAULT-VALUE})")
    int millis;

    @Option(names = "--json")
    boolean json;

    @Option(names = "--seconds", defaultValue = "5", description = "each overload phase (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--no-overload", description = "the connection table only")
    boolean noOverload;

    private volatile long blackhole;

    @Override
    public Integer call() throws Exception {
        if (repeats < 3) {
            throw new IllegalArgumentException("at least 3 repeats: min / median / max need them");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter log = json ? new PrintWriter(System.err, true) : out;
        ConnectionTable table = ConnectionTable.withDefaultTimeouts(CONNECTIONS + CONNECTIONS / 4);
        int[] src = new int[CONNECTIONS];
        int[] ports = new int[CONNECTIONS];
        SplittableRandom r = new SplittableRandom(16);
        for (int i = 0; i < CONNECTIONS; i++) {
            src[i] = 0x0a000000 | r.nextInt(1 << 24);
            ports[i] = 1024 + r.nextInt(60000);
            table.track(0, 6, src[i], 0xc0000201, ports[i], 443, 64, 0);
        }
        int live = table.size();
        log.printf("%,d live connections%n", live);
        ObjectNode result = ResultFile.start("priority");
        result.put("liveConnections", live);
        long allocated = 0;
        long gcs = 0;
        long windowOverhead = JvmWindow.emptyWindowBytes();
        ObjectNode lookups = result.putObject("lookupsPerSecond");
        for (String pattern : new String[] {"uniform", "hot"}) {
            int[] keys = new int[KEYS];
            for (int k = 0; k < KEYS; k++) {
                keys[k] = pattern.equals("uniform") || r.nextInt(100) >= 90 ? r.nextInt(CONNECTIONS) : r.nextInt(1024);
            }
            Samples s = new Samples();
            for (int rep = 0; rep <= repeats; rep++) { // the first round warms up
                JvmWindow window = JvmWindow.open(Thread.currentThread().threadId());
                double rate = lookups(table, keys, src, ports);
                if (rep > 0) {
                    allocated += window.allocatedBytes() - windowOverhead;
                    gcs += window.collections();
                    s.add(rate);
                    log.printf("%-8s repeat %d  %6.1f M lookups/s%n", pattern, rep, rate / 1e6);
                }
            }
            ResultFile.samples(lookups, pattern, s);
        }
        Samples churn = new Samples();
        for (int rep = 0; rep <= repeats; rep++) {
            double rate = churn(table, r);
            if (rep > 0) {
                churn.add(rate);
                log.printf("churn    repeat %d  %6.2f M new connections/s (each also expiring one)%n", rep, rate / 1e6);
            }
        }
        ResultFile.samples(result, "newConnectionsPerSecond", churn);
        result.put("allocatedBytes", allocated).put("gcCount", gcs).put("full", table.full)
                .put("allocationCounterOverheadBytes", windowOverhead);
        table = null; // 160 MiB the overload part does not need
        String why = noOverload ? "--no-overload" : Overload.unavailable();
        if (why == null) {
            Overload.measure(result, repeats, seconds, log);
        } else {
            result.putObject("overload").put("skipped", why);
            log.println("overload scenario skipped: " + why);
        }
        Path saved = ResultFile.save(result);
        if (json) {
            out.println(ResultFile.JSON.writeValueAsString(result));
        } else {
            out.printf("%nconnection table, %,d live: lookups/s %s; new/s %s; lookups allocated %d B, %d GC%n", live,
                    result.get("lookupsPerSecond"), result.get("newConnectionsPerSecond"), allocated, gcs);
            JsonNode o = result.get("overload");
            if (!o.has("skipped")) {
                for (String system : new String[] {"quiver", "quiver-no-levels", "ovs-dpdk"}) {
                    if (o.has(system)) {
                        JsonNode s = o.get(system);
                        out.printf("%-16s premium lost under load %s; p99 us unloaded %s, loaded %s (x%.2f); best-effort kept %s; "
                                        + "premium kept by method %s%n", system, s.get("premiumLostUnderLoad"), s.get("premiumP99MicrosUnloaded"),
                                s.get("premiumP99MicrosLoaded"), s.get("p99LoadedOverUnloaded").asDouble(), s.get("bestEffortKeptShare"),
                                s.get("premiumKeptShareByMethod"));
                    }
                }
                out.printf("identification (packets per connection up to and including the one that identified it): %s%n",
                        o.get("quiverIdentification"));
                out.printf("Quiver lcore over the overload runs: %d B allocated, %d GC%n", o.get("quiverAllocatedBytes").asLong(),
                        o.get("quiverGcCount").asLong());
            }
            out.println("saved " + saved);
        }
        out.flush();
        return 0;
    }

    /** Tracks existing connections (either direction) in bursts of 32, as an lcore would per burst. */
    private double lookups(ConnectionTable table, int[] keys, int[] src, int[] ports) {
        long sink = 0;
        long done = 0;
        long start = System.nanoTime();
        long end = start + millis * 1_000_000L;
        long now;
        int at = 0;
        do {
            for (int burst = 0; burst < 256; burst++) {
                for (int i = 0; i < 32; i++) {
                    int c = keys[at++ & (KEYS - 1)];
                    sink += (i & 1) == 0 ? table.track(0, 6, src[c], 0xc0000201, ports[c], 443, 64, 1)
                            : table.track(0, 6, 0xc0000201, src[c], 443, ports[c], 1500, 1);
                }
            }
            done += 256L * 32;
            now = System.nanoTime();
        } while (now < end);
        blackhole = sink;
        return done * 1e9 / (now - start);
    }

    /** New connections/s at a steady population: each second's new ones displace the idle ones the sweep removes. */
    private double churn(ConnectionTable table, SplittableRandom r) {
        long done = 0;
        long start = System.nanoTime();
        long end = start + millis * 1_000_000L;
        long now;
        int tick = 1000;
        do {
            tick += 400; // every old entry is idle past its timeout: the sweep removes them as it passes
            for (int i = 0; i < 4096; i++) {
                table.track(1, 17, 0x0b000000 | r.nextInt(1 << 24), 0x08080808, 1024 + r.nextInt(60000), 53, 80, tick);
            }
            table.expire(tick, 8192);
            done += 4096;
            now = System.nanoTime();
        } while (now < end);
        return done * 1e9 / (now - start);
    }
}
