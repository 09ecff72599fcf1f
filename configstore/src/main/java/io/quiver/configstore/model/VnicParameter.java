package io.quiver.configstore.model;


import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration parameters of a VNIC: each one's name on the wire, its value type, whether it holds a list, its
 * default, and the parser and validator of its text. The {@link #id} of each parameter is part of the file format.
 */
public enum VnicParameter {
    MAC(1, "mac", Types.UNICAST_MAC, 1, null,
            "the VNIC's primary MAC address"),
    SECONDARY_MACS(2, "secondary-macs", Types.UNICAST_MAC, VnicParameter.MAX_LIST, "none",
            "further MAC addresses the VNIC may send from, comma-separated, or none"),
    IPV4_ADDRESSES(3, "ipv4-addresses", Types.IPV4_INTERFACE, VnicParameter.MAX_LIST, "none",
            "the VNIC's IPv4 addresses with prefix lengths, comma-separated (the first is primary), or none"),
    VLAN(4, "vlan", Types.VLAN, 1, "none",
            "the 802.1Q VLAN id"),
    MTU(5, "mtu", Types.MTU, 1, "1500",
            "the largest IP packet in bytes"),
    DEFAULT_ROUTE(6, "default-route", Types.IPV4_HOST, 1, "none",
            "the gateway of the default route"),
    ROUTING_PROTOCOL(7, "routing-protocol", Types.ROUTING, 1, "static",
            "how the VNIC's network stack learns routes"),
    TRANSPORT_PROTOCOLS(8, "transport-protocols", Types.TRANSPORT, TransportProtocol.values().length, "tcp,udp",
            "the transport protocols enabled, comma-separated, or none"),
    TCP_SEND_BUFFER(9, "tcp-send-buffer", Types.TCP_BUFFER, 1, "256k",
            "the TCP send buffer size"),
    TCP_RECEIVE_BUFFER(10, "tcp-receive-buffer", Types.TCP_BUFFER, 1, "256k",
            "the TCP receive buffer size"),
    TCP_PORT(11, "tcp-port", Types.TCP_PORT, 1, "none",
            "the TCP port associated with the VNIC"),
    BANDWIDTH_LIMIT(12, "bandwidth-limit", Types.BANDWIDTH, 1, "unlimited",
            "the VNIC's bandwidth limit in bits per second"),
    PRIORITY(13, "priority", Types.PRIORITY, 1, "0",
            "the VNIC's traffic priority, 0 lowest"),
    IPV6_ADDRESSES(14, "ipv6-addresses", Types.IPV6_INTERFACE, VnicParameter.MAX_LIST, "none",
            "the VNIC's IPv6 addresses with prefix lengths, comma-separated, or none (the link-local address of its MAC is always its own)"),
    PROTECTION(15, "protection", Types.PROTECTION, LinkProtection.values().length, "mac-nospoof,ip-nospoof",
            "what the VNIC's guest is kept from forging (illumos dladm's protection), comma-separated, or none"),
    ROUTER(16, "router", Types.YES_NO, 1, "no",
            "whether the guest is a router: it may then send IPv6 router advertisements, redirects and DHCPv6 server messages"),
    VNS(17, "vns", Types.VNS_NAME, 1, VnsNames.DEFAULT,
            "the virtual network stack the VNIC belongs to: its addresses, routes and neighbours are that VNS's");

    /** The most elements a list parameter holds. */
    public static final int MAX_LIST = 32;
    /** The most longs a parameter's encoded value takes (a list of the widest elements): the size of a parse buffer. */
    public static final int MAX_WORDS = MAX_LIST * 3;
    /** The longest value text accepted, in characters. */
    public static final int MAX_TEXT = 1024;

    private static final VnicParameter[] VALUES = values();
    private static final Map<String, VnicParameter> BY_NAME = new HashMap<>();
    private static final VnicParameter[] BY_ID = new VnicParameter[64];

    static {
        for (VnicParameter p : VALUES) {
            BY_NAME.put(p.wireName, p);
            BY_ID[p.id] = p;
        }
    }

    private final int id;
    private final String wireName;
    private final ValueType type;
    private final int maxElements;
    private final String defaultText;
    private final String meaning;

    VnicParameter(int id, String wireName, ValueType type, int maxElements, String defaultText, String meaning) {
        this.id = id;
        this.wireName = wireName;
        this.type = type;
        this.maxElements = maxElements;
        this.defaultText = defaultText;
        this.meaning = meaning;
    }

    /** The parameter named {@code name} on the wire ({@code "mtu"}, {@code "ipv4-addresses"}, ...), or null. */
    public static VnicParameter lookup(String name) {
        return name == null ? null : BY_NAME.get(name);
    }

    /** The parameter named {@code name}, or a {@link ConfigException} listing the known names. */
    public static VnicParameter byName(String name) {
        VnicParameter p = lookup(name);
        if (p == null) {
            throw new ConfigException(unknownMessage(name));
        }
        return p;
    }

    public static String unknownMessage(String name) {
        return "unknown parameter '" + name + "': known parameters are " + String.join(", ", wireNames());
    }

    public static List<String> wireNames() {
        return Arrays.stream(VALUES).map(VnicParameter::wireName).toList();
    }

    /** The parameter with this stable file-format id, or null. */
    public static VnicParameter byId(int id) {
        return id > 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    public int id() {
        return id;
    }

    public String wireName() {
        return wireName;
    }

    public ValueType type() {
        return type;
    }

    public boolean isList() {
        return maxElements > 1;
    }

    /** Longs one element of this parameter's value takes. */
    public int width() {
        return type.width();
    }

    public int maxElements() {
        return maxElements;
    }

    /** The value a new VNIC starts with; null for {@link #MAC}, which has no default. */
    public String defaultText() {
        return defaultText;
    }

    /** What the parameter is and what values it takes, for help texts and error messages. */
    public String describe() {
        return wireName + ": " + meaning + "; " + (isList() ? "each element is " : "") + type.describe();
    }

    /**
     * Parses {@code text} into {@code out} (at least {@link #MAX_WORDS} long) and returns the number of longs written
     * ({@link #width()} per element), or -1 when the text is not a valid value; allocates nothing. Surrounding and
     * inner blanks are ignored.
     */
    public int parseInto(CharSequence text, long[] out) {
        return parse(text, out, null);
    }

    /** Why {@code text} is not a valid value of this parameter, or null when it is. */
    public String explainInvalid(CharSequence text) {
        StringBuilder why = new StringBuilder();
        return parse(text, new long[MAX_WORDS], why) < 0 ? why.toString() : null;
    }

    /** The canonical encoded elements of {@code text}; a {@link ConfigException} says what is wrong with it. */
    public long[] parse(CharSequence text) {
        long[] out = new long[MAX_WORDS];
        StringBuilder why = new StringBuilder();
        int n = parse(text, out, why);
        if (n < 0) {
            throw new ConfigException(why.toString());
        }
        long[] values = Arrays.copyOf(out, n);
        if (this == TRANSPORT_PROTOCOLS || this == PROTECTION) {
            Arrays.sort(values);
        }
        return values;
    }

    private int parse(CharSequence text, long[] out, StringBuilder why) {
        if (text == null) {
            return fail(why, "no value given");
        }
        int len = text.length();
        if (len > MAX_TEXT) {
            return fail(why, "the value is " + len + " characters long, the limit is " + MAX_TEXT);
        }
        int from = Text.skipSpaces(text, 0, len);
        int to = Text.trimEnd(text, from, len);
        if (from == to) {
            return fail(why, "the value is empty" + (isList() ? " (write none for an empty list)" : ""));
        }
        if (!isList()) {
            if (!type.parseInto(text, from, to, out, 0, why)) {
                return fail(why, null, false);
            }
            return type.width();
        }
        if (Text.equalsIgnoreCase(text, from, to, "none")) {
            return 0;
        }
        int n = 0;
        int i = from;
        while (true) {
            int comma = Text.indexOf(text, ',', i, to);
            int end = comma < 0 ? to : comma;
            int s = Text.skipSpaces(text, i, end);
            int e = Text.trimEnd(text, s, end);
            if (s == e) {
                return fail(why, "an element of the list is empty");
            }
            if (n == maxElements) {
                return fail(why, "the list holds at most " + maxElements + " elements");
            }
            int w = type.width();
            if (!type.parseInto(text, s, e, out, n * w, why)) {
                return fail(why, null, false);
            }
            for (int k = 0; k < n; k++) {
                if (type.sameElement(out, k * w, out, n * w)) {
                    return fail(why, Text.quote(text, s, e) + " is listed twice");
                }
            }
            n++;
            if (comma < 0) {
                return n * w;
            }
            i = comma + 1;
        }
    }

    private int fail(StringBuilder why, String reason) {
        return fail(why, reason, true);
    }

    private int fail(StringBuilder why, String reason, boolean sayWhatItTakes) {
        if (why != null) {
            if (reason != null) {
                why.append(reason);
            }
            why.insert(0, "invalid " + wireName + ": ");
            if (sayWhatItTakes) {
                why.append("; ").append(wireName).append(" takes ")
                        .append(isList() ? "a comma-separated list of at most " + maxElements + ", each " : "")
                        .append(type.describe());
            }
        }
        return -1;
    }

    /** The canonical text of encoded elements, as {@link #parse} reads it back. */
    public String format(long[] values) {
        if (!isList()) {
            return type.format(values, 0);
        }
        if (values.length == 0) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        for (int at = 0; at < values.length; at += type.width()) {
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(type.format(values, at));
        }
        return b.toString();
    }

    /** The value types, built once. */
    private static final class Types {
        static final ValueType UNICAST_MAC = new UnicastMacType();
        static final ValueType IPV4_INTERFACE = new Ipv4InterfaceType();
        static final ValueType IPV4_HOST = new Ipv4HostType();
        static final ValueType VLAN = new IntegerType("a VLAN id", 1, 4094, IntegerType.Units.NONE, "none");
        static final ValueType MTU = new IntegerType("an MTU in bytes", 68, 9216, IntegerType.Units.NONE, null);
        static final ValueType ROUTING = new EnumType("a routing protocol",
                Arrays.stream(RoutingProtocol.values()).map(RoutingProtocol::wireName).toList());
        static final ValueType TRANSPORT = new EnumType("a transport protocol",
                Arrays.stream(TransportProtocol.values()).map(TransportProtocol::wireName).toList());
        static final ValueType TCP_BUFFER = new IntegerType("a buffer size in bytes", 4096, 64L << 20,
                IntegerType.Units.BINARY, null);
        static final ValueType TCP_PORT = new IntegerType("a TCP port", 1, 65535, IntegerType.Units.NONE, "none");
        static final ValueType BANDWIDTH = new IntegerType("a rate in bit/s", 1000, 400_000_000_000L,
                IntegerType.Units.DECIMAL, "unlimited");
        static final ValueType PRIORITY = new IntegerType("a priority", 0, 7, IntegerType.Units.NONE, null);
        static final ValueType IPV6_INTERFACE = new Ipv6InterfaceType();
        static final ValueType PROTECTION = new EnumType("a link protection",
                Arrays.stream(LinkProtection.values()).map(LinkProtection::wireName).toList());
        static final ValueType YES_NO = new EnumType("yes or no", List.of("no", "yes"));
        static final ValueType VNS_NAME = new VnsNameType();

        private Types() {
        }
    }
}
