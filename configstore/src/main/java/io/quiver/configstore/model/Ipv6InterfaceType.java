package io.quiver.configstore.model;

/**
 * An IPv6 interface address with its prefix length, {@code 2001:db8::5/64}: three words, the address's two halves
 * and the prefix length. Unspecified, loopback and multicast addresses are refused.
 */
final class Ipv6InterfaceType implements ValueType {
    static final int WIDTH = 3;

    @Override
    public int width() {
        return WIDTH;
    }

    @Override
    public long parse(CharSequence s, int from, int to, StringBuilder why) {
        throw new UnsupportedOperationException("an IPv6 interface address is " + WIDTH + " words: use parseInto");
    }

    @Override
    public boolean parseInto(CharSequence s, int from, int to, long[] out, int at, StringBuilder why) {
        int slash = Text.indexOf(s, '/', from, to);
        if (slash < 0) {
            return fail(why, s, from, to, "the prefix length is missing: write it like 2001:db8::5/64");
        }
        if (!Ipv6Address.parseInto(s, from, slash, out, at, why)) {
            return false;
        }
        long prefix = Text.parseDecimal(s, slash + 1, to, 128);
        if (prefix < 1) {
            return fail(why, s, from, to, "the prefix length after '/' is a number from 1 to 128");
        }
        String bad = Ipv6Address.notAnInterfaceAddress(out[at], out[at + 1]);
        if (bad != null) {
            return fail(why, s, from, to, bad);
        }
        out[at + 2] = prefix;
        return true;
    }

    private static boolean fail(StringBuilder why, CharSequence s, int from, int to, String reason) {
        if (why != null) {
            why.append(Text.quote(s, from, to)).append(" is not an interface address: ").append(reason);
        }
        return false;
    }

    @Override
    public String format(long encoded) {
        throw new UnsupportedOperationException("an IPv6 interface address is " + WIDTH + " words: use format(words, at)");
    }

    @Override
    public String format(long[] words, int at) {
        return Ipv6Address.format(words[at], words[at + 1]) + "/" + words[at + 2];
    }

    @Override
    public String describe() {
        return "an IPv6 address with its prefix length, like 2001:db8::5/64";
    }

    @Override
    public boolean isIpv6() {
        return true;
    }

    @Override
    public boolean sameElement(long[] a, int i, long[] b, int j) {
        return a[i] == b[j] && a[i + 1] == b[j + 1]; // the same address with another prefix length is a duplicate
    }
}
