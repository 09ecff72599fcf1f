package io.quiver.configstore.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A subscription level, or a flow: connections its rules identify are handled at its priority class, within its
 * limits. A flow (Crossbow's {@code flowadm add-flow}) is the same thing made for one VNIC from one header match; it is
 * listed apart and its rule must name the VNIC.
 *
 * <p>Levels are tried in rank order, lowest rank first; two levels of equal rank whose rules could both match one
 * connection are refused as ambiguous. Within that order, rules deciding on a connection's first packet come first,
 * then SNI, then payload tokens (what is known first decides first).
 *
 * @param maxBandwidth the level's aggregate limit in bit/s of Ethernet frames (0: none); policed where identified
 * @param maxPackets   the level's aggregate limit in packets/s (0: none)
 * @param revision     the journal sequence of the commit that stored it (0 before)
 */
public record Subscription(String name, Kind kind, PriorityClass priority, long maxBandwidth, long maxPackets, int rank,
                           List<IdentificationRule> rules, long revision) {
    /** Rank of a level created without one. */
    public static final int DEFAULT_RANK = 100;
    public static final int MAX_RULES = 16;
    /** The smallest limit: one full 1500-byte frame (1514 bytes on the wire) a second. */
    public static final long MIN_BANDWIDTH = 1514 * 8;

    public enum Kind {
        SUBSCRIPTION, FLOW;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind parse(String text) {
            for (Kind k : values()) {
                if (k.word().equalsIgnoreCase(text)) {
                    return k;
                }
            }
            throw new ConfigException("'" + text + "' is not subscription or flow");
        }
    }

    private static final ValueType BANDWIDTH = new IntegerType("a rate in bit/s", 1, 400_000_000_000L,
            IntegerType.Units.DECIMAL, "unlimited");
    private static final ValueType PACKETS = new IntegerType("a rate in packets/s", 1, 10_000_000_000L,
            IntegerType.Units.DECIMAL, "unlimited");

    public Subscription {
        if (!VnicNames.isValid(name)) { // the same rule as VNIC names: both are keys of the store's maps
            throw new ConfigException("invalid subscription level name " + (name == null ? "null" : "'" + name + "'")
                    + ": use 1 to " + VnicNames.MAX_LENGTH + " letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (kind == null || priority == null) {
            throw new ConfigException(name + ": a subscription level needs a kind and a priority class");
        }
        if (maxBandwidth < 0 || maxBandwidth > 0 && maxBandwidth < MIN_BANDWIDTH) {
            throw new ConfigException(name + ": maxbw " + maxBandwidth + " bit/s is under one 1500-byte frame a second ("
                    + MIN_BANDWIDTH + " bit/s): no full frame could ever pass");
        }
        if (maxPackets < 0) {
            throw new ConfigException(name + ": maxpps cannot be negative");
        }
        if (rank < 0 || rank > 65535) {
            throw new ConfigException(name + ": rank is 0..65535, not " + rank);
        }
        rules = List.copyOf(rules == null ? List.of() : rules);
        if (rules.isEmpty() || rules.size() > MAX_RULES) {
            throw new ConfigException(name + ": a subscription level has 1.." + MAX_RULES + " rules, not " + rules.size());
        }
        if (kind == Kind.FLOW && (rules.size() != 1 || rules.get(0).vnic() == null)) {
            throw new ConfigException(name + ": a flow is one match on one VNIC (--vnic)");
        }
    }

    public static Subscription create(String name, Kind kind, PriorityClass priority, long maxBandwidth, long maxPackets,
                                      int rank, List<IdentificationRule> rules) {
        return new Subscription(name, kind, priority, maxBandwidth, maxPackets, rank, rules, 0);
    }

    public Subscription withRevision(long r) {
        return new Subscription(name, kind, priority, maxBandwidth, maxPackets, rank, rules, r);
    }

    /** Parses a limit such as {@code 50M} or {@code unlimited} (0) in bit/s. */
    public static long parseBandwidth(String text) {
        return parseRate(BANDWIDTH, text, "maxbw");
    }

    /** Parses a limit such as {@code 10k} or {@code unlimited} (0) in packets/s. */
    public static long parsePackets(String text) {
        return parseRate(PACKETS, text, "maxpps");
    }

    private static long parseRate(ValueType type, String text, String what) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        StringBuilder why = new StringBuilder();
        long v = type.parse(text.trim(), 0, text.trim().length(), why);
        if (v == ValueType.INVALID) {
            throw new ConfigException(what + ": " + why);
        }
        return v;
    }

    public static String formatBandwidth(long bits) {
        return BANDWIDTH.format(bits);
    }

    public static String formatPackets(long pps) {
        return PACKETS.format(pps);
    }

    /** The rules as their text forms. */
    public List<String> ruleTexts() {
        List<String> out = new ArrayList<>();
        rules.forEach(r -> out.add(r.toString()));
        return out;
    }

    @Override
    public String toString() {
        return name + " " + kind.word() + " priority=" + priority.word() + " maxbw=" + formatBandwidth(maxBandwidth)
                + " maxpps=" + formatPackets(maxPackets) + " rank=" + rank + " rules=" + String.join("; ", ruleTexts());
    }
}
