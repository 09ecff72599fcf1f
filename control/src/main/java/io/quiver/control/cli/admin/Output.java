package io.quiver.control.cli.admin;

import java.util.List;
import picocli.CommandLine.Option;

/**
 * How a {@code show-*} verb prints, the options every one of them takes (dladm's {@code -o}, {@code -p} and
 * {@code -i}): which columns, a form for scripts, and repeated rounds whose counters are rates.
 */
public final class Output {
    @Option(names = {"-o", "--output"}, split = ",", paramLabel = "FIELD",
            description = "only these columns, in this order (the header's names, any case; 'drops-in' for DROPS IN)")
    List<String> fields;

    @Option(names = {"-p", "--parsable"},
            description = "with -o: no header, one line per row, fields separated by ':' (a ':' or '\\' in a value escaped by '\\')")
    boolean parsable;

    @Option(names = {"-w", "--watch"}, paramLabel = "SECONDS",
            description = "print again every SECONDS until Ctrl-C: the first time totals, then counters as rates per second")
    Integer watch;

    @Option(names = "--count", paramLabel = "N", description = "with --watch: stop after N rounds")
    Integer count;

    boolean selects() {
        return fields != null && !fields.isEmpty();
    }
}
