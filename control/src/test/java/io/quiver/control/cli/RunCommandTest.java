package io.quiver.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.control.daemon.QuiverProcess;
import io.quiver.dataplane.lcore.CpuWakeLatency;
import io.quiver.dataplane.runtime.EalOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code quiver run} in its own process: live counters, clean shutdown on signals, clear errors for bad input. */
class RunCommandTest {
    @TempDir
    Path dir;


    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void theEmbeddedDefaultRunsTheVnicDatapathAndStopsCleanlyOnASignal(String signal) throws Exception {
        String prefix = "quiver-runtest-" + signal + "-" + ProcessHandle.current().pid();
        QuiverProcess q = QuiverProcess.start("run", "--file-prefix", prefix, "--api", "127.0.0.1:0");
        q.awaitOutput("guests", 60);
        Thread.sleep(2500);
        assertTrue(Files.isDirectory(EalOptions.runtimeFolder(prefix)), "EAL runtime folder exists while running");
        if (Files.isWritable(CpuWakeLatency.DEVICE)) { // as root: the daemon holds its CPU wake-up request while it runs
            assertTrue(q.stdout().contains("idle CPUs wake within 0 us"), q.stdout());
            assertEquals(1, CpuWakeLatency.requestsHeldBy(q.pid()), "the daemon has " + CpuWakeLatency.DEVICE + " open");
        }
        q.signal(signal);
        assertEquals(0, q.waitFor(), q.stderr());
        String out = q.stdout();
        assertTrue(out.contains("quiver: running the embedded default") && out.contains("quiver: stopped"), out);
        assertFalse(out.contains("src-mac mismatch"), "the totals show drops by reason, not a counter the datapath never writes: " + out);
        Matcher g = Pattern.compile("guests\\s+rx (\\d+), tx (\\d+), dropped (\\d+).*\\(spoofed-src-mac (\\d+)\\)").matcher(out);
        assertTrue(g.find(), out);
        long rx = Long.parseLong(g.group(1));
        long dropped = Long.parseLong(g.group(3));
        assertEquals(dropped, Long.parseLong(g.group(4)), "every drop is a forged source MAC");
        assertEquals(0.25, (double) dropped / rx, 0.01, "a quarter of the demo traffic forges its source MAC");
        long delivered = 0;
        for (int i = 1; i <= 4; i++) {
            Matcher v = Pattern.compile("vnic vm" + i + "\\s+rx (\\d+), tx (\\d+)").matcher(out);
            assertTrue(v.find(), out);
            assertTrue(Long.parseLong(v.group(1)) > 0 && Long.parseLong(v.group(2)) > 0, "vm" + i + " sent and received: " + out);
            delivered += Long.parseLong(v.group(1));
        }
        assertEquals(rx - dropped, delivered, "every frame that passed the egress checks was delivered to its VNIC");
        assertFalse(Files.exists(EalOptions.runtimeFolder(prefix)), "shutdown removed the EAL runtime folder");
    }

    @Test
    void badDevargsExitNonZeroNamingTheCall() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, """
                ports:
                  - { name: a, devargs: "net_bogus0,x=1" }
                """);
        String prefix = "quiver-baddev-" + ProcessHandle.current().pid();
        QuiverProcess q = QuiverProcess.start("run", "--config", config.toString(), "--file-prefix", prefix);
        assertEquals(1, q.waitFor());
        assertTrue(q.stderr().contains("quiver: rte_dev_probe(net_bogus0,x=1) failed"), q.stderr());
        assertNoCrash(q);
        assertFalse(Files.exists(EalOptions.runtimeFolder(prefix)), "a failed start also removes the runtime folder");
    }

    @Test
    void aMissingPciPortIsNamed() throws Exception {
        Path config = dir.resolve("pci.yaml");
        Files.writeString(config, """
                eal: { pci: true }
                ports:
                  - { name: nic0, devargs: "0000:99:00.0" }
                """);
        QuiverProcess q = QuiverProcess.start("run", "--config", config.toString());
        assertEquals(1, q.waitFor());
        assertTrue(q.stderr().contains("0000:99:00.0"), q.stderr());
        assertNoCrash(q);
    }

    @Test
    void aPoolTooSmallIsRefused() throws Exception {
        Path config = dir.resolve("small.yaml");
        Files.writeString(config, """
                pool: { mbufs: 100 }
                ports:
                  - { name: a, devargs: "net_null0" }
                  - { name: b, devargs: "net_null1,no-rx=1" }
                forwarding:
                  - { from: a, to: b }
                """);
        QuiverProcess q = QuiverProcess.start("run", "--config", config.toString());
        assertEquals(1, q.waitFor());
        assertTrue(q.stderr().contains("packet pool of 100 mbufs is too small"), q.stderr());
    }

    @ParameterizedTest
    @ValueSource(strings = {"fast", "-1", "1.5"})
    void aBadWakeLatencyStopsTheRunBeforeAnythingStarts(String value) throws Exception {
        QuiverProcess q = QuiverProcess.start("run", "--cpu-wake-latency-us", value);
        assertEquals(1, q.waitFor());
        assertTrue(q.stderr().contains("--cpu-wake-latency-us takes microseconds (0 or more) or 'off', not '" + value + "'"), q.stderr());
        assertNoCrash(q);
    }

    @Test
    void aBadServicePlacementStopsTheRunBeforeAnythingStarts() throws Exception {
        QuiverProcess q = QuiverProcess.start("run", "--guest-service-cpu", "fastest");
        assertEquals(1, q.waitFor());
        assertTrue(q.stderr().contains("--guest-service-cpu takes auto, main or a CPU number, not 'fastest'"), q.stderr());
        assertNoCrash(q);
    }

    @Test
    void helpDescribesTodaysDefaultAndTheRestartRule() throws Exception {
        QuiverProcess q = QuiverProcess.start("run", "--help");
        assertEquals(0, q.waitFor());
        String help = q.stdout();
        assertTrue(help.contains("four VNICs") && help.contains("forged source MAC"), help);
        assertFalse(help.contains("MAC-swapped"), "the old MAC-swap default is gone: " + help);
        assertTrue(help.contains("--reset-state"), help);
    }

    @Test
    void anUnknownOptionIsAUsageError() throws Exception {
        QuiverProcess q = QuiverProcess.start("run", "--frobnicate");
        assertEquals(2, q.waitFor());
        assertTrue(q.stderr().contains("Unknown option: '--frobnicate'"), q.stderr());
    }

    @Test
    void configMistakesNameTheFileAndTheLine() throws Exception {
        Path config = dir.resolve("typo.yaml");
        Files.writeString(config, """
                ports:
                  - { name: a, devargs: "net_null0" }
                forwarding:
                  - { from: a, to: a, macswap: true }
                """);
        QuiverProcess q = QuiverProcess.start("run", "--config", config.toString());
        assertEquals(1, q.waitFor());
        assertTrue(q.stderr().contains("typo.yaml") && q.stderr().contains("macswap") && q.stderr().contains("line 4"), q.stderr());

        QuiverProcess missing = QuiverProcess.start("run", "--config", dir.resolve("nope.yaml").toString());
        assertEquals(1, missing.waitFor());
        assertTrue(missing.stderr().contains("nope.yaml: no such file"), missing.stderr());
    }

    private static void assertNoCrash(QuiverProcess q) throws Exception {
        assertFalse(q.stderr().contains("A fatal error has been detected"), q.stderr());
        assertFalse(q.stdout().contains("A fatal error has been detected"), q.stdout());
    }
}
