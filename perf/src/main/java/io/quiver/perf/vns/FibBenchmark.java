package io.quiver.perf.vns;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.EalRuntime;
import io.quiver.dataplane.vns.Ipv4Fib;
import io.quiver.dataplane.vns.RteLpm;
import io.quiver.perf.measure.JvmWindow;
import io.quiver.perf.measure.ResultFile;
import io.quiver.perf.measure.Samples;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quiver bench vns}: Quiver's IPv4 FIB ({@link Ipv4Fib}) against DPDK's rte_lpm called through the bindings,
 * in one process, same routes, same addresses, interleaved: lookups/s on tables of 100k and 900k prefixes with an
 * Internet-like length mix, for addresses spread over every route ("random") and for a few hot ones ("locality"),
 * route changes/s with the big table loaded, and Quiver's lookups/s while another thread changes routes. Quiver's
 * lookups allocate nothing (reported). Then the routed path: the datapath's Mpps between VNICs of two subnets of one
 * VNS against the same run's switched path between VNICs of one subnet ({@link RoutedRun}, child JVMs, interleaved).
 */
@Command(name = "vns", mixinStandardHelpOptions = true,
        description = "IPv4 FIB lookups/s and route changes/s: Quiver's DIR-24-8 against rte_lpm (target >= 0.8x, 0 B).")
public final class FibBenchmark implements Callable<Integer> {
    private static final int BATCH = 64;
    private static final int KEYS = 1 << 20;
    private static final int HOT = 256;

    @Spec
    CommandSpec spec;

    /** The burst's addresses and next hops, made once: the measured windows allocate nothing of their own. */
    private final int[] batch = new int[BATCH];
    private final int[] hops = new int[BATCH];
    private volatile long blackhole;

    @Option(names = "--repeats", defaultValue = "3")
    int repeats;

    @Option(names = "--millis", defaultValue = "1000", description = "measured time per case and repeat (default: ${DEFAULT-VALUE})")
    int millis;

    @Option(names = "--json")
    boolean json;

    @Option(names = "--path-seconds", defaultValue = "8", description = "measured seconds per routed/switched run (default: ${DEFAULT-VALUE})")
    int pathSeconds;

    @Option(names = "--cpu", defaultValue = "1", description = "the datapath lcore's CPU for the path runs (default: ${DEFAULT-VALUE})")
    int cpu;

    @Option(names = "--skip-path", description = "measure the FIB only")
    boolean skipPath;

    @Option(names = "--skip-fib", description = "measure the routed path only")
    boolean skipFib;

