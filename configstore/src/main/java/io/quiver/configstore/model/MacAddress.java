package io.quiver.configstore.model;


/** A 48-bit MAC address; {@code bits} holds the six octets, the first octet in bits 47..40. */
public record MacAddress(long bits) {
    public MacAddress {
        if ((bits & ~0xFFFF_FFFF_FFFFL) != 0) {
            throw new IllegalArgumentException("a MAC address has 48 bits: " + Long.toHexString(bits));
        }
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} (or with '-' separators), any hex case. */
    public static MacAddress parse(CharSequence text) {
        StringBuilder why = new StringBuilder();
        long bits = parseBits(text, 0, text.length(), why);
        if (bits < 0) {
            throw new ConfigException(why.toString());
        }
        return new MacAddress(bits);
    }

    /**
     * The 48 bits of the MAC in {@code s[from, to)}, or -1 (with the reason appended to {@code why} if not null): six
     * octets of one or two hex digits, all separated by ':' or all by '-'.
     */
    static long parseBits(CharSequence s, int from, int to, StringBuilder why) {
        long bits = 0;
        int p = from;
        char sep = 0;
        for (int octet = 0; octet < 6; octet++) {
            int digits = 0;
            int value = 0;
            while (p < to && digits < 3 && Text.hexDigit(s.charAt(p)) >= 0) {
                value = value * 16 + Text.hexDigit(s.charAt(p++));
                digits++;
            }
            if (digits < 1 || digits > 2) {
                return fail(why, s, from, to);
            }
            bits = (bits << 8) | value;
            if (octet < 5) {
                char c = p < to ? s.charAt(p) : 0;
                if ((c != ':' && c != '-') || (sep != 0 && c != sep)) {
                    return fail(why, s, from, to);
                }
                sep = c;
                p++;
            }
        }
        return p == to ? bits : fail(why, s, from, to);
    }

    private static long fail(StringBuilder why, CharSequence s, int from, int to) {
        if (why != null) {
            why.append(Text.quote(s, from, to)).append(" is not a MAC address: write six hex octets like 02:00:5e:10:00:01");
        }
        return -1;
    }

    /** The I/G bit is clear: frames from this address are valid (a group address never sends). */
    public boolean isUnicast() {
        return (bits & 0x0100_0000_0000L) == 0;
    }

    public boolean isZero() {
        return bits == 0;
    }

    public static String format(long bits) {
        char[] out = new char[17];
        for (int octet = 0; octet < 6; octet++) {
            int v = (int) (bits >>> (40 - 8 * octet)) & 0xFF;
            out[octet * 3] = Character.forDigit(v >>> 4, 16);
            out[octet * 3 + 1] = Character.forDigit(v & 0xF, 16);
            if (octet < 5) {
                out[octet * 3 + 2] = ':';
            }
        }
        return new String(out);
    }

    @Override
    public String toString() {
        return format(bits);
    }
}
