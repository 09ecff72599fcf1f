package io.quiver.configstore.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The settable properties of a VNS (what {@code set-vnsprop} takes): each one's wire name, default and canonical
 * form. A VNS keeps each property as its canonical text; {@link VnsConfig} reads typed values from it. The {@link #id}
 * is part of the file format.
 */
public enum VnsProperty {
    MAC(1, "mac", "auto", VnsProperty::mac,
            "the VNS router's MAC, which its gateway addresses answer ARP with; auto derives one from the name"),
    MTU(2, "mtu", "1500", t -> integer(t, 68, 9216, "an MTU in bytes"),
            "the largest IP packet the VNS routes to the uplink; toward a VNIC the VNIC's own MTU applies"),
    TTL_POLICY(3, "ttl-policy", "decrement", t -> word(t, List.of("decrement", "transparent")),
            "decrement: routers' TTL rules (ICMP time-exceeded at expiry); transparent: the TTL is left alone"),
    MAX_ROUTES(4, "max-routes", "1024", t -> integer(t, 1, 1 << 20, "a number of routes"),
            "the most routes the VNS holds, connected subnets included"),
    MAX_NEIGHBOURS(5, "max-neighbours", "256", t -> integer(t, 1, 65536, "a number of neighbours"),
            "the most neighbours its ARP cache holds"),
    ICMP_RATE(6, "icmp-rate", "100", t -> integer(t, 0, 1_000_000, "ICMP errors per second"),
            "ICMP errors the VNS sends per second at most (0: none)"),
    ICMP_BURST(7, "icmp-burst", "50", t -> integer(t, 1, 100_000, "a number of ICMP errors"),
            "ICMP errors it may send at once before the rate applies"),
    ADDRESSES(8, "addresses", "none", VnsProperty::interfaces,
            "the router's own addresses toward its VNICs, with their subnets (a.b.c.d/len, comma-separated): the guests' gateways"),
    UPLINK_ADDRESS(9, "uplink-address", "none", t -> t.equalsIgnoreCase("none") ? "none" : oneInterface(t),
            "the router's address on the uplink's network, with its subnet, or none (the VNS does not reach the uplink)"),
    UPLINK_VLAN(10, "uplink-vlan", "none", t -> t.equalsIgnoreCase("none") ? "none" : integer(t, 1, 4094, "a VLAN id"),
            "the 802.1Q VLAN of its uplink network, or none"),
    NEIGHBOUR_REACHABLE(11, "neighbour-reachable", "1200", t -> integer(t, 1, 86_400, "seconds"),
            "seconds an answered neighbour is used before it is probed again"),
    STATIC_NEIGHBOURS(12, "static-neighbours", "none", VnsProperty::neighbours,
            "neighbours on the uplink network the VNS never probes: address=MAC, comma-separated, or none");

    private final int id;
    private final String wireName;
    private final String defaultText;
    private final UnaryOperator<String> canonical;
    private final String meaning;

    VnsProperty(int id, String wireName, String defaultText, UnaryOperator<String> canonical, String meaning) {
        this.id = id;
        this.wireName = wireName;
        this.defaultText = defaultText;
        this.canonical = canonical;
        this.meaning = meaning;
    }

    public int id() {
        return id;
    }

    public String wireName() {
        return wireName;
    }

    public String defaultText() {
        return defaultText;
    }

    public String meaning() {
        return meaning;
    }

    /** The canonical text of {@code text}; a {@link ConfigException} says what is wrong with it. */
    public String canonical(String text) {
        if (text == null || text.isBlank()) {
            throw new ConfigException("invalid " + wireName + ": the value is empty");
        }
        try {
            return canonical.apply(text.strip());
        } catch (ConfigException e) {
            throw new ConfigException("invalid " + wireName + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid " + wireName + ": " + e.getMessage());
        }
    }

    public static VnsProperty byName(String name) {
        for (VnsProperty p : values()) {
            if (p.wireName.equals(name)) {
                return p;
            }
        }
        throw new ConfigException("unknown VNS property '" + name + "': known properties are "
                + String.join(", ", Arrays.stream(values()).map(VnsProperty::wireName).toList()));
    }

    public static VnsProperty byId(int id) {
        for (VnsProperty p : values()) {
            if (p.id == id) {
                return p;
            }
        }
        return null;
    }

    private static String integer(String t, long min, long max, String what) {
        long v;
        try {
            v = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new ConfigException("'" + t + "' is not " + what + " from " + min + " to " + max);
        }
        if (v < min || v > max) {
            throw new ConfigException(v + " is not " + what + " from " + min + " to " + max);
        }
        return Long.toString(v);
    }

    private static String word(String t, List<String> words) {
        String w = t.toLowerCase(Locale.ROOT);
        if (!words.contains(w)) {
            throw new ConfigException("'" + t + "' is not one of " + String.join(", ", words));
        }
        return w;
    }

    private static String mac(String t) {
        if (t.equalsIgnoreCase("auto")) {
            return "auto";
        }
        MacAddress m = MacAddress.parse(t);
        if (!m.isUnicast() || m.isZero()) {
            throw new ConfigException(m + " is not a unicast MAC");
        }
        return m.toString();
    }

    static Ipv4Interface parseInterface(String t) {
        int slash = t.indexOf('/');
        if (slash < 0) {
            throw new ConfigException("'" + t + "' has no prefix length: write a.b.c.d/len");
        }
        Ipv4Address a = Ipv4Address.parse(t.substring(0, slash).strip());
        int length;
        try {
            length = Integer.parseInt(t.substring(slash + 1).strip());
        } catch (NumberFormatException e) {
            throw new ConfigException("'" + t + "': the length after '/' is a number from 1 to 30");
        }
        if (length < 1 || length > 30) {
            throw new ConfigException("'" + t + "': a router's subnet is /1 to /30, so that it has room for hosts");
        }
        int mask = Ipv4Prefix.mask(length);
        if ((a.bits() & ~mask) == 0 || (a.bits() | mask) == -1) {
            throw new ConfigException("'" + t + "' is its subnet's network or broadcast address, not a host's");
        }
        String bad = Ipv4Address.notAHostAddress(Integer.toUnsignedLong(a.bits()));
        if (bad != null) {
            throw new ConfigException("'" + t + "': " + bad);
        }
        return new Ipv4Interface(a, length);
    }

    private static String oneInterface(String t) {
        return parseInterface(t).toString();
    }

    private static String interfaces(String t) {
        if (t.equalsIgnoreCase("none")) {
            return "none";
        }
        List<String> out = new java.util.ArrayList<>();
        for (String item : t.split(",", -1)) {
            String c = oneInterface(item.strip());
            if (out.contains(c)) {
                throw new ConfigException(c + " is listed twice");
            }
            out.add(c);
        }
        if (out.size() > 64) {
            throw new ConfigException("a VNS has at most 64 addresses");
        }
        return String.join(",", out);
    }

    private static String neighbours(String t) {
        if (t.equalsIgnoreCase("none")) {
            return "none";
        }
        java.util.TreeMap<Long, String> out = new java.util.TreeMap<>();
        for (String item : t.split(",", -1)) {
            int eq = item.indexOf('=');
            if (eq < 0) {
                throw new ConfigException("'" + item.strip() + "' is not address=MAC");
            }
            Ipv4Address ip = Ipv4Address.parse(item.substring(0, eq).strip());
            String mac = mac(item.substring(eq + 1).strip());
            if (mac.equals("auto")) {
                throw new ConfigException("a static neighbour needs its MAC, not auto");
            }
            if (out.put(Integer.toUnsignedLong(ip.bits()), ip + "=" + mac) != null) {
                throw new ConfigException(ip + " is listed twice");
            }
        }
        if (out.size() > 64) {
            throw new ConfigException("a VNS has at most 64 static neighbours");
        }
        return String.join(",", out.values());
    }
}
