package io.quiver.perf.measure;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A measurement in a JVM of its own (the EAL initialises once per process): the same java, the flags of
 * {@code bin/jvm.options} that every Quiver JVM gets, this class path.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** The command line running {@code mainClass} with {@code args} in such a JVM. */
    public static List<String> command(String mainClass, List<String> args) {
        String home = System.getProperty("quiver.home", ".");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "@" + Path.of(home, "bin", "jvm.options"), "-Dquiver.home=" + home, "-cp", System.getProperty("java.class.path"),
                mainClass));
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Runs {@code quiver bench} with {@code args} (a hidden run command), its output to {@code log}, and returns the
     * JSON of its {@code RESULT} line; an exception naming {@code what} and the log when it fails or overruns.
     */
    public static JsonNode benchResult(List<String> args, Path log, long timeoutSeconds, String what)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command("io.quiver.perf.BenchCli", args)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(what + " did not finish; see " + log);
        }
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.startsWith("RESULT ")) {
                return ResultFile.JSON.readTree(line.substring(7));
            }
        }
        throw new IllegalStateException(what + " failed; see " + log);
    }
}
