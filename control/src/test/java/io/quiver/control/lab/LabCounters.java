package io.quiver.control.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads counters out of {@code quiver run}'s final totals. */
final class LabCounters {
    private LabCounters() {
    }

    /** VNIC {@code vnic}'s counter named {@code what} (a drop reason's label, "rx", "forwarded", ...), 0 when not shown. */
    static long vnic(String totals, String vnic, String what) {
        Matcher line = Pattern.compile("vnic " + vnic + "\\s+(.*)").matcher(totals);
        assertTrue(line.find(), "no totals for " + vnic + " in " + totals);
        Matcher m = Pattern.compile(Pattern.quote(what) + " (\\d+)").matcher(line.group(1));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
