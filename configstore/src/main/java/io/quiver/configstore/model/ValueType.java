package io.quiver.configstore.model;

/**
 * How one value (one element of a list parameter) is written as text and encoded: as one non-negative {@code long},
 * or as {@link #width()} longs for a value that does not fit in one (an IPv6 address). Encoded values are primitive
 * words, so the permission check parses and compares without allocating.
 */
public interface ValueType {
    /** Returned by {@link #parse} for text that is not a valid value. */
    long INVALID = -1;

    /**
     * The encoding of {@code s[from, to)}, or {@link #INVALID}. When {@code why} is not null the reason is appended
     * to it; with {@code why == null} the parse allocates nothing.
     */
    long parse(CharSequence s, int from, int to, StringBuilder why);

    /** The canonical text of an encoded value; {@code parse(format(v)) == v}. */
    String format(long encoded);

    /** What a valid value looks like, for error messages. */
    String describe();

    /** Longs one encoded element takes. */
    default int width() {
        return 1;
    }

    /**
     * Parses {@code s[from, to)} into {@code out[at .. at + width())}; false (with the reason appended to {@code why}
     * if not null) when it is not a valid value.
     */
    default boolean parseInto(CharSequence s, int from, int to, long[] out, int at, StringBuilder why) {
        long v = parse(s, from, to, why);
        if (v < 0) {
            return false;
        }
        out[at] = v;
        return true;
    }

    /** The canonical text of the element at {@code words[at]}. */
    default String format(long[] words, int at) {
        return format(words[at]);
    }

    /** Whether the elements at {@code a[i]} and {@code b[j]} are duplicates of each other in one list. */
    default boolean sameElement(long[] a, int i, long[] b, int j) {
        return identity(a[i]) == identity(b[j]);
    }

    /** Policies may give CIDR blocks of IPv6 addresses of this type (the address is words 0 and 1). */
    default boolean isIpv6() {
        return false;
    }

    /** Policies may give inclusive ranges {@code lo..hi} of this type. */
    default boolean isNumeric() {
        return false;
    }

    /** Policies may give CIDR blocks of this type; {@link #ipv4Bits} extracts the address. */
    default boolean isIpv4() {
        return false;
    }

    default long ipv4Bits(long encoded) {
        throw new UnsupportedOperationException(describe() + " has no IPv4 address");
    }

    /** Two list elements with the same identity are duplicates (an address listed twice with different prefixes). */
    default long identity(long encoded) {
        return encoded;
    }

    /** The word that means "not set" for this type ("none", "unlimited"), encoded as 0; null when there is none. */
    default String noneLabel() {
        return null;
    }
}
