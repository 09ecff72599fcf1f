package io.quiver.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.control.daemon.QuiverProcess;
import io.quiver.control.host.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The exit statuses the CLI documents (docs/control-plane.md): scripts tell a refusal from a daemon that is not there. */
class CliConventionsTest {
    @Test
    void aDaemonThatDoesNotAnswerIsExitThreeWithWhatToDo() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free once closed: nothing listens there
        }
        QuiverProcess p = QuiverProcess.start("show-vnic", "--api", "http://127.0.0.1:" + port);
        assertEquals(QuiverCli.UNREACHABLE, p.waitFor(), p.stderr());
        assertEquals(1, p.stderr().strip().lines().count(), "one line: " + p.stderr());
        assertTrue(p.stderr().contains("cannot reach the Quiver daemon") && p.stderr().contains("is 'quiver run' running?"), p.stderr());
        // bin/quiver's curl finds no daemon either: the verb runs in a JVM of its own, which says so
        Shell.Result script = Shell.run(List.of(Path.of(System.getProperty("quiver.home"), "bin", "quiver").toString(), "show-vnic",
                "--api", "http://127.0.0.1:" + port), 120);
        assertEquals(QuiverCli.UNREACHABLE, script.exitCode(), script.output());
        assertTrue(script.output().contains("cannot reach the Quiver daemon"), script.output());
    }

    @Test
    void binQuiverHelpIsTheCommandTreesOwnEvenWhenPrintedWithoutAJvm() throws Exception {
        QuiverProcess jvm = QuiverProcess.start("--help");
        assertEquals(0, jvm.waitFor(), jvm.stderr());
        String quiver = Path.of(System.getProperty("quiver.home"), "bin", "quiver").toString();
        for (int run = 0; run < 2; run++) { // the first may write the text, the second prints what was written
            Shell.Result script = Shell.run(List.of(quiver, "--help"), 120);
            assertEquals(0, script.exitCode(), script.output());
            // a tree edited since its last build is built first, and says so (Shell's output holds stderr too)
            assertEquals(jvm.stdout().strip(), script.output().replaceFirst("^quiver: building \\(.*\\)\n", "").strip());
        }
    }

    @Test
    void aUsageErrorIsExitTwo() throws Exception {
        QuiverProcess p = QuiverProcess.start("show-vnic", "--no-such-option");
        assertEquals(2, p.waitFor(), p.stderr());
        assertTrue(p.stderr().contains("--no-such-option"), p.stderr());
    }

    @Test
    void completionScriptsAreGeneratedAndCompleteVerbsAndOptionsWhenSourced() throws Exception {
        QuiverProcess p = QuiverProcess.start("completion", "bash");
        assertEquals(0, p.waitFor(), p.stderr());
        Path script = Files.createTempFile("quiver-completion", ".bash");
        Files.writeString(script, p.stdout());
        Shell.Result verbs = Shell.run(List.of("bash", "-c", "source " + script + " && COMP_WORDS=(quiver show-v) COMP_CWORD=1"
                + " COMP_LINE='quiver show-v' COMP_POINT=13 && _complete_quiver && echo \"${COMPREPLY[@]}\""), 30);
        assertEquals(0, verbs.exitCode(), verbs.output());
        assertTrue(verbs.output().contains("show-vnic") && verbs.output().contains("show-vns") && !verbs.output().contains("capture"),
                "bash completes the verbs: " + verbs.output());
        Shell.Result options = Shell.run(List.of("bash", "-c", "source " + script + " && COMP_WORDS=(quiver capture g1 --dir)"
                + " COMP_CWORD=3 COMP_LINE='quiver capture g1 --dir' COMP_POINT=24 && _complete_quiver && echo \"${COMPREPLY[@]}\""), 30);
        assertTrue(options.output().contains("--direction") && !options.output().contains("--drops"),
                "and a verb's options: " + options.output());
        org.junit.jupiter.api.Assumptions.assumeTrue(Shell.available("zsh"), "zsh is not installed (bin/quiver-test installs it)");
        QuiverProcess z = QuiverProcess.start("completion", "zsh");
        assertEquals(0, z.waitFor(), z.stderr());
        Path zscript = Files.createTempFile("quiver-completion", ".zsh");
        Files.writeString(zscript, z.stdout());
        Shell.Result zsh = Shell.run(List.of("zsh", "-c", "source " + zscript + " && whence -w _complete_quiver"), 30);
        assertEquals(0, zsh.exitCode(), zsh.output());
        assertTrue(zsh.output().contains("_complete_quiver: function"), "zsh sources it: " + zsh.output());
    }

    @Test
    void manPagesAreWrittenFromTheCommandTree() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Shell.available("asciidoctor") && Shell.available("man"),
                "asciidoctor and man are not installed (bin/quiver-test installs them)");
        Path dir = Files.createTempDirectory("quiver-man");
        QuiverProcess p = QuiverProcess.start("man", "--out", dir.toString());
        assertEquals(0, p.waitFor(), p.stderr());
        assertTrue(Files.exists(dir.resolve("quiver.8")) && Files.exists(dir.resolve("quiver-capture.8")), p.stdout());
        Shell.Result page = Shell.run(List.of("sh", "-c", "MANWIDTH=100 man -P cat -l " + dir.resolve("quiver.8")), 30);
        assertEquals(0, page.exitCode(), page.output());
        assertTrue(page.output().contains("show-vnic") && page.output().contains("QUIVER(8)"), "quiver(8) lists the verbs: " + page.output());
        Shell.Result capture = Shell.run(List.of("sh", "-c", "MANWIDTH=100 man -P cat -l " + dir.resolve("quiver-capture.8")), 30);
        assertTrue(capture.output().contains("--direction") && capture.output().contains("pcapng"), "a verb's page: " + capture.output());
    }
}
