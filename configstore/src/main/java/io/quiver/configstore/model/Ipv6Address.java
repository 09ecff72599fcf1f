package io.quiver.configstore.model;

/**
 * An IPv6 address as two 64-bit halves, {@code high} holding bytes 0..7 (the first group in its top 16 bits).
 * Parsed from any RFC 4291 text form, {@code ::} and a trailing dotted IPv4 included; written in RFC 5952's
 * canonical form (lower case, no leading zeros, the longest run of zero groups as {@code ::}).
 */
public record Ipv6Address(long high, long low) {
    public static final Ipv6Address UNSPECIFIED = new Ipv6Address(0, 0);

    /** Parses IPv6 text; a {@link ConfigException} says what is wrong. */
    public static Ipv6Address parse(CharSequence text) {
        long[] out = new long[2];
        StringBuilder why = new StringBuilder();
        if (!parseInto(text, 0, text.length(), out, 0, why)) {
            throw new ConfigException(why.toString());
        }
        return new Ipv6Address(out[0], out[1]);
    }

    /**
     * Parses {@code s[from, to)} into {@code out[at]} (high) and {@code out[at + 1]} (low); false (with the reason
     * appended to {@code why} if not null) when it is not an IPv6 address. Allocates nothing.
     */
    static boolean parseInto(CharSequence s, int from, int to, long[] out, int at, StringBuilder why) {
        int[] groups = new int[8]; // a small local array: escape analysis keeps it off the heap
        int count = 0;
        int gap = -1; // where '::' stands, in groups
        int p = from;
        if (to - from < 2) {
            return fail(why, s, from, to, "write eight groups of hex digits like 2001:db8::1");
        }
        if (s.charAt(p) == ':') {
            if (s.charAt(p + 1) != ':') {
                return fail(why, s, from, to, "a single ':' cannot start an address");
            }
            gap = 0;
            p += 2;
        }
        while (p < to) {
            int start = p;
            int value = 0;
            while (p < to && p - start < 5 && Text.hexDigit(s.charAt(p)) >= 0) {
                value = value * 16 + Text.hexDigit(s.charAt(p++));
            }
            if (p < to && s.charAt(p) == '.') { // a dotted IPv4 tail
                if (count > 6) {
                    return fail(why, s, from, to, "too many groups before the IPv4 part");
                }
                long v4 = Ipv4Address.parseBits(s, start, to, null);
                if (v4 < 0) {
                    return fail(why, s, from, to, "the IPv4 part is not a dotted address");
                }
                groups[count++] = (int) (v4 >>> 16);
                groups[count++] = (int) (v4 & 0xFFFF);
                p = to;
                break;
            }
            int digits = p - start;
            if (digits == 0 && p < to && s.charAt(p) != ':') {
                return fail(why, s, from, to, "'" + s.charAt(p) + "' is not a hex digit or ':'");
            }
            if (digits == 0 || digits > 4) {
                return fail(why, s, from, to, digits == 0 ? "a group is empty" : "a group has more than four hex digits");
            }
            if (count == 8) {
                return fail(why, s, from, to, "more than eight groups");
            }
            groups[count++] = value;
            if (p == to) {
                break;
            }
            if (s.charAt(p) != ':') {
                return fail(why, s, from, to, "'" + s.charAt(p) + "' is not a hex digit or ':'");
            }
            p++;
            if (p < to && s.charAt(p) == ':') {
                if (gap >= 0) {
                    return fail(why, s, from, to, "'::' may stand only once");
                }
                gap = count;
                p++;
            } else if (p == to) {
                return fail(why, s, from, to, "a single ':' cannot end an address");
            }
        }
        if (gap < 0 ? count != 8 : count > 7) {
            return fail(why, s, from, to, gap < 0 ? "it has " + count + " groups, not eight (or '::' for zeros)"
                    : "'::' must stand for at least one zero group");
        }
        long high = 0;
        long low = 0;
        int missing = 8 - count;
        for (int g = 0, src = 0; g < 8; g++) {
            int v = gap >= 0 && g >= gap && g < gap + missing ? 0 : groups[src++];
            if (g < 4) {
                high = (high << 16) | v;
            } else {
                low = (low << 16) | v;
            }
        }
        out[at] = high;
        out[at + 1] = low;
        return true;
    }

    private static boolean fail(StringBuilder why, CharSequence s, int from, int to, String hint) {
        if (why != null) {
            why.append(Text.quote(s, from, to)).append(" is not an IPv6 address: ").append(hint);
        }
        return false;
    }

    /** The canonical text (RFC 5952). */
    public static String format(long high, long low) {
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (high >>> (48 - 16 * i)) & 0xFFFF;
            g[i + 4] = (int) (low >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not shortened
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder b = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLength - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            b.append(Integer.toHexString(g[i]));
        }
        return b.toString();
    }

    /** Why this address cannot be an interface's, or null when it can. */
    static String notAnInterfaceAddress(long high, long low) {
        if (high == 0 && low == 0) {
            return ":: is the unspecified address";
        }
        if (high == 0 && low == 1) {
            return "::1 is loopback";
        }
        if ((high >>> 56) == 0xFF) {
            return "ff00::/8 is multicast";
        }
        return null;
    }

    public boolean isLinkLocal() {
        return (high >>> 54) == (0xFE80L >>> 6);
    }

    /** The link-local address a MAC gives by modified EUI-64 (RFC 4291 appendix A): fe80::(mac with U/L flipped, ff:fe inserted). */
    public static Ipv6Address linkLocalOf(MacAddress mac) {
        long b = mac.bits();
        long oui = (b >>> 24) ^ 0x020000; // the universal/local bit of the first octet, flipped
        long nic = b & 0xFFFFFF;
        long interfaceId = (oui << 40) | (0xFFFEL << 24) | nic;
        return new Ipv6Address(0xFE80_0000_0000_0000L, interfaceId);
    }

    @Override
    public String toString() {
        return format(high, low);
    }
}
