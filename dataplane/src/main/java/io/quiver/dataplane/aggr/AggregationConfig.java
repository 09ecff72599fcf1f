package io.quiver.dataplane.aggr;

import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.MacAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One aggregation, as {@code create-aggr} and the configuration file give it (docs/aggregation.md maps each field to
 * Crossbow's and Linux's names).
 *
 * @param name     the aggregation's name, which the uplink names like a port
 * @param members  its member ports, by name, in order: LACP port numbers follow it (the first is 1)
 * @param policy   what picks a connection's member ({@code -P})
 * @param lacp     LACP off (static), active or passive ({@code -L})
 * @param timer    LACP's timer: short (a LACPDU a second, 3 s timeout) or long (30 s, 90 s) ({@code -T})
 * @param mac      the aggregation's system MAC (LACP's system id), as {@link MacAddress} bits; 0: the first member's
 * @param mode     load sharing over every usable member, or active-backup (one member carries everything)
 * @param primary  active-backup's preferred member, or null: the first usable one, kept until it fails
 * @param fallback with LACP and no partner answering on any member: fall back to active-backup (true) or carry
 *                 nothing (false)
 */
public record AggregationConfig(String name, List<String> members, HashPolicy policy, Lacp lacp, Timer timer, long mac,
                                Mode mode, String primary, boolean fallback) {
    /** A link name, as dladm and ip accept: a letter, then letters, digits, '-', '_' or '.', 15 characters at most. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,14}");
    /** Members at most: the redirection table shares its entries within one of even up to 16. */
    public static final int MAX_MEMBERS = 16;

    public enum Lacp {
        OFF, ACTIVE, PASSIVE;

        public static Lacp parse(String text) {
            return enumOf(Lacp.class, text, "--lacp", "off, active or passive");
        }

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Timer {
        SHORT, LONG;

        public static Timer parse(String text) {
            return enumOf(Timer.class, text, "--lacp-timer", "short or long");
        }

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Mode {
        BALANCE, ACTIVE_BACKUP;

        public static Mode parse(String text) {
            return enumOf(Mode.class, text.replace('-', '_'), "--mode", "balance or active-backup");
        }

        public String text() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public AggregationConfig {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("aggregation name '" + name + "': a letter, then letters, digits, '-', '_' or '.'"
                    + " (15 characters at most)");
        }
        members = List.copyOf(Objects.requireNonNull(members, "members"));
        if (members.isEmpty()) {
            throw new IllegalArgumentException("aggregation " + name + ": at least one member port (--ports)");
        }
        if (members.size() > MAX_MEMBERS) {
            throw new IllegalArgumentException("aggregation " + name + ": at most " + MAX_MEMBERS + " members, not " + members.size());
        }
        if (new HashSet<>(members).size() != members.size()) {
            throw new IllegalArgumentException("aggregation " + name + ": a port is named twice in " + members);
        }
        if (members.contains(name)) {
            throw new IllegalArgumentException("aggregation " + name + ": cannot be its own member");
        }
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(lacp, "lacp");
        Objects.requireNonNull(timer, "timer");
        Objects.requireNonNull(mode, "mode");
        if (mac != 0 && !new MacAddress(mac).isUnicast()) {
            throw new IllegalArgumentException("aggregation " + name + ": MAC " + MacAddress.format(mac)
                    + " is not a unicast address (its first octet's lowest bit is set)");
        }
        if (mode == Mode.ACTIVE_BACKUP && lacp != Lacp.OFF) {
            throw new IllegalArgumentException("aggregation " + name + ": active-backup runs without LACP (--lacp off);"
                    + " with LACP, active-backup is the fallback when no partner answers");
        }
        if (primary != null && !members.contains(primary)) {
            throw new IllegalArgumentException("aggregation " + name + ": primary '" + primary + "' is not a member of " + members);
        }
    }

    /** Static load sharing over {@code members} by L3,L4, as {@code create-aggr} makes without options. */
    public static AggregationConfig of(String name, List<String> members) {
        return new AggregationConfig(name, members, HashPolicy.L3L4, Lacp.OFF, Timer.SHORT, 0, Mode.BALANCE, null, true);
    }

    /** Parses a MAC's text into {@link MacAddress} bits; an {@link IllegalArgumentException} says what is wrong. */
    public static long parseMac(String text) {
        try {
            return MacAddress.parse(text.strip()).bits();
        } catch (ConfigException e) {
            throw new IllegalArgumentException("--mac: " + e.getMessage(), e);
        }
    }

    /** {@code --lacp-fallback}: {@code active-backup} (true) or {@code none} (false). */
    public static boolean parseFallback(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "active-backup" -> true;
            case "none", "off" -> false;
            default -> throw new IllegalArgumentException("--lacp-fallback '" + text + "' is not active-backup or none");
        };
    }

    public String fallbackText() {
        return fallback ? "active-backup" : "none";
    }

    public AggregationConfig withMembers(List<String> newMembers) {
        return new AggregationConfig(name, newMembers, policy, lacp, timer, mac, mode,
                primary != null && newMembers.contains(primary) ? primary : null, fallback);
    }

    public AggregationConfig withPolicy(HashPolicy p) {
        return new AggregationConfig(name, members, p, lacp, timer, mac, mode, primary, fallback);
    }

    public AggregationConfig withLacp(Lacp l, Timer t) {
        return new AggregationConfig(name, members, policy, l, t, mac, mode, primary, fallback);
    }

    public AggregationConfig withMode(Mode m, String p, boolean fb) {
        return new AggregationConfig(name, members, policy, lacp, timer, mac, m, p, fb);
    }

    public AggregationConfig withMac(long m) {
        return new AggregationConfig(name, members, policy, lacp, timer, m, mode, primary, fallback);
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String text, String option, String allowed) {
        try {
            return Enum.valueOf(type, text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " '" + text + "' is not " + allowed, e);
        }
    }
}
