package io.quiver.control.daemon;

import io.quiver.control.cli.QuiverCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code quiver} in its own JVM (its own EAL), as bin/quiver would, and collects what it printed. */
public final class QuiverProcess {
    private final Process process;
    private final Path out;
    private final Path err;

    private QuiverProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    public static QuiverProcess start(String... args) throws IOException {
        return start(java.util.Map.of(), args);
    }

    /** As {@link #start(String...)}, with {@code env} added to the process's environment. */
    public static QuiverProcess start(java.util.Map<String, String> env, String... args) throws IOException {
        List<String> cmd = command(args);
        Path out = Files.createTempFile("quiver-out", ".txt");
        Path err = Files.createTempFile("quiver-err", ".txt");
        // read until the test JVM ends (a failure's message quotes them), then gone: every test run used to leave two
        out.toFile().deleteOnExit();
        err.toFile().deleteOnExit();
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("NOTIFY_SOCKET"); // a test's Quiver never talks to a real service manager
        builder.environment().putAll(env);
        Process p = builder.start();
        return new QuiverProcess(p, out, err);
    }

    /** The command line of {@code quiver args} on the test's classes (what {@link #start} runs; for a shell's pipe). */
    public static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("@" + Path.of(System.getProperty("quiver.home"), "bin", "jvm.options"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(QuiverCli.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs to completion (at most 60 s) and returns the exit code. */
    public int waitFor() throws Exception {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("quiver did not finish within 60 s; stderr: " + stderr());
        }
        return process.exitValue();
    }

    /** Waits until stdout contains {@code text}. */
    public void awaitOutput(String text, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!stdout().contains(text)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' in stdout: " + stdout() + "\nstderr: " + stderr());
            }
            Thread.sleep(50);
        }
    }

    /** The REST API's base URL, once the daemon printed it. */
    public String apiUrl(long seconds) throws Exception {
        awaitOutput("REST API on ", seconds);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("REST API on (http://[^/]+)/").matcher(stdout());
        if (!m.find()) {
            throw new AssertionError("no API address in " + stdout());
        }
        return m.group(1);
    }

    /** SIGTERM, as systemd or an operator stops it, and waits for it to exit; returns the exit code. */
    public int stop() throws Exception {
        signal("TERM");
        return waitFor();
    }

    public void signal(String name) throws Exception {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    public long pid() {
        return process.pid();
    }

    public String stdout() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    public String stderr() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }
}
