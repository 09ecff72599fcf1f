package io.quiver.configstore.model;

/** An IPv4 host address (e.g. a gateway), or "none" (encoded 0). */
final class Ipv4HostType implements ValueType {
    @Override
    public long parse(CharSequence s, int from, int to, StringBuilder why) {
        if (Text.equalsIgnoreCase(s, from, to, "none")) {
            return 0;
        }
        long bits = Ipv4Address.parseBits(s, from, to, why);
        if (bits < 0) {
            return INVALID;
        }
        String bad = Ipv4Address.notAHostAddress(bits);
        if (bad != null) {
            if (why != null) {
                why.append(Text.quote(s, from, to)).append(" cannot be a gateway: ").append(bad)
                        .append(" (write none for no default route)");
            }
            return INVALID;
        }
        return bits;
    }

    @Override
    public String format(long encoded) {
        return encoded == 0 ? "none" : Ipv4Address.format(encoded);
    }

    @Override
    public String describe() {
        return "an IPv4 gateway address like 10.0.0.1, or none";
    }

    @Override
    public boolean isIpv4() {
        return true;
    }

    @Override
    public long ipv4Bits(long encoded) {
        return encoded;
    }

    @Override
    public String noneLabel() {
        return "none";
    }
}
