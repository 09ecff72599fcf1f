package io.quiver.perf.measure;

import picocli.CommandLine.Option;

/** What a child run of a benchmark measures over, and where: the options every hidden {@code *-run} command takes. */
public final class ChildWindow {
    @Option(names = "--seconds", defaultValue = "10")
    public int seconds;

    @Option(names = "--warmup", defaultValue = "3")
    public int warmup;

    @Option(names = "--cpu", defaultValue = "1")
    public int cpu;

    @Option(names = "--main-cpu", defaultValue = "0")
    public int mainCpu;
}
