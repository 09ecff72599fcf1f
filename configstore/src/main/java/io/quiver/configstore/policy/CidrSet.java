package io.quiver.configstore.policy;

import io.quiver.configstore.model.ValueType;
import java.util.Arrays;

/**
 * IPv4 CIDR blocks: an address is allowed when it lies in one of them (a single address is a /32). For interface
 * addresses ({@code 10.0.0.5/24}) the address is checked, not the prefix length. "none" (no gateway) is allowed only
 * when listed.
 */
public final class CidrSet implements AllowedValues {
    private final ValueType type;
    private final long[] networks;
    private final int[] prefixes;
    private final long[] masks;
    private final boolean noneAllowed;

    CidrSet(ValueType type, long[] networks, int[] prefixes, boolean noneAllowed) {
        this.type = type;
        this.networks = networks.clone();
        this.prefixes = prefixes.clone();
        this.masks = new long[prefixes.length];
        for (int i = 0; i < prefixes.length; i++) {
            masks[i] = mask(prefixes[i]);
        }
        this.noneAllowed = noneAllowed;
    }

    static long mask(int prefix) {
        return prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
    }

    @Override
    public boolean allows(long element) {
        if (element == 0 && type.noneLabel() != null) {
            return noneAllowed;
        }
        long address = type.ipv4Bits(element);
        for (int i = 0; i < networks.length; i++) {
            if ((address & masks[i]) == networks[i]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toText() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < networks.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            long n = networks[i];
            b.append((n >>> 24) & 0xFF).append('.').append((n >>> 16) & 0xFF).append('.')
                    .append((n >>> 8) & 0xFF).append('.').append(n & 0xFF);
            if (prefixes[i] != 32) {
                b.append('/').append(prefixes[i]);
            }
        }
        if (noneAllowed) {
            b.append(b.isEmpty() ? "" : ",").append(type.noneLabel());
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CidrSet other && noneAllowed == other.noneAllowed
                && Arrays.equals(networks, other.networks) && Arrays.equals(prefixes, other.prefixes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(networks) * 31 + Arrays.hashCode(prefixes) + (noneAllowed ? 1 : 0);
    }

    @Override
    public String toString() {
        return toText();
    }
}
