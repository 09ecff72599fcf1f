package io.quiver.control.cli.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Renders the verbs' tables as a round of a {@code show-*} verb's {@link Output} asks: the columns {@code -o} names,
 * {@code -p}'s form for scripts, and, in a {@code --watch} round after the first, every counter as its rate since the
 * previous round. A verb builds its tables deep in helpers it shares with other verbs, so the round is the thread's
 * while the verb renders ({@link #render}) rather than an argument to every helper; outside a round a table prints whole.
 */
final class Tables {
    /**
     * The columns that count something since start, the ones --watch shows as rates; the others (names, addresses,
     * sizes, gauges such as SESSIONS) print as they are.
     */
    private static final Set<String> COUNTERS = Set.of("RX", "TX", "FWD", "FORWARDED", "DROPS", "DROPS IN", "DROPS OUT",
            "PACKETS", "BYTES", "ROUTED", "NO-ROUTE", "TTL-EXP", "ICMP", "HELD-DROP", "OVER-LIMIT", "REQUESTS", "HANDSHAKES",
            "FAILURES", "COUNT", "RX-PDU", "TX-PDU", "STANDBY-DROPS", "CHANGES", "NO-MEMBER", "ACCEPTED", "DENIED", "RATE-LIMITED",
            "MALFORMED");

    private static final ThreadLocal<Round> CURRENT = new ThreadLocal<>();

    private Tables() {
    }

    /**
     * One rendering of a verb's output: the fields asked for and which of them some table had, and the counters read
     * ({@code previous}: the last round's, for rates over {@code seconds}; null in the first round).
     */
    static final class Round {
        private final Output output;
        private final Map<String, Double> previous;
        private final double seconds;
        final Map<String, Double> counters = new HashMap<>();
        final Set<String> matched = new LinkedHashSet<>();
        final Set<String> available = new LinkedHashSet<>();

        Round(Output output, Map<String, Double> previous, double seconds) {
            this.output = output;
            this.previous = previous;
            this.seconds = seconds;
        }

        boolean rates() {
            return previous != null;
        }

        /** The fields {@code -o} named that no table of this round had. */
        List<String> unknownFields() {
            List<String> unknown = new ArrayList<>();
            if (output.selects()) {
                for (String f : output.fields) {
                    if (!matched.contains(field(f))) {
                        unknown.add(f);
                    }
                }
            }
            return unknown;
        }
    }

    /** Runs {@code body} (which renders the verb's output) as round {@code round}; what it returns. */
    static <T> T within(Round round, java.util.function.Supplier<T> body) {
        Round outer = CURRENT.get();
        CURRENT.set(round);
        try {
            return body.get();
        } finally {
            CURRENT.set(outer);
        }
    }

    /** A column's field name: its header in lower case, spaces as dashes ("DROPS IN" is drops-in). */
    static String field(String header) {
        return header.trim().toLowerCase(Locale.ROOT).replace(' ', '-');
    }

    static String render(List<String> header, List<List<String>> rows) {
        Round round = CURRENT.get();
        if (round == null) {
            return aligned(header, rows);
        }
        List<Integer> columns = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            round.available.add(field(header.get(i)));
        }
        if (round.output.selects()) {
            for (String f : round.output.fields) {
                for (int i = 0; i < header.size(); i++) {
                    if (field(header.get(i)).equals(field(f)) && !columns.contains(i)) {
                        columns.add(i);
                        round.matched.add(field(f));
                        break;
                    }
                }
            }
        } else {
            for (int i = 0; i < header.size(); i++) {
                columns.add(i);
            }
        }
        String signature = String.join("|", header);
        List<String> head = new ArrayList<>();
        for (int i : columns) {
            head.add(round.rates() && COUNTERS.contains(header.get(i)) ? header.get(i) + "/s" : header.get(i));
        }
        List<List<String>> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (List<String> row : rows) {
            // a row is its first cell (a VNIC's, a port's name), and which row of that name: other cells (addresses,
            // gauges, ages) may change between rounds without making it another row
            int occurrence = seen.merge(row.get(0), 1, Integer::sum);
            String key = signature + '\u0001' + row.get(0) + '\u0001' + occurrence;
            List<String> cells = new ArrayList<>();
            for (int i : columns) {
                String cell = row.get(i);
                cells.add(COUNTERS.contains(header.get(i)) ? counter(round, key + '\u0001' + header.get(i), cell) : cell);
            }
            // a counter column not shown still counts: a later round's rates need every counter's last value
            for (int i = 0; i < header.size(); i++) {
                if (!columns.contains(i) && COUNTERS.contains(header.get(i))) {
                    counter(round, key + '\u0001' + header.get(i), row.get(i));
                }
            }
            out.add(cells);
        }
        if (round.output.parsable) {
            StringBuilder b = new StringBuilder();
            for (List<String> r : out) {
                for (int k = 0; k < r.size(); k++) {
                    b.append(k == 0 ? "" : ":").append(r.get(k).replace("\\", "\\\\").replace(":", "\\:"));
                }
                b.append('\n');
            }
            return b.toString().stripTrailing();
        }
        return columns.isEmpty() ? "" : aligned(head, out);
    }

    /**
     * A counter cell, recorded under {@code key}: a count ("1234"), or counts by reason ("ring-full 3, malformed 1");
     * in a rates round each count becomes its rate per second since the previous round ("-" where the previous round
     * did not have it). Anything else is printed as it is.
     */
    private static String counter(Round round, String key, String cell) {
        String[] parts = cell.split(", ");
        StringBuilder b = new StringBuilder();
        for (int p = 0; p < parts.length; p++) {
            String part = parts[p];
            int space = part.lastIndexOf(' ');
            String label = space < 0 ? "" : part.substring(0, space + 1);
            String number = part.substring(space + 1);
            double value;
            try {
                value = Double.parseDouble(number);
            } catch (NumberFormatException e) {
                return cell; // "-", or text: nothing to rate
            }
            round.counters.put(key + '\u0001' + label, value);
            b.append(p == 0 ? "" : ", ").append(label);
            if (round.rates()) {
                Double before = round.previous.get(key + '\u0001' + label);
                b.append(before == null ? "-" : rate((value - before) / round.seconds));
            } else {
                b.append(number);
            }
        }
        return b.toString();
    }

    private static String rate(double perSecond) {
        double r = Math.max(0, perSecond); // a counter reset (a restart) is no negative rate
        return r >= 10 || r == 0 ? Long.toString(Math.round(r)) : String.format(Locale.ROOT, "%.1f", r);
    }

    static String aligned(List<String> header, List<List<String>> rows) {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = header.get(i).length();
            for (List<String> r : rows) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        StringBuilder b = new StringBuilder();
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> r : all) {
            for (int i = 0; i < w.length; i++) {
                b.append(i == w.length - 1 ? r.get(i) : String.format("%-" + (w[i] + 2) + "s", r.get(i)));
            }
            b.append('\n');
        }
        return b.toString().stripTrailing();
    }
}
