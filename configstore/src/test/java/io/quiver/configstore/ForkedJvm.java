package io.quiver.configstore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM running a test main: the same java binary and classpath as this one, and the flags file
 * {@code bin/jvm.options} of the repository (the root pom passes its root as {@code quiver.home}). Its standard
 * output arrives line by line; its standard error goes to a file for the failure message.
 */
final class ForkedJvm implements AutoCloseable {
    private static final String EOF = "\u0000EOF";

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path stderr;

    private ForkedJvm(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process died; EOF below
            }
            lines.add(EOF);
        }, "forked-jvm-stdout");
        pump.setDaemon(true);
        pump.start();
    }

    static ForkedJvm start(Class<?> main, String... args) throws IOException {
        String home = System.getProperty("quiver.home");
        if (home == null) {
            throw new IllegalStateException("system property quiver.home is not set: run the tests through Maven");
        }
        Path options = Path.of(home, "bin", "jvm.options");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("@" + options);
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        Path stderr = Files.createTempFile("forked-jvm", ".err");
        Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        return new ForkedJvm(p, stderr);
    }

    /** The next line of output, or null at end of output or after {@code seconds}. */
    String nextLine(double seconds) throws InterruptedException {
        String line = lines.poll((long) (seconds * 1000), TimeUnit.MILLISECONDS);
        if (EOF.equals(line)) {
            lines.add(EOF);
            return null;
        }
        return line;
    }

    /** Reads lines until one starts with {@code prefix}; fails with the child's stderr after {@code seconds}. */
    String await(String prefix, double seconds) throws InterruptedException {
        List<String> read = linesUntil(prefix, seconds);
        return read.getLast();
    }

    /** Every line read up to and including the first that starts with {@code prefix}. */
    List<String> linesUntil(String prefix, double seconds) throws InterruptedException {
        List<String> read = new ArrayList<>();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < deadline) {
            String line = nextLine(0.1);
            if (line != null) {
                read.add(line);
                if (line.startsWith(prefix)) {
                    return read;
                }
            }
            if (line == null && !process.isAlive() && lines.peek() != null && EOF.equals(lines.peek())) {
                break;
            }
        }
        throw new AssertionError("the forked JVM did not print '" + prefix + "' (alive: " + process.isAlive()
                + "); it printed " + read + "; its stderr:\n" + stderr());
    }

    /** SIGKILL: no shutdown hook, no close, nothing flushed beyond what is in the kernel already. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    int waitFor(double seconds) throws InterruptedException {
        if (!process.waitFor((long) (seconds * 1000), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the forked JVM did not exit; its stderr:\n" + stderr());
        }
        return process.exitValue();
    }

    String stderr() {
        try {
            String s = Files.readString(stderr);
            return s.length() > 20_000 ? s.substring(s.length() - 20_000) : s;
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        Files.deleteIfExists(stderr);
    }
}
