package io.quiver.dataplane.forward;

import io.quiver.dataplane.packet.Ethernet;
import java.util.List;

/**
 * Checks a frame's source MAC against a small allowed set.
 *
 * @param allowed MACs in {@link Ethernet}'s long form
 * @param drop    drop mismatching frames; otherwise only count them
 */
public record SourceMacCheck(long[] allowed, boolean drop) {
    public SourceMacCheck {
        allowed = allowed.clone();
    }

    public static SourceMacCheck of(List<String> macs, boolean drop) {
        return new SourceMacCheck(macs.stream().map(Ethernet::parseMac).mapToLong(Ethernet::macToLong).toArray(), drop);
    }

    public boolean allows(long sourceMac) {
        for (long a : allowed) {
            if (a == sourceMac) {
                return true;
            }
        }
        return false;
    }
}
