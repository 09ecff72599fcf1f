package io.quiver.perf;

import io.quiver.perf.datapath.DatapathBenchmark;
import io.quiver.perf.datapath.DatapathRun;
import io.quiver.perf.forward.ForwardBenchmark;
import io.quiver.perf.guest.GuestLatencyBenchmark;
import io.quiver.perf.vm.VmBenchmark;
import io.quiver.perf.priority.PriorityBenchmark;
import io.quiver.perf.priority.PriorityRun;
import io.quiver.perf.vns.FibBenchmark;
import io.quiver.perf.vns.RoutedRun;
import io.quiver.perf.tls.TlsHandshakeBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code quiver bench ...}: the end-to-end benchmarks. Run them on an otherwise idle machine. */
@Command(name = "quiver bench", mixinStandardHelpOptions = true,
        description = "Benchmarks against peers measured in the same run (min/median/max, ratios, JSON under perf/results/).",
        subcommands = {ForwardBenchmark.class, DatapathBenchmark.class, DatapathRun.class, io.quiver.perf.datapath.CaptureBenchmark.class,
                io.quiver.perf.cli.CliBenchmark.class, io.quiver.perf.aggr.AggregationBenchmark.class,
                io.quiver.perf.aggr.AggregationRun.class, io.quiver.perf.fabric.FabricBenchmark.class,
                io.quiver.perf.fabric.FabricRun.class, TlsHandshakeBenchmark.class,
                GuestLatencyBenchmark.class, io.quiver.perf.soak.SoakBenchmark.class, VmBenchmark.class, FibBenchmark.class, RoutedRun.class, PriorityBenchmark.class, PriorityRun.class,
                CommandLine.HelpCommand.class})
public final class BenchCli {
    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new BenchCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("quiver bench: " + e.getMessage());
            return 1;
        });
        System.exit(cli.execute(args));
    }
}
