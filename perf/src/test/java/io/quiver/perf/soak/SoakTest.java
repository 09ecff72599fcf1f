package io.quiver.perf.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quiver.control.host.Shell;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The soak, shortened to two minutes for CI (docs/testing.md, "Soak"): a real daemon on a namespace lab under
 * traffic and churn, sampled every 15 s; nothing may grow without bound and every count must hold. The recorded
 * runs are 30 minutes long ({@code bin/quiver bench soak}). Needs root.
 */
class SoakTest {
    @Test
    void twoMinutesOfTrafficAndChurnLeakNothingAndBreakNoCount() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: namespaces, veth pairs and DPDK's runtime folder");
        assumeTrue(Shell.available("python3") && Shell.available("ip"), "python3 and ip are not installed (bin/quiver-test installs them)");
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new SoakBenchmark());
        cli.setOut(new PrintWriter(out, true));
        int exit = cli.execute("--minutes", "2", "--sample-seconds", "15", "--no-record");
        assertEquals(0, exit, out.toString());
        assertTrue(out.toString().contains("every count held"), out.toString());
        assertTrue(out.toString().lines().filter(l -> l.matches("\\s+\\d+\\.\\d .*")).count() >= 8, "sampled all along: " + out);
    }

    @Test
    void aValueThatKeepsGrowingFailsTheSoakAndOneThatSettlesDoesNot() {
        List<SoakBenchmark.Sample> leaking = new java.util.ArrayList<>();
        List<SoakBenchmark.Sample> settling = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            leaking.add(new SoakBenchmark.Sample(i, 1000 + 500L * i, 50_000, 200_000, 80, 4000, 100, 1, "ok"));
            settling.add(new SoakBenchmark.Sample(i, i == 0 ? 9000 : 1200 + (i % 3) * 100, 50_000 + (i % 2) * 2000, 200_000 + i * 100, 80,
                    4000, 100 + 10L * i, 1, "ok"));
        }
        assertTrue(SoakBenchmark.growth(leaking).stream().anyMatch(f -> f.startsWith("mbufs in use grew")), SoakBenchmark.growth(leaking).toString());
        assertEquals(List.of(), SoakBenchmark.growth(settling));
    }
}
