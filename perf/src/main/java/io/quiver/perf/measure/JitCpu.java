package io.quiver.perf.measure;

import io.quiver.control.host.Shell;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time the JIT compiler threads of another JVM have used, read from {@code /proc}. A benchmark that sees it grow
 * during its window measured partly interpreted code, and compilations taking the CPU from what it measures; one
 * that sees it flat measured steady state.
 */
public final class JitCpu {
    private static final long TICKS_PER_SECOND = clockTicks();

    private JitCpu() {
    }

    /** Milliseconds of CPU used so far by the C1 and C2 compiler threads of process {@code pid}. */
    public static long millis(long pid) throws IOException {
        long ticks = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (NoSuchFileException gone) {
                    continue; // a thread that ended while listed
                }
                // the name is in parentheses and may hold spaces ("C2 CompilerThre", cut to 15 characters)
                int close = stat.lastIndexOf(')');
                String name = stat.substring(stat.indexOf('(') + 1, close);
                if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
                    continue;
                }
                String[] fields = stat.substring(close + 2).split(" ");
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime and stime, fields 14 and 15 of stat
            }
        }
        return ticks * 1000 / TICKS_PER_SECOND;
    }

    private static long clockTicks() {
        Shell.Result r = Shell.run(List.of("getconf", "CLK_TCK"), 10);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("getconf CLK_TCK failed: " + r.output());
        }
        return Long.parseLong(r.output().strip());
    }
}
