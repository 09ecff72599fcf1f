package io.quiver.perf.peers;

import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * dpdk-testpmd as the C peer: the same vdevs, the same forwarding CPU, its own EAL file prefix. Its rate is the mean
 * of port 0's per-second Rx-pps over the measured window (the prints after warm-up).
 */
public final class TestPmd {
    private static final Pattern PORT = Pattern.compile("NIC statistics for port (\\d+)");
    private static final Pattern RX_PPS = Pattern.compile("Rx-pps:\\s+(\\d+)");

    private TestPmd() {
    }

    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/dpdk-testpmd"));
    }

    /** Runs testpmd in {@code mode} (io, macswap) from {@code source} to a net_null sink; returns Mpps. */
    public static double run(String mode, String source, int mainCpu, int cpu, int warmupSeconds, int seconds, Path log) throws IOException, InterruptedException {
        return run(mode, List.of(source, "net_null1,no-rx=1"), null, mainCpu, cpu, warmupSeconds, seconds, log);
    }

    /**
     * Runs testpmd in {@code mode} over {@code vdevs} (the first is the source, port 0), forwarding between the ports
     * {@code portmask} selects (null: all, paired in order); returns port 0's Mpps.
     */
    public static double run(String mode, List<String> vdevs, String portmask, int mainCpu, int cpu, int warmupSeconds, int seconds,
                             Path log) throws IOException, InterruptedException {
        String prefix = "quiver-bench-testpmd-" + ProcessHandle.current().pid();
        List<String> cmd = new ArrayList<>(List.of("dpdk-testpmd", "--no-huge", "-m", "1024", "--no-pci", "-l", mainCpu + "," + cpu));
        for (String v : vdevs) {
            cmd.addAll(List.of("--vdev", v));
        }
        cmd.addAll(List.of("--file-prefix", prefix, "--log-level", "lib.eal:warning",
                "--", "--total-num-mbufs=16384", "--forward-mode=" + mode, "--auto-start", "--stats-period", "1"));
        if (portmask != null) {
            cmd.add("--portmask=" + portmask);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        List<Double> measured = new ArrayList<>();
        try {
            // time the window from testpmd's first statistics print: its start-up (EAL memory, pool) is not measured
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(log, StandardCharsets.ISO_8859_1).contains("NIC statistics for port 0")) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("testpmd did not start forwarding; see " + log);
                }
                Thread.sleep(20);
            }
            // testpmd prints about every second or two, each print its own rate since the previous one: keep the
            // port-0 rates printed after the warm-up, until the measured seconds are over
            long start = System.nanoTime();
            long measureFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
            long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
            int seen = countRates(log).size();
            while (System.nanoTime() < end || measured.isEmpty()) {
                if (!p.isAlive() || System.nanoTime() > end + TimeUnit.SECONDS.toNanos(10)) {
                    break;
                }
                Thread.sleep(50);
                List<Double> rates = countRates(log);
                for (int i = seen; i < rates.size(); i++) {
                    if (System.nanoTime() > measureFrom + TimeUnit.MILLISECONDS.toNanos(900)) {
                        measured.add(rates.get(i));
                    }
                }
                seen = rates.size();
            }
        } finally {
            p.destroy(); // SIGTERM: testpmd stops its ports and exits
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            FileTrees.delete(EalOptions.runtimeFolder(prefix));
        }
        if (measured.isEmpty()) {
            throw new IllegalStateException("testpmd printed no statistics in the measured window; see " + log);
        }
        return measured.stream().mapToDouble(Double::doubleValue).average().orElseThrow() / 1e6;
    }

    /** Port 0's Rx-pps values printed so far; the first print (always 0, it covers nothing) is left out. */
    private static List<Double> countRates(Path log) throws IOException {
        List<Double> pps = new ArrayList<>();
        int port = -1;
        for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
            Matcher m = PORT.matcher(line);
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
            }
            Matcher r = RX_PPS.matcher(line);
            if (r.find() && port == 0) {
                pps.add(Double.parseDouble(r.group(1)));
            }
        }
        return pps.isEmpty() ? pps : pps.subList(1, pps.size());
    }

}
