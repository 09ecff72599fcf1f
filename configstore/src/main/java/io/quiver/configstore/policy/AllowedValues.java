package io.quiver.configstore.policy;

import io.quiver.configstore.model.VnicParameter;

/**
 * The values a guest may set one parameter to. For a list parameter every element must be allowed. Checks take the
 * encoded element (see {@link io.quiver.configstore.model.ValueType}) and allocate nothing.
 */
public sealed interface AllowedValues permits AnyValue, ValueList, RangeSet, CidrSet, Ipv6CidrSet {

    /** True when the encoded element is among the allowed values. */
    boolean allows(long element);

    /** True when the element encoded at {@code words[at]} (as wide as its type) is among the allowed values. */
    default boolean allows(long[] words, int at) {
        return allows(words[at]);
    }

    /** The canonical text, as {@link #parse} reads it back. */
    String toText();

    /**
     * Parses the allowed values of {@code parameter}: {@code any}; a list {@code a,b,c}; inclusive ranges
     * {@code 68..1500} (numeric parameters, may be mixed with single values); CIDR blocks {@code 10.0.0.0/24}
     * (IPv4 and IPv6 parameters, may be mixed with single addresses).
     */
    static AllowedValues parse(VnicParameter parameter, String text) {
        return AllowedValuesParser.parse(parameter, text);
    }
}