    /** A routing table: networks and lengths, with the length mix of a BGP full table (mostly /24, few longer). */
    record Routes(int[] network, int[] length) {
        static Routes internetLike(int count, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            int[] network = new int[count];
            int[] length = new int[count];
            java.util.HashSet<Long> seen = new java.util.HashSet<>();
            for (int i = 0; i < count; ) {
                int p = r.nextInt(100);
                int len = p < 58 ? 24 : p < 70 ? 23 : p < 80 ? 22 : p < 92 ? 16 + r.nextInt(6) : p < 98 ? 8 + r.nextInt(8) : 25 + r.nextInt(8);
                int net = (1 + r.nextInt(223)) << 24 | r.nextInt(1 << 24);
                net &= len == 0 ? 0 : -1 << (32 - len);
                if (seen.add((net & 0xFFFF_FFFFL) << 6 | len)) {
                    network[i] = net;
                    length[i] = len;
                    i++;
                }
            }
            return new Routes(network, length);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (repeats < 3) {
            throw new IllegalArgumentException("at least 3 repeats: min / median / max need them");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter log = json ? new PrintWriter(System.err, true) : out;
        ObjectNode result = ResultFile.start("vns-fib");
        ObjectNode lookups = result.putObject("lookupsPerSecond");
        ObjectNode ratios = result.putObject("ratios");
        long allocated = 0;
        long collections = 0;
        long windowOverhead = JvmWindow.emptyWindowBytes();
        try (EalRuntime eal = skipFib ? null : EalRuntime.start(EalOptions.virtualDefaults().withFilePrefix("quiver-bench-vns-" + ProcessHandle.current().pid()))) {
            for (int size : skipFib ? new int[0] : new int[] {100_000, 900_000}) {
                Routes routes = Routes.internetLike(size, size);
                int groups = 1 << 16;
                try (Ipv4Fib fib = new Ipv4Fib(size, groups); RteLpm lpm = new RteLpm("bench" + size, size, groups)) {
                    for (int i = 0; i < size; i++) {
                        fib.add(routes.network()[i], routes.length()[i], i & Ipv4Fib.MAX_NEXT_HOP);
                        lpm.add(routes.network()[i], routes.length()[i], i & Ipv4Fib.MAX_NEXT_HOP);
                    }
                    for (String pattern : new String[] {"random", "locality"}) {
                        int[] keys = keys(routes, pattern, size);
                        check(fib, lpm, keys);
                        Samples quiver = new Samples();
                        Samples dpdk = new Samples();
                        Lookup quiverLookup = fib::lookup;
                        Lookup dpdkLookup = lpm::lookup;
                        for (int r = 0; r < repeats + 1; r++) { // the first round warms both up
                            JvmWindow window = JvmWindow.open(Thread.currentThread().threadId());
                            double q = rate(keys, quiverLookup);
                            if (r > 0) {
                                allocated += window.allocatedBytes() - windowOverhead;
                                collections += window.collections();
                            }
                            double d = rate(keys, dpdkLookup);
                            if (r > 0) {
                                quiver.add(q);
                                dpdk.add(d);
                                log.printf("%dk %-8s repeat %d  quiver %6.1f M/s  rte_lpm %6.1f M/s%n", size / 1000, pattern, r, q / 1e6, d / 1e6);
                            }
                        }
                        String name = size / 1000 + "k/" + pattern;
                        ResultFile.samples(lookups, "quiver/" + name, quiver);
                        ResultFile.samples(lookups, "rte_lpm/" + name, dpdk);
                        ratios.put(name, quiver.median() / dpdk.median());
                    }
                    if (size == 900_000) {
                        ObjectNode updates = result.putObject("routeChangesPerSecond900k");
                        ResultFile.samples(updates, "quiver", updates(repeats, routes, (n, l, h) -> fib.add(n, l, h),
                                (n, l) -> fib.delete(n, l)));
                        ResultFile.samples(updates, "rte_lpm", updates(repeats, routes, lpm::add, lpm::delete));
                        duringUpdates(result, fib, routes, log);
                    }
                }
            }
        }
        result.put("quiverLookupAllocatedBytes", allocated).put("quiverLookupGcCount", collections)
                .put("allocationCounterOverheadBytes", windowOverhead);
        if (!skipPath) {
            RoutedPath.measure(result, repeats, pathSeconds, cpu, log);
        }
        Path saved = ResultFile.save(result);
        if (json) {
            out.println(ResultFile.JSON.writeValueAsString(result));
        } else {
            out.printf("%nQuiver / rte_lpm lookups (medians): %s; Quiver's lookups allocated %d B, %d GC%n", ratios, allocated, collections);
            out.println("route changes/s with 900k routes (delete + add): " + result.get("routeChangesPerSecond900k"));
            out.println("lookups/s with 900k routes, quiet and during route changes: " + result.get("lookupsDuringUpdates900k"));
            if (result.has("routedPath")) {
                out.println("routed / switched Mpps (medians): " + result.get("routedPath").get("routedOverSwitched")
                        + "; routing's cost over switching: " + result.get("routedPath").get("routingCostShare"));
                if (result.get("routedPath").has("ovsRoutedOverSwitched")) {
                    out.println("OVS-DPDK routed / switched: " + result.get("routedPath").get("ovsRoutedOverSwitched")
                            + "; Quiver routed / OVS-DPDK routed: " + result.get("routedPath").get("quiverRoutedOverOvsRouted"));
                }
            }
            out.println("saved " + saved);
        }
        out.flush();
        return 0;
    }

    /**
     * Lookups/s on the 900k table ("random" addresses) alone, and while another thread deletes and re-adds routes
     * (the control side's single writer against a reading lcore): as fast as it can, and at 10,000 changes/s (a
     * routing protocol's convergence after a big failure).
     */
    private void duringUpdates(ObjectNode result, Ipv4Fib fib, Routes routes, PrintWriter log) throws InterruptedException {
        int[] keys = keys(routes, "random", 900_000);
        ObjectNode o = result.putObject("lookupsDuringUpdates900k");
        Samples quiet = new Samples();
        for (long perSecond : new long[] {0, 10_000}) {
            Samples busy = new Samples();
            Samples changes = new Samples();
            for (int r = 0; r < repeats; r++) {
                quiet.add(rate(keys, fib::lookup));
                java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
                long[] done = new long[1];
                int seed = r;
                long start = System.nanoTime();
                Thread writer = new Thread(() -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    while (!stop.get()) {
                        long ahead = perSecond == 0 ? 0 : done[0] * 1_000_000_000L / perSecond - (System.nanoTime() - start);
                        if (ahead > 0) { // paced: the writer sleeps between changes, as a control thread would
                            java.util.concurrent.locks.LockSupport.parkNanos(ahead);
                            continue;
                        }
                        int j = rnd.nextInt(routes.network().length);
                        fib.delete(routes.network()[j], routes.length()[j]);
                        fib.add(routes.network()[j], routes.length()[j], j & Ipv4Fib.MAX_NEXT_HOP);
                        done[0] += 2;
                        if ((done[0] & 1023) == 0) {
                            fib.reclaimRetired(); // unlike the datapath, without a quiescence wait: a lookup in flight may read
                            // a reused group's answer (never a fault: the memory stays); this measures rates, not answers
                        }
                    }
                }, "route-writer");
                writer.start();
                busy.add(rate(keys, fib::lookup));
                stop.set(true);
                writer.join();
                changes.add(done[0] * 1e9 / (System.nanoTime() - start));
                log.printf("900k during %s updates repeat %d  quiet %6.1f M/s  busy %6.1f M/s  (%,.0f changes/s)%n",
                        perSecond == 0 ? "unpaced" : perSecond + "/s", r + 1, quiet.values().getLast() / 1e6,
                        busy.values().getLast() / 1e6, changes.values().getLast());
            }
            String name = perSecond == 0 ? "unpaced" : "at" + perSecond + "PerSecond";
            ObjectNode c = o.putObject(name);
            ResultFile.samples(c, "lookupsPerSecond", busy);
            ResultFile.samples(c, "routeChangesPerSecond", changes);
            c.put("ratioToQuiet", busy.median() / quiet.median());
        }
        ResultFile.samples(o, "quiet", quiet);
    }

