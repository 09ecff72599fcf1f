package io.quiver.perf.tls;

import com.fasterxml.jackson.databind.JsonNode;
import io.quiver.control.cli.QuiverCli;
import io.quiver.control.host.Shell;
import io.quiver.control.lab.NamespaceLab;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import io.quiver.perf.measure.ResultFile;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The daemon {@code bench tls --via} measures: {@code quiver run} on a one-guest namespace lab with the offload
 * service on (every VNIC may offload, no rate limit), its lcore backing off when idle so that the engine's worker
 * has the machine's other CPU. Runs {@link TlsOffloadLoad} against it, on the host or inside the guest.
 */
final class OffloadDaemon implements AutoCloseable {
    /** Requests one client may have in flight: enough for a pipelining window of handshakes. */
    static final int MAX_PENDING = 256;

    private final Path work;
    private final Path socket;
    private final Process daemon;
    private final String api;
    private final String java;
    private final String flags;
    private final String cp;
    private final HttpClient http = HttpClient.newHttpClient();

    private OffloadDaemon(Path work, Path socket, Process daemon, String api, String java, String flags, String cp) {
        this.work = work;
        this.socket = socket;
        this.daemon = daemon;
        this.api = api;
        this.java = java;
        this.flags = flags;
        this.cp = cp;
    }

    static OffloadDaemon start() throws Exception {
        Path work = Files.createTempDirectory("quiver-bench-tls");
        Path config = new NamespaceLab(1, "shared", work).up();
        String yaml = Files.readString(config).replace("datapath: { mode: shared }", "datapath: { mode: shared, idle: backoff }");
        Path socket = work.resolve("tls-offload.sock");
        yaml += """
                tls-offload:
                  socket: %s
                  hosts: { maxPending: %d }
                  guests: { offloadByDefault: true, maxPending: %d, requestsPerSecond: 0 }
                """.formatted(socket, MAX_PENDING, MAX_PENDING);
        Files.writeString(config, yaml);
        String java = ProcessHandle.current().info().command().orElse("java");
        String flags = "@" + Path.of(System.getProperty("quiver.home", "."), "bin", "jvm.options");
        String cp = System.getProperty("java.class.path");
        Path log = work.resolve("daemon.log");
        Process daemon = new ProcessBuilder(List.of(java, flags, "-cp", cp, QuiverCli.class.getName(), "run", "--config",
                config.toString(), "--state-dir", work.resolve("state").toString(), "--api", "127.0.0.1:0",
                "--file-prefix", "quiver-bench-tls-" + ProcessHandle.current().pid()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String api = apiUrl(log, daemon);
            Shell.check("ip", "netns", "exec", NamespaceLab.guestNamespace(1), "ip", "link", "set", "lo", "up");
            return new OffloadDaemon(work, socket, daemon, api, java, flags, cp);
        } catch (Exception e) {
            daemon.destroyForcibly();
            NamespaceLab.down(1);
            throw e;
        }
    }

    private static String apiUrl(Path log, Process daemon) throws Exception {
        Pattern url = Pattern.compile("REST API on (http://\\S+?)/[, ]");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            Matcher m = url.matcher(text);
            if (m.find() && text.contains("TLS offload service on")) {
                return m.group(1);
            }
            if (!daemon.isAlive()) {
                throw new IllegalStateException("the daemon exited: " + text);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the daemon did not start within 90 s: " + Files.readString(log));
    }

    /**
     * Load through {@code via} in rounds until the daemon's JIT compilers are quiet (bin/jvm.options' inlining limits
     * keep C2 busy for tens of seconds, and a window measured meanwhile shares the CPUs with it).
     */
    void warmUntilCompiled(String via, NamedGroup group, PrintStream log) throws Exception {
        for (int round = 1; round <= 30; round++) {
            long before = io.quiver.perf.measure.JitCpu.millis(daemon.pid());
            load(via, group, 1, 3, 1);
            long spent = io.quiver.perf.measure.JitCpu.millis(daemon.pid()) - before;
            if (spent <= 50) {
                log.printf("  the daemon's JIT is quiet (%d ms in a 3 s round) after %d round(s)%n", spent, round);
                return;
            }
        }
        throw new IllegalStateException("the daemon's JIT compilers were still busy after 30 warm-up rounds");
    }

    /** The offload service's view: handshakes so far, the worker's allocated bytes. */
    JsonNode view() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/v1/tls-offload")).build(),
                HttpResponse.BodyHandlers.ofString());
        return ResultFile.JSON.readTree(r.body());
    }

    /** One load run through {@code via} ("socket" or "vnic"): its RESULT lines. */
    List<JsonNode> load(String via, NamedGroup group, int warmup, int seconds, int windows) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (via.equals("vnic")) {
            cmd.addAll(List.of("ip", "netns", "exec", NamespaceLab.guestNamespace(1)));
        }
        cmd.addAll(List.of(java, flags, "-cp", cp, TlsOffloadLoad.class.getName(), via));
        if (via.equals("socket")) {
            cmd.add(socket.toString());
        }
        cmd.addAll(List.of(group.name(), Integer.toString(warmup), Integer.toString(seconds), Integer.toString(windows)));
        Shell.Result r = Shell.run(cmd, 60L + warmup + (long) seconds * windows * 2);
        Matcher m = Pattern.compile("RESULT (\\{.*})").matcher(r.output());
        List<JsonNode> out = new ArrayList<>();
        while (m.find()) {
            out.add(ResultFile.JSON.readTree(m.group(1)));
        }
        if (r.exitCode() != 0 || out.size() != windows) {
            throw new IllegalStateException("the " + via + " load failed (exit code " + r.exitCode() + "): " + r.output());
        }
        for (JsonNode w : out) {
            if (w.get("failures").asLong() > 0) {
                throw new IllegalStateException("offloads failed through the " + via + ": " + r.output());
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        daemon.destroy();
        if (!daemon.waitFor(20, TimeUnit.SECONDS)) {
            daemon.destroyForcibly();
        }
        NamespaceLab.down(1);
        Files.writeString(work.resolve("done"), "", StandardOpenOption.CREATE);
    }
}
