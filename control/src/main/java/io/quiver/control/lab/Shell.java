package io.quiver.control.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host commands (ip, ethtool, ...) for the lab; a failure names the command and what it printed. */
public final class Shell {
    private Shell() {
    }

    public record Result(int exitCode, String output) {
    }

    public static Result run(List<String> command, long timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(124, "timed out after " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(127, command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(130, "interrupted");
        }
    }

    /** Runs a command that must succeed. */
    public static String check(String... command) {
        Result r = run(List.of(command), 30);
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
