package io.quiver.perf.forward;

import java.io.IOException;
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
final class TestPmd {
    private static final Pattern PORT = Pattern.compile("NIC statistics for port (\\d+)");
    private static final Pattern RX_PPS = Pattern.compile("Rx-pps:\\s+(\\d+)");

    private TestPmd() {
    }

    static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/dpdk-testpmd"));
    }

    /** Runs testpmd in {@code mode} (io, macswap) from {@code source} to a net_null sink; returns Mpps. */
    static double run(String mode, String source, int mainCpu, int cpu, int warmupSeconds, int seconds, Path log) throws IOException, InterruptedException {
        String prefix = "quiver-bench-testpmd-" + ProcessHandle.current().pid();
        List<String> cmd = List.of("dpdk-testpmd", "--no-huge", "-m", "1024", "--no-pci", "-l", mainCpu + "," + cpu,
                "--vdev", source, "--vdev", "net_null1,no-rx=1", "--file-prefix", prefix, "--log-level", "lib.eal:warning",
                "--", "--total-num-mbufs=16384", "--forward-mode=" + mode, "--auto-start", "--stats-period", "1");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            // time the window from testpmd's first statistics print: its start-up (EAL memory, pool) is not measured
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1).contains("NIC statistics for port 0")) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("testpmd did not start forwarding; see " + log);
                }
                Thread.sleep(20);
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds + seconds) + 1500);
        } finally {
            p.destroy(); // SIGTERM: testpmd stops its ports and exits
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            deleteTree(Path.of("/var/run/dpdk", prefix));
        }
        List<Double> pps = new ArrayList<>();
        int port = -1;
        for (String line : Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            Matcher m = PORT.matcher(line);
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
            }
            Matcher r = RX_PPS.matcher(line);
            if (r.find() && port == 0) {
                pps.add(Double.parseDouble(r.group(1)));
            }
        }
        // the first print covers nothing (0 pps); each later one covers about a second since the one before:
        // skip the warm-up prints, keep the measured ones
        int from = 1 + warmupSeconds;
        List<Double> measured = pps.size() > from ? pps.subList(from, Math.min(pps.size(), from + seconds)) : List.of();
        if (measured.isEmpty()) {
            throw new IllegalStateException("testpmd printed no statistics; see " + log);
        }
        return measured.stream().mapToDouble(Double::doubleValue).average().orElseThrow() / 1e6;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
