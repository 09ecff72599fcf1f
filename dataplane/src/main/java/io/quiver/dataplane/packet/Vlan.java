package io.quiver.dataplane.packet;

import io.quiver.dpdk.Mbufs;
import io.quiver.dpdk.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** 802.1Q tag removal and insertion in place: the MAC addresses move by 4 bytes, the mbuf's start moves with them. */
public final class Vlan {
    private static final MemorySegment M = NativeMemory.ALL;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    /** The bytes one 802.1Q or 802.1ad tag takes. */
    public static final int TAG_LENGTH = 4;
    /** Where L3 starts in a Q-in-Q frame: behind the MACs and two tags. */
    public static final int STACKED_L3 = Ethernet.HEADER_LENGTH + 2 * TAG_LENGTH;

    private Vlan() {
    }

    /** Removes the (outer) tag of a tagged frame; false if the mbuf cannot be adjusted. */
    public static boolean strip(long mbuf) {
        long f = Mbufs.data(mbuf);
        long lo = M.get(LONG, f);
        int hi = M.get(INT, f + 8);
        if (!Mbufs.adjustHead(mbuf, 4)) {
            return false;
        }
        M.set(LONG, f + 4, lo);
        M.set(INT, f + 12, hi);
        return true;
    }

    /** Inserts a tag with {@code vlanId} (priority 0) into an untagged frame; false without headroom. */
    public static boolean insert(long mbuf, int vlanId) {
        long f = Mbufs.data(mbuf);
        long lo = M.get(LONG, f);
        int hi = M.get(INT, f + 8);
        if (!Mbufs.adjustHead(mbuf, -4)) {
            return false;
        }
        long n = f - 4;
        M.set(LONG, n, lo);
        M.set(INT, n + 8, hi);
        M.set(INT, n + 12, Integer.reverseBytes((PacketParser.ETHERTYPE_VLAN << 16) | (vlanId & 0x0fff)));
        return true;
    }
}
