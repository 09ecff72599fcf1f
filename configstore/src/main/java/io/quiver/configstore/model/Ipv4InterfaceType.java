package io.quiver.configstore.model;

/**
 * An interface address with its prefix length, {@code 10.0.0.5/24}; encoded as {@code address << 6 | prefix}.
 * The address must be a host address, and not the network or broadcast address of its subnet.
 */
final class Ipv4InterfaceType implements ValueType {
    @Override
    public long parse(CharSequence s, int from, int to, StringBuilder why) {
        int slash = Text.indexOf(s, '/', from, to);
        if (slash < 0) {
            return fail(why, s, from, to, "the prefix length is missing: write it like 10.0.0.5/24");
        }
        long bits = Ipv4Address.parseBits(s, from, slash, why);
        if (bits < 0) {
            return INVALID;
        }
        long prefix = Text.parseDecimal(s, slash + 1, to, 32);
        if (prefix < 1) {
            return fail(why, s, from, to, "the prefix length after '/' is a number from 1 to 32");
        }
        String bad = Ipv4Address.notAHostAddress(bits);
        if (bad != null) {
            return fail(why, s, from, to, bad);
        }
        if (prefix <= 30) {
            long host = bits & (0xFFFF_FFFFL >>> prefix);
            if (host == 0) {
                return fail(why, s, from, to, "it is the network address of its subnet, not a host in it");
            }
            if (host == (0xFFFF_FFFFL >>> prefix)) {
                return fail(why, s, from, to, "it is the broadcast address of its subnet, not a host in it");
            }
        }
        return bits << 6 | prefix;
    }

    private static long fail(StringBuilder why, CharSequence s, int from, int to, String reason) {
        if (why != null) {
            why.append(Text.quote(s, from, to)).append(" is not an interface address: ").append(reason);
        }
        return INVALID;
    }

    @Override
    public String format(long encoded) {
        return Ipv4Address.format(encoded >>> 6) + "/" + (encoded & 63);
    }

    @Override
    public String describe() {
        return "an IPv4 address with its prefix length, like 10.0.0.5/24";
    }

    @Override
    public boolean isIpv4() {
        return true;
    }

    @Override
    public long ipv4Bits(long encoded) {
        return encoded >>> 6;
    }

    @Override
    public long identity(long encoded) {
        return encoded >>> 6;
    }
}
