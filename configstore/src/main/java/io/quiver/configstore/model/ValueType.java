package io.quiver.configstore.model;

/**
 * How one value (one element of a list parameter) is written as text and encoded as a non-negative {@code long}.
 * Every parameter's element fits in a long, so the permission check parses and compares without allocating.
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
