package io.quiver.configstore.policy;

import io.quiver.configstore.model.Ipv6Address;
import java.util.Arrays;

/**
 * IPv6 CIDR blocks: an interface address is allowed when its address lies in one of them (a single address is a
 * /128); the prefix length it is given with is not checked.
 */
public final class Ipv6CidrSet implements AllowedValues {
    private final long[] highs;
    private final long[] lows;
    private final int[] prefixes;

    Ipv6CidrSet(long[] highs, long[] lows, int[] prefixes) {
        this.highs = highs.clone();
        this.lows = lows.clone();
        this.prefixes = prefixes.clone();
    }

    /** The high and low masks of a prefix length. */
    static long highMask(int prefix) {
        return prefix == 0 ? 0 : prefix >= 64 ? -1L : -1L << (64 - prefix);
    }

    static long lowMask(int prefix) {
        return prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
    }

    static boolean contains(long netHigh, long netLow, int prefix, long high, long low) {
        return (high & highMask(prefix)) == netHigh && (low & lowMask(prefix)) == netLow;
    }

    @Override
    public boolean allows(long element) {
        throw new UnsupportedOperationException("an IPv6 address is two words: use allows(words, at)");
    }

    @Override
    public boolean allows(long[] words, int at) {
        for (int i = 0; i < prefixes.length; i++) {
            if (contains(highs[i], lows[i], prefixes[i], words[at], words[at + 1])) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toText() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < prefixes.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(Ipv6Address.format(highs[i], lows[i]));
            if (prefixes[i] != 128) {
                b.append('/').append(prefixes[i]);
            }
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv6CidrSet other && Arrays.equals(highs, other.highs) && Arrays.equals(lows, other.lows)
                && Arrays.equals(prefixes, other.prefixes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(highs) * 31 + Arrays.hashCode(lows) * 7 + Arrays.hashCode(prefixes);
    }

    @Override
    public String toString() {
        return toText();
    }
}
