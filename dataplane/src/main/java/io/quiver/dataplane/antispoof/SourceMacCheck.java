package io.quiver.dataplane.antispoof;

import io.quiver.dataplane.classify.MacVlanTable;
import io.quiver.dataplane.packet.Ethernet;
import java.util.List;
import java.util.Optional;

/**
 * A frame's source MAC must be one of a set of allowed MACs, each naming its owner: on a guest port the VNICs
 * attached by it (primary and secondary MACs), on a cross-connect the positions of its allowed list. A lookup is one
 * hash probe ({@link MacVlanTable}); the set is immutable and replaced whole when it changes.
 */
public final class SourceMacCheck {
    private static final SourceMacCheck NONE = new SourceMacCheck(new MacVlanTable(0));

    private final MacVlanTable macs;

    private SourceMacCheck(MacVlanTable macs) {
        this.macs = macs;
    }

    /** Allows nothing: a guest port with no VNIC yet, whose frames are all spoofed. */
    public static SourceMacCheck none() {
        return NONE;
    }

    /** Allows {@code macs} (text), owned by their positions in the list. */
    public static SourceMacCheck of(List<String> macs) {
        MacVlanTable t = new MacVlanTable(macs.size());
        for (int i = 0; i < macs.size(); i++) {
            t.put(Ethernet.macToLong(Ethernet.parseMac(macs.get(i))), 0, i);
        }
        return new SourceMacCheck(t);
    }

    /** Allows the MACs of the owners in {@code macsByOwner} (index = owner, null = none), sized for them. */
    public static SourceMacCheck ofOwners(List<long[]> macsByOwner) {
        int count = 0;
        for (long[] m : macsByOwner) {
            count += m == null ? 0 : m.length;
        }
        MacVlanTable t = new MacVlanTable(count);
        for (int owner = 0; owner < macsByOwner.size(); owner++) {
            long[] m = macsByOwner.get(owner);
            if (m != null) {
                for (long mac : m) {
                    t.put(mac, 0, owner);
                }
            }
        }
        return new SourceMacCheck(t);
    }

    /** The owner of {@code sourceMac} (a frame's, in {@link Ethernet}'s long form), or -1 when it is not allowed. */
    public int owner(long sourceMac) {
        return macs.get(sourceMac, 0);
    }

    public boolean allows(long sourceMac) {
        return macs.get(sourceMac, 0) >= 0;
    }

    /**
     * This set with {@code owner}'s MACs {@code before} replaced by {@code after}, sharing nothing with this one
     * (which the lcores keep reading). Empty when the copy has no room (the caller rebuilds); a MAC another owner
     * holds is refused with an {@link IllegalArgumentException}.
     */
    public Optional<SourceMacCheck> replacing(int owner, long[] before, long[] after) {
        return macs.replacing(owner, before, 0, after, 0).map(SourceMacCheck::new);
    }

    public int size() {
        return macs.size();
    }
}
