package io.quiver.perf.configstore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.Statistics;

/**
 * Runs the configstore benchmarks and saves, under {@code perf/results/}, JMH's full JSON and a summary with the
 * p50/p99/p99.9 of each benchmark and whether the permission check meets its target (p99 under 1 µs).
 * <p>
 * {@code --smoke}: one short iteration each, to see that everything runs; not a measurement.
 * Forked JVMs get the flags of {@code bin/jvm.options} (found under {@code -Dquiver.home}, default the working
 * directory).
 */
public final class ConfigStoreBenchmark {
    static final double CHECK_P99_TARGET_NS = 1000;

    private ConfigStoreBenchmark() {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        boolean smoke = Arrays.asList(args).contains("--smoke");
        Path home = Path.of(System.getProperty("quiver.home", ".")).toAbsolutePath().normalize();
        Path jvmOptions = home.resolve("bin/jvm.options");
        if (!Files.isRegularFile(jvmOptions)) {
            throw new IllegalStateException(jvmOptions + " not found: run from the repository root or set -Dquiver.home");
        }
        Path results = home.resolve("perf/results");
        Files.createDirectories(results);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + (smoke ? "-smoke" : "");
        Path jmhJson = results.resolve("configstore-jmh-" + stamp + ".json");

        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(PermissionCheckBenchmark.class.getName())
                .include(CommitBenchmark.class.getName())
                .jvmArgs("@" + jvmOptions, "-Xms1g", "-Xmx1g")
                .resultFormat(ResultFormatType.JSON)
                .result(jmhJson.toString());
        if (smoke) {
            options.warmupIterations(1).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(1).measurementTime(TimeValue.seconds(2)).forks(1);
        }
        Collection<RunResult> run = new Runner(options.build()).run();

        Path summary = results.resolve("configstore-summary-" + stamp + ".json");
        Files.writeString(summary, summarize(run, smoke));
        System.out.println("results: " + jmhJson + "\nsummary: " + summary);
        System.out.print(Files.readString(summary));
    }

    static String summarize(Collection<RunResult> run, boolean smoke) {
        List<String> entries = new ArrayList<>();
        boolean checksMeetTarget = true;
        for (RunResult r : run) {
            Result<?> primary = r.getPrimaryResult();
            Statistics s = primary.getStatistics();
            String name = r.getParams().getBenchmark() + r.getParams().getParamsKeys().stream()
                    .map(k -> "[" + k + "=" + r.getParams().getParam(k) + "]").collect(java.util.stream.Collectors.joining());
            String unit = primary.getScoreUnit();
            double p99 = s.getPercentile(99.0);
            if (name.contains("PermissionCheck")) {
                double p99ns = unit.startsWith("ns") ? p99 : unit.startsWith("us") ? p99 * 1000 : Double.NaN;
                checksMeetTarget &= p99ns < CHECK_P99_TARGET_NS;
            }
            entries.add(String.format(Locale.ROOT,
                    "    {\"benchmark\": \"%s\", \"unit\": \"%s\", \"samples\": %d, \"p50\": %.3f, \"p99\": %.3f, "
                            + "\"p99.9\": %.3f, \"max\": %.3f, \"mean\": %.3f}",
                    name, unit, s.getN(), s.getPercentile(50.0), p99, s.getPercentile(99.9), s.getMax(), s.getMean()));
        }
        return String.format(Locale.ROOT, "{%n  \"smoke\": %s,%n  \"jdk\": \"%s\",%n  \"cpus\": %d,%n"
                        + "  \"permissionCheckP99TargetNs\": %.0f,%n  \"permissionCheckMeetsTarget\": %s,%n"
                        + "  \"benchmarks\": [%n%s%n  ]%n}%n",
                smoke, System.getProperty("java.vm.version"), Runtime.getRuntime().availableProcessors(),
                CHECK_P99_TARGET_NS, checksMeetTarget, String.join(",\n", entries));
    }
}
