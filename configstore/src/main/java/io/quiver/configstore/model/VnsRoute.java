package io.quiver.configstore.model;

import java.util.Locale;

/**
 * One route of a VNS: a prefix and where it goes, in {@code add-route}'s words: {@code via} a next-hop address on one
 * of the VNS's subnets, {@code dev} a VNIC of the VNS, or {@code vns} another VNS (looked up again there, like
 * grout's nexthop of type VRF).
 *
 * @param revision the journal sequence of the commit that added it (0 before it is stored)
 */
public record VnsRoute(String vns, Ipv4Prefix prefix, Kind kind, Ipv4Address via, String target, long revision) {
    /** Where a route goes. */
    public enum Kind {
        VIA, DEV, VNS;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public VnsRoute {
        VnsNames.validate(vns);
        if (prefix == null || kind == null) {
            throw new ConfigException("a route needs a prefix and a next hop");
        }
        switch (kind) {
            case VIA -> {
                if (via == null || target != null) {
                    throw new ConfigException("a 'via' route needs the next hop's address");
                }
            }
            case DEV -> {
                if (target == null || via != null) {
                    throw new ConfigException("a 'dev' route needs a VNIC");
                }
                VnicNames.validate(target);
            }
            case VNS -> {
                if (target == null || via != null) {
                    throw new ConfigException("a 'vns' route needs a VNS");
                }
                VnsNames.validate(target);
            }
        }
    }

    /**
     * Parses {@code PREFIX via A.B.C.D}, {@code PREFIX dev VNIC} or {@code PREFIX vns OTHER} (a bare address is a
     * /32; {@code default} is 0.0.0.0/0).
     */
    public static VnsRoute parse(String vns, String text) {
        String[] w = text == null ? new String[0] : text.strip().split("\\s+");
        if (w.length != 3) {
            throw new ConfigException("a route is 'PREFIX via ADDRESS', 'PREFIX dev VNIC' or 'PREFIX vns OTHER', not '"
                    + (text == null ? "" : text.strip()) + "'");
        }
        return of(vns, w[0], w[1], w[2]);
    }

    /** A route from its three words: prefix, {@code via|dev|vns}, and the next hop. */
    public static VnsRoute of(String vns, String prefix, String kindWord, String nextHop) {
        Ipv4Prefix p = prefix.equalsIgnoreCase("default") ? Ipv4Prefix.parse("0.0.0.0/0") : Ipv4Prefix.parse(prefix);
        Kind kind;
        try {
            kind = Kind.valueOf(kindWord.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("'" + kindWord + "' is not a next hop kind: use via, dev or vns");
        }
        return switch (kind) {
            case VIA -> new VnsRoute(vns, p, kind, Ipv4Address.parse(nextHop), null, 0);
            case DEV, VNS -> new VnsRoute(vns, p, kind, null, nextHop, 0);
        };
    }

    /** The next hop in {@code add-route}'s words: {@code via 10.0.1.5}, {@code dev web1}, {@code vns shared}. */
    public String nextHopText() {
        return kind.word() + " " + (kind == Kind.VIA ? via.toString() : target);
    }

    public VnsRoute withRevision(long r) {
        return new VnsRoute(vns, prefix, kind, via, target, r);
    }

    /** The key the store files it under: VNS and prefix. */
    public String key() {
        return key(vns, prefix);
    }

    public static String key(String vns, Ipv4Prefix prefix) {
        return vns + " " + prefix;
    }

    @Override
    public String toString() {
        return prefix + " " + nextHopText();
    }
}
