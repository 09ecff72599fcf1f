package io.quiver.control.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host commands (ip, ethtool, ...) for the lab and for attaching guests; a failure names the command and what it printed. */
public final class Shell {
    private Shell() {
    }

    public record Result(int exitCode, String output) {
    }

    /**
     * Runs a command, its output (stdout and stderr) going to a file rather than a pipe: a command that prints more
     * than a pipe holds would otherwise block before it could exit.
     */
    public static Result run(List<String> command, long timeoutSeconds) {
        Path out = null;
        try {
            out = Files.createTempFile("quiver-shell", ".out");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(124, "timed out after " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(127, command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(130, "interrupted");
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    /** Runs a command that must succeed within 30 s. */
    public static String check(String... command) {
        return check(List.of(command), 30);
    }

    /** Runs a command that must succeed within {@code timeoutSeconds}; a failure names it and what it printed. */
    public static String check(List<String> command, long timeoutSeconds) {
        Result r = run(command, timeoutSeconds);
        if (r.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.exitCode() + "): " + r.output().strip());
        }
        return r.output();
    }

    /** Runs a command whose failure does not matter (clean-up of what may not exist). */
    public static void quietly(String... command) {
        run(List.of(command), 30);
    }

    public static boolean available(String tool) {
        return run(List.of("sh", "-c", "command -v " + tool), 5).exitCode() == 0;
    }
}
