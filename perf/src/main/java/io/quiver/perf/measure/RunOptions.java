package io.quiver.perf.measure;

import picocli.CommandLine.Option;

/** How long and how often a throughput benchmark measures, and on which CPU: the options every such benchmark takes. */
public final class RunOptions {
    @Option(names = "--seconds", defaultValue = "10", description = "measured seconds per case (default: ${DEFAULT-VALUE})")
    public int seconds;

    @Option(names = "--warmup", defaultValue = "3", description = "warm-up seconds per case, not measured (default: ${DEFAULT-VALUE})")
    public int warmup;

    @Option(names = "--repeats", defaultValue = "3", description = "repeats of every case, interleaved (default: ${DEFAULT-VALUE})")
    public int repeats;

    @Option(names = "--cpu", defaultValue = "1", description = "the forwarding CPU (default: ${DEFAULT-VALUE})")
    public int cpu;

    @Option(names = "--json", description = "print the result as one JSON object")
    public boolean json;

    /** Refuses settings that would give no min/median/max worth the name. */
    public void check() {
        if (repeats < 3 || seconds < 1 || warmup < 1) {
            throw new IllegalArgumentException("at least 3 repeats, 1 warm-up second and 1 measured second");
        }
    }
}
