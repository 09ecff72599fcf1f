package io.quiver.perf.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.configstore.StoreOptions;
import io.quiver.configstore.files.ChronicleFiles;
import io.quiver.control.cli.QuiverCli;
import io.quiver.control.host.Shell;
import io.quiver.control.lab.NamespaceLab;
import io.quiver.dataplane.runtime.FileTrees;
import io.quiver.perf.measure.DaemonProcess;
import io.quiver.perf.measure.ResultFile;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quiver bench soak}: the daemon (a child process, native memory tracked) on a namespace lab under continuous
 * traffic (guest 1 sends UDP to guest 2 through Quiver) and continuous churn (VNICs created, changed and deleted over
 * REST, policy changes, and guest 3's configuration requests through its VNIC), sampled every {@code --sample-seconds}:
 * mbufs in use, the heap after a full GC, native memory (NMT), open descriptors, the store's files, and counter
 * conservation per guest port. It fails when one of them grows without bound, a count breaks, or the churn is refused.
 * Needs root (namespaces). docs/testing.md, "Soak".
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Continuous traffic and churn for --minutes, sampled for leaks and broken counts (exit 1 when found).")
public final class SoakBenchmark implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--minutes", defaultValue = "30", description = "how long (default: ${DEFAULT-VALUE})")
    double minutes;

    @Option(names = "--sample-seconds", defaultValue = "60", description = "between two samples (default: ${DEFAULT-VALUE})")
    int sampleSeconds;

    @Option(names = "--record", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "write perf/results/soak-<time>.json (default: ${DEFAULT-VALUE})")
    boolean record;

    /** Frames in flight between a port's receive and their count (bursts, rings): the slack of a live conservation check. */
    static final long IN_FLIGHT = 8192;
    static final String BLASTER = String.join("\n",
            "import socket, sys, time",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "d = (sys.argv[1], 9); b = b'q' * 64",
            "while True:",
            "    for _ in range(100):",
            "        s.sendto(b, d)",
            "    time.sleep(0.005)");
    static final String REQUESTS = String.join("\n",
            "import socket, time",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "s.settimeout(0.5)",
            "k = 0",
            "while True:",
            "    k += 1",
            "    s.sendto(b'QUIVER/1 REQUEST %d\\nop: set\\nparameter: mtu\\nvalue: %d\\n\\n' % (k, 1000 + k % 300), ('169.254.169.254', 6860))",
            "    try:",
            "        s.recv(2048)",
            "    except socket.timeout:",
            "        pass",
            "    time.sleep(0.05)");

    /** One sample: the values watched for growth, and what the conservation check found. */
    record Sample(double minute, long mbufsInUse, long heapAfterGcKb, long nativeCommittedKb, long descriptors, long storeOtherKb,
                  long journalKb, long journalFiles, String conservation) {
    }

    @Override
    public Integer call() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("the soak builds a namespace lab: run it as root");
        }
        if (minutes <= 0 || sampleSeconds < 5) {
            throw new IllegalArgumentException("--minutes must be positive and --sample-seconds at least 5");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("quiver-soak");
        Path config = new NamespaceLab(3, "shared", work).up();
        Path state = work.resolve("state");
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = work.resolve("daemon.log");
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:NativeMemoryTracking=summary",
                "@" + Path.of(System.getProperty("quiver.home", "."), "bin", "jvm.options"), "-cp", System.getProperty("java.class.path"),
                QuiverCli.class.getName(), "run", "--config", config.toString(), "--state-dir", state.toString(), "--api", "127.0.0.1:0",
                "--guest-rate", "20", "--guest-burst", "20", "--file-prefix", "quiver-soak-" + ProcessHandle.current().pid()));
        Process daemon = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        List<Process> guests = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        AtomicReference<String> churnFailure = new AtomicReference<>();
        AtomicLong churned = new AtomicLong();
        Thread churn = null;
        boolean ok = false;
        try {
            String api = DaemonProcess.apiUrl(log, daemon);
            HttpClient http = HttpClient.newHttpClient();
            DaemonProcess.send(http, "PUT", api + "/v1/vnics/g3/policy", "{\"policy\":\"mtu=68..1500\"}");
            guests.add(inGuest(1, BLASTER, NamespaceLab.guestIp(2)));
            guests.add(inGuest(3, REQUESTS));
            churn = new Thread(() -> churn(http, api, churned, churnFailure), "soak-churn");
            churn.setDaemon(true);
            churn.start();
            long start = System.nanoTime();
            long end = start + (long) (minutes * 60e9);
            Map<String, Long> counters = new LinkedHashMap<>();
            out.printf("%7s %8s %9s %10s %5s %9s %9s %6s  %s%n", "MINUTE", "MBUFS", "HEAP MB", "NATIVE MB", "FDS", "STORE KB",
                    "JOURNAL KB", "FILES", "CONSERVATION");
            while (true) {
                long next = System.nanoTime() + TimeUnit.SECONDS.toNanos(sampleSeconds);
                Sample s = sample(http, api, daemon.pid(), state, (System.nanoTime() - start) / 60e9, counters);
                samples.add(s);
                out.printf(Locale.ROOT, "%7.1f %8d %9.1f %10.1f %5d %9d %9d %6d  %s%n", s.minute(), s.mbufsInUse(), s.heapAfterGcKb() / 1024.0,
                        s.nativeCommittedKb() / 1024.0, s.descriptors(), s.storeOtherKb(), s.journalKb(), s.journalFiles(), s.conservation());
                out.flush();
                if (!s.conservation().equals("ok")) {
                    failures.add("minute " + String.format(Locale.ROOT, "%.1f", s.minute()) + ": " + s.conservation());
                }
                if (churnFailure.get() != null) {
                    failures.add("the churn was refused: " + churnFailure.get());
                    break;
                }
                if (!daemon.isAlive()) {
                    failures.add("the daemon died; see " + log);
                    break;
                }
                if (System.nanoTime() >= end) {
                    break;
                }
                Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(Math.min(next, end) - System.nanoTime())));
            }
            failures.addAll(growth(samples));
            ok = failures.isEmpty();
            out.printf("%d changes churned; %d samples%n", churned.get(), samples.size());
            failures.forEach(f -> out.println("FAIL " + f));
            out.println(ok ? "soak: nothing grew without bound and every count held" : "soak: FAILED");
            if (record) {
                out.println("saved " + ResultFile.save(result(samples, failures, churned.get())));
            }
            return ok ? 0 : 1;
        } finally {
            if (churn != null) {
                churn.interrupt();
            }
            guests.forEach(Process::destroyForcibly);
            daemon.destroy();
            daemon.waitFor(30, TimeUnit.SECONDS);
            NamespaceLab.down(3);
            if (ok) {
                FileTrees.delete(work); // kept when the soak failed: the daemon's log is what a failure points to
            } else {
                out.println("kept " + work + " (the daemon's log and state)");
            }
            out.flush();
        }
    }

    private static Process inGuest(int guest, String script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", NamespaceLab.guestNamespace(guest), "python3", "-c", script));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Creates, changes and deletes VNICs and flips a policy, ten changes a second, until interrupted. */
    private static void churn(HttpClient http, String api, AtomicLong churned, AtomicReference<String> failure) {
        try {
            for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                String name = "soak" + (i % 8);
                DaemonProcess.send(http, "POST", api + "/v1/vnics", String.format(Locale.ROOT,
                        "{\"name\":\"%s\",\"port\":\"g1\",\"mac\":\"02:00:00:5a:00:%02x\",\"ipv4\":[\"10.99.%d.1/24\"]}", name, i % 8, i % 8));
                DaemonProcess.send(http, "PUT", api + "/v1/vnics/" + name + "/props/mtu", "{\"value\":\"" + (1000 + i % 400) + "\"}");
                DaemonProcess.send(http, "PUT", api + "/v1/vnics/g3/policy",
                        "{\"policy\":\"mtu=68.." + (i % 2 == 0 ? 1500 : 1400) + "\"}");
                DaemonProcess.send(http, "DELETE", api + "/v1/vnics/" + name, null);
                churned.addAndGet(4);
                Thread.sleep(400);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure.compareAndSet(null, e.getMessage());
        }
    }

    private static Sample sample(HttpClient http, String api, long pid, Path state, double minute, Map<String, Long> counters)
            throws Exception {
        String metrics = DaemonProcess.send(http, "GET", api + "/metrics", null);
        Matcher m = Pattern.compile("(?m)^quiver_mbufs_in_use\\s+([0-9.eE+]+)").matcher(metrics);
        long mbufs = m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
        jcmd(pid, "GC.run");
        long heapKb = heapUsedKb(jcmd(pid, "GC.heap_info"));
        Matcher nmt = Pattern.compile("Total: reserved=\\d+KB, committed=(\\d+)KB").matcher(jcmd(pid, "VM.native_memory", "summary"));
        long nativeKb = nmt.find() ? Long.parseLong(nmt.group(1)) : -1;
        long fds;
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            fds = s.count();
        }
        long journalKb = 0;
        long otherKb = 0;
        long journalFiles = 0;
        try (Stream<Path> s = Files.list(state)) {
            for (Path f : s.toList()) {
                long kb = allocatedKb(f);
                if (ChronicleFiles.segmentFirstSequence(f) > 0) {
                    journalKb += kb;
                    journalFiles++;
                } else {
                    otherKb += kb;
                }
            }
        }
        String conservation = conservation(http, api, counters);
        return new Sample(minute, mbufs, heapKb, nativeKb, fds, otherKb, journalKb, journalFiles, conservation);
    }

    /**
     * Each guest port's frames are all accounted for: what its VNICs sent on (and their requests) plus the port's own
     * ingress drops, at most that plus the VNICs' drops (some of which are of frames coming in, not going out), give or
     * take what is in flight; and no counter went back.
     */
    private static String conservation(HttpClient http, String api, Map<String, Long> counters) throws Exception {
        JsonNode ports = ResultFile.JSON.readTree(DaemonProcess.send(http, "GET", api + "/v1/ports", null));
        JsonNode vnics = ResultFile.JSON.readTree(DaemonProcess.send(http, "GET", api + "/v1/vnics", null));
        List<String> problems = new ArrayList<>();
        for (JsonNode p : ports) {
            String port = p.get("name").asText();
            monotonic("port " + port + " rx", p.get("rxPackets").asLong(), counters, problems);
            monotonic("port " + port + " tx", p.get("txPackets").asLong(), counters, problems);
            if (!port.matches("g\\d+")) {
                continue;
            }
            long in = p.get("rxPackets").asLong();
            long ingressDrops = sum(p.get("ingressDrops"));
            long sent = 0;
            long dropped = 0;
            for (JsonNode v : vnics) {
                if (v.get("port").asText().equals(port)) {
                    JsonNode c = v.get("counters");
                    sent += c.get("txPackets").asLong() + c.get("guestRequests").asLong();
                    dropped += sum(c.get("drops"));
                }
            }
            if (in + IN_FLIGHT < sent + ingressDrops || in > sent + ingressDrops + dropped + IN_FLIGHT) {
                problems.add("port " + port + " received " + in + " but its VNICs sent " + sent + " and dropped " + dropped
                        + ", and it dropped " + ingressDrops + " itself");
            }
        }
        return problems.isEmpty() ? "ok" : String.join("; ", problems);
    }

    private static void monotonic(String name, long value, Map<String, Long> counters, List<String> problems) {
        Long before = counters.put(name, value);
        if (before != null && value < before) {
            problems.add(name + " went back from " + before + " to " + value);
        }
    }

    private static long sum(JsonNode map) {
        long total = 0;
        if (map != null) {
            for (JsonNode n : map) {
                total += n.asLong();
            }
        }
        return total;
    }

    /**
     * What grew without bound: after the first sample (start-up), the largest value of the last third of the run
     * against the largest of the first third, with a tolerance each (a heap and a code cache breathe); and the journal
     * never holds more files than its retention keeps.
     */
    static List<String> growth(List<Sample> samples) {
        List<String> out = new ArrayList<>();
        if (samples.size() < 4) {
            out.add(samples.size() + " samples: too few to tell growth from start-up (run longer or sample more often)");
            return out;
        }
        List<Sample> steady = samples.subList(1, samples.size());
        int third = Math.max(1, steady.size() / 3);
        List<Sample> first = steady.subList(0, third);
        List<Sample> last = steady.subList(steady.size() - third, steady.size());
        check("mbufs in use", first, last, Sample::mbufsInUse, 0.0, 1024, out);
        check("heap after a full GC (KB)", first, last, Sample::heapAfterGcKb, 0.25, 16 * 1024, out);
        check("native memory committed (KB)", first, last, Sample::nativeCommittedKb, 0.10, 48 * 1024, out);
        check("open descriptors", first, last, Sample::descriptors, 0.0, 8, out);
        check("the store's files but the journal (KB)", first, last, Sample::storeOtherKb, 0.10, 1024, out);
        long maxFiles = samples.stream().mapToLong(Sample::journalFiles).max().orElse(0);
        if (maxFiles > StoreOptions.DEFAULT_JOURNAL_FILES_KEPT + 1) {
            out.add("the journal held " + maxFiles + " files, more than retention keeps (" + StoreOptions.DEFAULT_JOURNAL_FILES_KEPT + ")");
        }
        for (Sample s : samples) {
            if (s.mbufsInUse() < 0 || s.heapAfterGcKb() < 0 || s.nativeCommittedKb() < 0) {
                out.add("minute " + s.minute() + ": a reading failed (mbufs " + s.mbufsInUse() + ", heap " + s.heapAfterGcKb()
                        + ", native " + s.nativeCommittedKb() + ")");
                break;
            }
        }
        return out;
    }

    private static void check(String what, List<Sample> first, List<Sample> last, java.util.function.ToLongFunction<Sample> value,
                              double relative, long absolute, List<String> out) {
        long early = first.stream().mapToLong(value).max().orElse(0);
        long late = last.stream().mapToLong(value).max().orElse(0);
        if (late > early + Math.max(absolute, (long) (early * relative))) {
            out.add(what + " grew from " + early + " to " + late);
        }
    }

    /**
     * The heap's used KB from {@code GC.heap_info}: the sum of its generations' "used" (Parallel GC, which
     * bin/jvm.options picks, prints a line per generation; G1 one line for the whole heap); -1 when none is found.
     */
    static long heapUsedKb(String heapInfo) {
        long used = 0;
        boolean found = false;
        Pattern usedKb = Pattern.compile("used (\\d+)K");
        for (String line : heapInfo.lines().toList()) {
            String t = line.strip();
            if (t.startsWith("PSYoungGen") || t.startsWith("ParOldGen") || t.startsWith("garbage-first heap")
                    || t.startsWith("def new generation") || t.startsWith("tenured generation")) {
                Matcher m = usedKb.matcher(t);
                if (m.find()) {
                    used += Long.parseLong(m.group(1));
                    found = true;
                }
            }
        }
        return found ? used : -1;
    }

    private static String jcmd(long pid, String... command) {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd");
        List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
        cmd.addAll(List.of(command));
        Shell.Result r = Shell.run(cmd, 60);
        return r.output();
    }

    private static long allocatedKb(Path f) {
        Shell.Result r = Shell.run(List.of("du", "-k", f.toString()), 10);
        String[] fields = r.output().strip().split("\\s+");
        return r.exitCode() == 0 && fields.length > 0 && fields[0].matches("\\d+") ? Long.parseLong(fields[0]) : 0;
    }

    private ObjectNode result(List<Sample> samples, List<String> failures, long churned) {
        ObjectNode r = ResultFile.start("soak");
        r.put("minutes", minutes).put("sampleSeconds", sampleSeconds).put("changesChurned", churned).put("passed", failures.isEmpty());
        ArrayNode f = r.putArray("failures");
        failures.forEach(f::add);
        ArrayNode s = r.putArray("samples");
        for (Sample x : samples) {
            s.add(ResultFile.JSON.valueToTree(x));
        }
        return r;
    }
}
