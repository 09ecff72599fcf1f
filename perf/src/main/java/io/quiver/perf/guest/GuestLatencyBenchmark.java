package io.quiver.perf.guest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.control.cli.QuiverCli;
import io.quiver.control.guest.GuestProtocol;
import io.quiver.control.lab.NamespaceLab;
import io.quiver.control.host.Shell;
import io.quiver.dataplane.lcore.CpuWakeLatency;
import io.quiver.dataplane.runtime.FileTrees;
import io.quiver.perf.measure.DaemonProcess;
import io.quiver.perf.measure.JitCpu;
import io.quiver.perf.measure.ResultFile;
import io.quiver.perf.measure.Samples;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quiver bench guest-latency}: request-to-dataplane-effect latency of guest configuration requests. A lab
 * guest sends requests through its VNIC to 169.254.169.254; the daemon reports, per accepted request, the time from
 * the lcore receiving it to the change being committed and live (the lcores use it from their next burst); the
 * guest reports its round trips. Needs root (namespaces).
 */
@Command(name = "guest-latency", mixinStandardHelpOptions = true,
        description = "Guest request -> committed and live in the dataplane: p50/p99/p99.9 (target p99 < 100 us).")
public final class GuestLatencyBenchmark implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** The lab's lcore runs on CPU 1 (the main CPU's neighbour); the guest's load on the main CPU, 0. */
    private static final String LCORE_CPU = "1";
    private static final String MAIN_CPU = "0";
    /** Warm-up goes on in rounds of this many requests until the daemon's JIT compilers use at most SETTLED_MILLIS in one. */
    private static final int WARMUP_ROUND = 10_000;
    private static final long SETTLED_MILLIS = 30;
    private static final int MAX_WARMUP_ROUNDS = 40;
    /** Wake-ups the platform probe measures, one per 100 us. */
    private static final int WAKE_PROBES = 20_000;

    @Option(names = "--requests", defaultValue = "2000", description = "measured requests per repeat (default: ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--warmup", defaultValue = "30000", description = "warm-up requests at least, not measured; then rounds of "
            + WARMUP_ROUND + " more until the daemon's JIT compilers are quiet (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--repeats", defaultValue = "3")
    int repeats;

    @Option(names = "--json")
    boolean json;

    /**
     * How the daemon runs: the service thread on the main CPU (idle CPUs held awake by a CPU latency QoS request, the
     * default); on the lab's lcore CPU (CPU 1, the main CPU's neighbour), which spares the cross-CPU wake-up per request
     * and costs the lcore the request's service time (what {@code --guest-service-cpu auto}, the default, picks on a
     * machine whose only other CPU is the main one); and on the main CPU without the QoS request, where each request
     * waits for the main CPU to leave its idle halt. These three keep commits in the page cache
     * ({@code --store-durability process}), so they measure Quiver's own path; the fourth is the daemon's default, a
     * commit on disk before the reply (docs/configstore.md), whose p99 is the disk's flush.
     */
    private static final Map<String, List<String>> PLACEMENTS = new LinkedHashMap<>();

    static {
        PLACEMENTS.put("main-cpu", List.of("--guest-service-cpu", "main", "--store-durability", "process"));
        PLACEMENTS.put("lcore-cpu", List.of("--guest-service-cpu", LCORE_CPU, "--store-durability", "process"));
        PLACEMENTS.put("main-cpu-sleeping", List.of("--guest-service-cpu", "main", "--cpu-wake-latency-us", "off",
                "--store-durability", "process"));
        PLACEMENTS.put("main-cpu-power-loss-durable", List.of("--guest-service-cpu", "main"));
    }

    @Override
    public Integer call() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("the benchmark builds a namespace lab: run it as root");
        }
        if (repeats < 3) {
            throw new IllegalArgumentException("at least 3 repeats: min / median / max need them");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter log = json ? new PrintWriter(System.err, true) : out;
        ObjectNode result = ResultFile.start("guest-latency");
        result.put("requests", requests).put("warmup", warmup).put("repeats", repeats);
        Map<String, Samples[]> byPlacement = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> placement : PLACEMENTS.entrySet()) {
            log.printf("daemon %s:%n", placement.getKey());
            Samples[] s = measure(placement.getValue(), log);
            byPlacement.put(placement.getKey(), s);
            ObjectNode r = result.putObject(placement.getKey());
            String[] names = {"requestToLiveP50Micros", "requestToLiveP99Micros", "requestToLiveP999Micros",
                    "guestRoundTripP50Micros", "guestRoundTripP99Micros", "daemonJitCpuMillis"};
            for (int i = 0; i < names.length; i++) {
                ResultFile.samples(r, names[i], s[i]);
            }
        }
        Map<String, Samples[]> wake = new LinkedHashMap<>();
        wake.put("platformCrossCpuWake", platformWake(false));
        wake.put("platformCrossCpuWakeHeldAwake", platformWake(true));
        wake.forEach((name, w) -> {
            ObjectNode platform = result.putObject(name);
            ResultFile.samples(platform, "p50Micros", w[0]);
            ResultFile.samples(platform, "p99Micros", w[1]);
        });
        Path saved = ResultFile.save(result);
        if (json) {
            out.println(ResultFile.JSON.writeValueAsString(result));
        } else {
            out.printf("%nrequest -> committed and live (us)   min / median / max over %d repeats%n", repeats);
            byPlacement.forEach((name, s) -> {
                out.printf("daemon %s%n", name);
                out.printf("  p50    %8.1f %8.1f %8.1f%n", s[0].min(), s[0].median(), s[0].max());
                out.printf("  p99    %8.1f %8.1f %8.1f   (target < 100)%n", s[1].min(), s[1].median(), s[1].max());
                out.printf("  p99.9  %8.1f %8.1f %8.1f%n", s[2].min(), s[2].median(), s[2].max());
                out.printf("  guest round trip p50 %8.1f %8.1f %8.1f   (includes the guest's kernel and af_packet)%n",
                        s[3].min(), s[3].median(), s[3].max());
                out.printf("  guest round trip p99 %8.1f %8.1f %8.1f%n", s[4].min(), s[4].median(), s[4].max());
                out.printf("  daemon's JIT CPU (ms) %7.0f %8.0f %8.0f   (about 0: steady state was measured)%n", s[5].min(), s[5].median(), s[5].max());
            });
            wake.forEach((name, w) -> {
                out.printf("the platform's cross-CPU wake-up (lcore CPU -> main CPU, no Quiver code, %d repeats), %s%n", repeats,
                        name.endsWith("HeldAwake") ? "idle CPUs held awake (as the daemon's default)" : "idle CPUs free to halt");
                out.printf("  p50    %8.1f %8.1f %8.1f%n", w[0].min(), w[0].median(), w[0].max());
                out.printf("  p99    %8.1f %8.1f %8.1f%n", w[1].min(), w[1].median(), w[1].max());
            });
            out.println("saved " + saved);
        }
        out.flush();
        return 0;
    }

    /** p50 and p99 (us) of the bare wake-up probe over the repeats, with this process holding the daemon's QoS request or none. */
    private Samples[] platformWake(boolean heldAwake) throws InterruptedException {
        Samples p50 = new Samples();
        Samples p99 = new Samples();
        try (CpuWakeLatency request = heldAwake ? CpuWakeLatency.hold(0) : CpuWakeLatency.none()) {
            if (heldAwake && !request.held()) {
                throw new IllegalStateException("the probe cannot hold idle CPUs awake: " + request.refusal());
            }
            for (int r = 0; r < repeats; r++) {
                long[] wake = CrossCpuWakeProbe.measure(Integer.parseInt(LCORE_CPU), Integer.parseInt(MAIN_CPU),
                        GuestProtocol.DEFAULT_REALTIME_PRIORITY, WAKE_PROBES, 100);
                p50.add(wake[wake.length / 2] / 1e3);
                p99.add(wake[wake.length * 99 / 100] / 1e3);
            }
        }
        return new Samples[] {p50, p99};
    }

    /** One daemon with the service thread placed by {@code daemonOptions}: request-to-live p50/p99/p99.9, guest p50/p99. */
    private Samples[] measure(List<String> daemonOptions, PrintWriter log) throws Exception {
        Path work = Files.createTempDirectory("quiver-bench-guest");
        Path config = new NamespaceLab(1, "shared", work).up();
        String java = ProcessHandle.current().info().command().orElse("java");
        String flags = "@" + Path.of(System.getProperty("quiver.home", "."), "bin", "jvm.options");
        String cp = System.getProperty("java.class.path");
        List<String> cmd = new ArrayList<>(List.of(java, flags, "-cp", cp, QuiverCli.class.getName(), "run", "--config", config.toString(),
                "--state-dir", work.resolve("state").toString(), "--api", "127.0.0.1:0", "--guest-rate", "1000000", "--guest-burst", "1000000",
                "--file-prefix", "quiver-bench-guest-" + ProcessHandle.current().pid()));
        cmd.addAll(daemonOptions);
        Process daemon = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("daemon.log").toFile()).start();
        Samples[] s = {new Samples(), new Samples(), new Samples(), new Samples(), new Samples(), new Samples()};
        try {
            String api = DaemonProcess.apiUrl(work.resolve("daemon.log"), daemon);
            HttpClient http = HttpClient.newHttpClient();
            DaemonProcess.send(http, "PUT", api + "/v1/vnics/g1/policy", "{\"policy\":\"secondary-macs=02:00:00:00:07:01,02:00:00:00:07:02\"}");
            load(java, flags, cp, warmup);
            warmUntilCompiled(java, flags, cp, daemon.pid(), http, api, log);
            for (int r = 1; r <= repeats; r++) {
                DaemonProcess.send(http, "DELETE", api + "/v1/stats/guest-latency", null);
                long jitBefore = JitCpu.millis(daemon.pid());
                JsonNode client = load(java, flags, cp, requests);
                long jit = JitCpu.millis(daemon.pid()) - jitBefore;
                s[5].add(jit);
                JsonNode all = ResultFile.JSON.readTree(DaemonProcess.send(http, "GET", api + "/v1/stats", null));
                JsonNode stats = all.get("guestRequestLatency");
                all.get("guestRequestStages").fields().forEachRemaining(e -> log.printf("    stage %-8s p50 %8.1f us  p99 %8.1f us%n",
                        e.getKey(), e.getValue().get("p50Micros").asDouble(), e.getValue().get("p99Micros").asDouble()));
                s[0].add(stats.get("p50Micros").asDouble());
                s[1].add(stats.get("p99Micros").asDouble());
                s[2].add(stats.get("p999Micros").asDouble());
                s[3].add(client.get("p50Micros").asDouble());
                s[4].add(client.get("p99Micros").asDouble());
                log.printf("repeat %d: request -> live p50 %.1f us, p99 %.1f us, p99.9 %.1f us (%d requests); guest round trip p50 %.1f us, "
                                + "p99 %.1f us; the daemon's JIT used %d ms%n",
                        r, stats.get("p50Micros").asDouble(), stats.get("p99Micros").asDouble(), stats.get("p999Micros").asDouble(),
                        stats.get("count").asLong(), client.get("p50Micros").asDouble(), client.get("p99Micros").asDouble(), jit);
            }
        } finally {
            daemon.destroy();
            daemon.waitFor(20, TimeUnit.SECONDS);
            NamespaceLab.down(1);
        }
        FileTrees.delete(work); // kept only when the run failed: the daemon's log is what the error points to
        return s;
    }

    /**
     * More warm-up until the daemon runs compiled code: with bin/jvm.options' large inlining limits its C2 compiles
     * for about 25 s, and a window measured meanwhile shares the main CPU with the compiler (a third of it, measured).
     */
    private static void warmUntilCompiled(String java, String flags, String cp, long daemonPid, HttpClient http, String api,
                                          PrintWriter log) throws Exception {
        for (int round = 1; round <= MAX_WARMUP_ROUNDS; round++) {
            long before = JitCpu.millis(daemonPid);
            // a round does what a measured repeat does, the API calls around the load included: their code gets compiled too
            DaemonProcess.send(http, "DELETE", api + "/v1/stats/guest-latency", null);
            load(java, flags, cp, WARMUP_ROUND);
            DaemonProcess.send(http, "GET", api + "/v1/stats", null);
            long spent = JitCpu.millis(daemonPid) - before;
            if (spent <= SETTLED_MILLIS) {
                log.printf("  warm-up: the daemon's JIT is quiet (%d ms over %d requests) after %d extra round(s)%n", spent, WARMUP_ROUND, round);
                return;
            }
        }
        throw new IllegalStateException("the daemon's JIT compilers were still busy after " + MAX_WARMUP_ROUNDS * WARMUP_ROUND
                + " extra warm-up requests: no steady state to measure");
    }

    private static JsonNode load(String java, String flags, String cp, int count) throws Exception {
        // The guest stays off the lcore's CPU, as a VM stays off a production appliance's isolated lcore cores:
        // sharing it would measure the kernel's time slices, not Quiver.
        Shell.Result r = Shell.run(List.of("ip", "netns", "exec", NamespaceLab.guestNamespace(1), "taskset", "-c", MAIN_CPU, java, flags, "-cp", cp,
                GuestRequestLoad.class.getName(), Integer.toString(count)), 600);
        Matcher m = Pattern.compile("RESULT (\\{.*})").matcher(r.output());
        if (r.exitCode() != 0 || !m.find()) {
            throw new IllegalStateException("the guest's load failed (exit code " + r.exitCode() + "): " + r.output());
        }
        return ResultFile.JSON.readTree(m.group(1));
    }
}
