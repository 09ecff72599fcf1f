package io.quiver.configstore.model;


/** An IPv4 address; {@code bits} is the address in network order as an unsigned 32-bit number. */
public record Ipv4Address(int bits) {

    /** Parses dotted-quad text, e.g. {@code 10.0.0.1}. Leading zeros are refused (some tools read them as octal). */
    public static Ipv4Address parse(CharSequence text) {
        StringBuilder why = new StringBuilder();
        long bits = parseBits(text, 0, text.length(), why);
        if (bits < 0) {
            throw new ConfigException(why.toString());
        }
        return new Ipv4Address((int) bits);
    }

    /** The address in {@code s[from, to)} as 0..2^32-1, or -1 (with the reason appended to {@code why} if not null). */
    static long parseBits(CharSequence s, int from, int to, StringBuilder why) {
        long bits = 0;
        int p = from;
        for (int octet = 0; octet < 4; octet++) {
            int end = octet < 3 ? Text.indexOf(s, '.', p, to) : to;
            if (end < 0) {
                return fail(why, s, from, to, "write four decimal octets like 10.0.0.1");
            }
            long v = Text.parseDecimal(s, p, end, 255);
            if (v < 0) {
                return fail(why, s, from, to, "each of the four octets is a number from 0 to 255");
            }
            if (end - p > 1 && s.charAt(p) == '0') {
                return fail(why, s, from, to, "octets with leading zeros are ambiguous (octal in some tools)");
            }
            bits = (bits << 8) | v;
            p = end + 1;
        }
        return bits;
    }

    private static long fail(StringBuilder why, CharSequence s, int from, int to, String hint) {
        if (why != null) {
            why.append(Text.quote(s, from, to)).append(" is not an IPv4 address: ").append(hint);
        }
        return -1;
    }

    /** Why this address cannot be a host address (interface address, gateway), or null when it can. */
    static String notAHostAddress(long bits) {
        int first = (int) (bits >>> 24);
        if (first == 0) {
            return "0.0.0.0/8 means 'this network' and is not a host address";
        }
        if (first == 127) {
            return "127.0.0.0/8 is loopback";
        }
        if (first >= 224 && first < 240) {
            return "224.0.0.0/4 is multicast";
        }
        if (first >= 240) {
            return "240.0.0.0/4 is reserved (and 255.255.255.255 is broadcast)";
        }
        if (bits == Integer.toUnsignedLong(ReservedAddresses.SERVICE_IPV4)) {
            return ReservedAddresses.SERVICE_IPV4_TEXT + " is the appliance's own service address";
        }
        return null;
    }

    public static String format(long bits) {
        return ((bits >>> 24) & 0xFF) + "." + ((bits >>> 16) & 0xFF) + "." + ((bits >>> 8) & 0xFF) + "." + (bits & 0xFF);
    }

    @Override
    public String toString() {
        return format(Integer.toUnsignedLong(bits));
    }
}
