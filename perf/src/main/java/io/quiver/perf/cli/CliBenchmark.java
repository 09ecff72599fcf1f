package io.quiver.perf.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.dataplane.runtime.FileTrees;
import io.quiver.perf.measure.ResultFile;
import io.quiver.perf.measure.Samples;
import io.quiver.perf.peers.OvsDpdk;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * How long an operator waits for the CLI: {@code bin/quiver show-vnic} against a running daemon (the embedded default,
 * its lcore busy) and {@code bin/quiver --help}, each a whole process from the shell script on, beside
 * {@code ip -s link show} and OVS-DPDK's {@code ovs-vsctl show} against a running OVS in the same run, interleaved.
 */
@Command(name = "cli", mixinStandardHelpOptions = true,
        description = "CLI latency: quiver show-vnic and --help against ip -s link show and ovs-vsctl show, whole processes.")
public final class CliBenchmark implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--repeats", defaultValue = "20", description = "runs of every command, interleaved (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--no-ovs", description = "leave OVS-DPDK out (when it is not installed)")
    boolean noOvs;

    @Option(names = "--json", description = "print the result as one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (repeats < 5) {
            throw new IllegalArgumentException("at least 5 repeats");
        }
        PrintWriter out = spec.commandLine().getOut();
        String home = System.getProperty("quiver.home", ".");
        Path work = Files.createTempDirectory("quiver-bench-cli");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String api = "http://127.0.0.1:" + port;
        Process daemon = new ProcessBuilder(home + "/bin/quiver", "run", "--api", "127.0.0.1:" + port, "--state-dir",
                work.resolve("state").toString(), "--file-prefix", "quiver-bench-cli-" + ProcessHandle.current().pid())
                .redirectErrorStream(true).redirectOutput(work.resolve("daemon.log").toFile()).start();
        OvsDpdk ovs = null;
        try {
            awaitDaemon(work.resolve("daemon.log"), daemon);
            Map<String, List<String>> commands = new LinkedHashMap<>();
            commands.put("quiver show-vnic", List.of(home + "/bin/quiver", "show-vnic", "--api", api));
            commands.put("quiver --help", List.of(home + "/bin/quiver", "--help"));
            commands.put("ip -s link show", List.of("ip", "-s", "link", "show"));
            if (!noOvs) {
                if (!OvsDpdk.available()) {
                    throw new IllegalStateException("OVS-DPDK not found: install the Debian package 'openvswitch-switch-dpdk' (or pass --no-ovs)");
                }
                ovs = OvsDpdk.start(work.resolve("ovs"), 0, 1, "net_null9,no-rx=1");
                commands.put("ovs-vsctl show", ovs.vsctlCommand("show"));
            }
            for (List<String> c : commands.values()) { // once each, untimed: the page cache and the CLI's AOT cache
                time(c, work);
            }
            Map<String, Samples> ms = new LinkedHashMap<>();
            for (int r = 0; r < repeats; r++) {
                for (var e : commands.entrySet()) {
                    ms.computeIfAbsent(e.getKey(), k -> new Samples()).add(time(e.getValue(), work));
                }
            }
            ObjectNode result = ResultFile.start("cli");
            result.put("repeats", repeats).put("daemon", "the embedded default (its lcore busy on CPU 1)");
            ObjectNode millis = result.putObject("millis");
            ms.forEach((k, v) -> ResultFile.samples(millis, k, v));
            result.put("goalShowVnicMedianMillis", 300).put("goalHelpMedianMillis", 200);
            Path saved = ResultFile.save(result);
            if (json) {
                out.println(ResultFile.JSON.writeValueAsString(result));
            } else {
                out.printf("%-20s %8s %8s %8s   (ms, whole process, %d runs each)%n", "command", "min", "median", "max", repeats);
                ms.forEach((k, v) -> out.printf("%-20s %8.0f %8.0f %8.0f%n", k, v.min(), v.median(), v.max()));
                out.printf("goals: show-vnic median < 300 ms, --help < 200 ms%n");
                out.println("saved " + saved);
            }
            out.flush();
            return 0;
        } finally {
            if (ovs != null) {
                ovs.close();
            }
            daemon.destroy();
            if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
            FileTrees.delete(work);
        }
    }

    private static void awaitDaemon(Path log, Process daemon) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.readString(log).contains("quiver: running")) {
            if (!daemon.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the daemon did not start: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    /** Milliseconds from start to exit of {@code command}, which must succeed. */
    private static double time(List<String> command, Path work) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                .redirectOutput(work.resolve("last-command.txt").toFile()).start();
        int rc = p.waitFor();
        double ms = (System.nanoTime() - t0) / 1e6;
        if (rc != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + rc + "): " + Files.readString(work.resolve("last-command.txt")));
        }
        return ms;
    }
}
