package io.quiver.configstore.model;

/**
 * An IPv4 prefix, e.g. {@code 198.51.100.0/24} or {@code 0.0.0.0/0}: what a route covers. Unlike an
 * {@link Ipv4Interface} it names a network, so its host bits must be zero and /0 is allowed.
 */
public record Ipv4Prefix(Ipv4Address network, int length) {
    public Ipv4Prefix {
        if (length < 0 || length > 32) {
            throw new ConfigException("prefix length " + length + " is not in 0..32");
        }
        if ((network.bits() & ~mask(length)) != 0) {
            throw new ConfigException(network + "/" + length + " has host bits set: the network of that prefix is "
                    + new Ipv4Address(network.bits() & mask(length)) + "/" + length);
        }
    }

    /** Parses {@code a.b.c.d/len}; a bare address is a /32. */
    public static Ipv4Prefix parse(CharSequence text) {
        String t = text.toString().trim();
        int slash = t.indexOf('/');
        int length = 32;
        if (slash >= 0) {
            long n = Text.parseDecimal(t, slash + 1, t.length(), 32);
            if (n < 0) {
                throw new ConfigException("'" + t + "' is not an IPv4 prefix: the length after '/' is a number from 0 to 32");
            }
            length = (int) n;
        }
        return new Ipv4Prefix(Ipv4Address.parse(slash < 0 ? t : t.substring(0, slash)), length);
    }

    /** The netmask of a prefix length, as the address's bits. */
    public static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    public int mask() {
        return mask(length);
    }

    /** Whether {@code address} (as {@link Ipv4Address#bits()}) lies in this prefix. */
    public boolean contains(int address) {
        return (address & mask()) == network.bits();
    }

    @Override
    public String toString() {
        return network + "/" + length;
    }
}