    interface Lookup {
        void lookup(int[] ips, int[] hops, int n);
    }

    interface Add {
        void add(int network, int length, int hop);
    }

    interface Delete {
        boolean delete(int network, int length);
    }

    /** Addresses inside the routes: any route ("random"), or mostly a few hot addresses ("locality"). */
    private static int[] keys(Routes routes, String pattern, long seed) {
        SplittableRandom r = new SplittableRandom(seed * 31 + pattern.hashCode());
        int[] hot = new int[HOT];
        for (int i = 0; i < HOT; i++) {
            hot[i] = inside(routes, r);
        }
        int[] keys = new int[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = pattern.equals("random") || r.nextInt(100) >= 95 ? inside(routes, r) : hot[r.nextInt(HOT)];
        }
        return keys;
    }

    private static int inside(Routes routes, SplittableRandom r) {
        int i = r.nextInt(routes.network().length);
        int len = routes.length()[i];
        return routes.network()[i] | (len == 32 ? 0 : r.nextInt() >>> len);
    }

    /** Both tables answer every key alike, or the comparison means nothing. */
    private static void check(Ipv4Fib fib, RteLpm lpm, int[] keys) {
        int[] a = new int[BATCH];
        int[] b = new int[BATCH];
        int[] k = new int[BATCH];
        for (int i = 0; i + BATCH <= keys.length; i += BATCH) {
            System.arraycopy(keys, i, k, 0, BATCH);
            fib.lookup(k, a, BATCH);
            lpm.lookup(k, b, BATCH);
            if (!Arrays.equals(a, b)) {
                throw new IllegalStateException("Quiver's FIB and rte_lpm disagree near key " + i + ": " + Arrays.toString(a) + " / " + Arrays.toString(b));
            }
        }
    }

    /** Lookups per second over the measured time, in batches of 64 as a burst would ask. */
    private double rate(int[] keys, Lookup table) {
        long sink = 0;
        long done = 0;
        long start = System.nanoTime();
        long end = start + millis * 1_000_000L;
        long now;
        int at = 0;
        do {
            for (int round = 0; round < 256; round++) {
                System.arraycopy(keys, at, batch, 0, BATCH);
                table.lookup(batch, hops, BATCH);
                sink += hops[BATCH - 1];
                at = (at + BATCH) & (KEYS - 1);
            }
            done += 256L * BATCH;
            now = System.nanoTime();
        } while (now < end);
        blackhole = sink; // the results stay alive, so no lookup is optimised away
        return done * 1e9 / (now - start);
    }

    /** Route changes/s: delete and re-add 10,000 of the loaded routes. */
    private static Samples updates(int repeats, Routes routes, Add add, Delete delete) {
        Samples s = new Samples();
        SplittableRandom r = new SplittableRandom(5);
        for (int rep = 0; rep < repeats; rep++) {
            int changes = 0;
            long start = System.nanoTime();
            for (int i = 0; i < 5_000; i++) {
                int j = r.nextInt(routes.network().length);
                delete.delete(routes.network()[j], routes.length()[j]);
                add.add(routes.network()[j], routes.length()[j], j & Ipv4Fib.MAX_NEXT_HOP);
                changes += 2;
            }
            s.add(changes * 1e9 / (System.nanoTime() - start));
        }
        return s;
    }
}
