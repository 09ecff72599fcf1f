package io.quiver.dataplane.classify;

import java.util.Arrays;

/**
 * (MAC, VLAN) -> VNIC index: open addressing with linear probing over primitive arrays, at most half full, built on
 * the control side and then only read. A lookup is a multiply, a mask and usually one probe.
 */
public final class MacVlanTable {
    private final long[] keys;
    private final int[] values;
    private final int mask;
    private final int shift;
    private int size;

    public MacVlanTable(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
        keys = new long[capacity];
        values = new int[capacity];
        Arrays.fill(values, -1);
        mask = capacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
    }

    private MacVlanTable(MacVlanTable from) {
        keys = from.keys.clone();
        values = from.values.clone();
        mask = from.mask;
        shift = from.shift;
        size = from.size;
    }

    /** A copy to change while the lcores keep reading this one (a few array copies, no rehashing). */
    public MacVlanTable copy() {
        return new MacVlanTable(this);
    }

    /** Whether {@code more} entries fit without passing half full. */
    public boolean hasRoomFor(int more) {
        return (size + more) * 2 <= keys.length;
    }

    /**
     * Removes (MAC, VLAN) if it names {@code vnic}, shifting later entries of its probe run back so that every other key stays
     * reachable without tombstones.
     */
    public void remove(long mac, int vlan, int vnic) {
        long k = key(mac, vlan);
        int i = hash(k, shift);
        while (values[i] >= 0 && keys[i] != k) {
            i = (i + 1) & mask;
        }
        if (values[i] != vnic) { // absent, or another VNIC's
            return;
        }
        int hole = i;
        for (int j = (i + 1) & mask; values[j] >= 0; j = (j + 1) & mask) {
            int home = hash(keys[j], shift);
            // keys[j] may fill the hole when its home is not in (hole, j] (cyclically)
            boolean homeBetween = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (!homeBetween) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = 0;
        values[hole] = -1;
        size--;
    }

    static long key(long mac, int vlan) {
        return mac | ((long) vlan << 48);
    }

    /**
     * Fibonacci hashing: one multiply, keep the top bits, which every key bit reaches. (MACs of one vendor differ
     * only in their last bytes, the key's high bits; keeping the low bits of a product would drop them.)
     */
    static int hash(long key, int shift) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }

    /** Adds a mapping; a (MAC, VLAN) already present with another VNIC is refused. */
    public void put(long mac, int vlan, int vnic) {
        if (size * 2 >= keys.length) {
            throw new IllegalStateException("MAC table full: sized for fewer entries");
        }
        long k = key(mac, vlan);
        for (int i = hash(k, shift); ; i = (i + 1) & mask) {
            if (values[i] < 0) {
                keys[i] = k;
                values[i] = vnic;
                size++;
                return;
            }
            if (keys[i] == k) {
                if (values[i] != vnic) {
                    throw new IllegalArgumentException("MAC " + io.quiver.dataplane.packet.Ethernet.formatMac(mac)
                            + (vlan == 0 ? "" : " in VLAN " + vlan) + " is already used by another VNIC");
                }
                return;
            }
        }
    }

    /** The VNIC index for (MAC, VLAN), or -1. */
    public int get(long mac, int vlan) {
        long k = key(mac, vlan);
        final long[] keys = this.keys;
        final int[] values = this.values;
        for (int i = hash(k, shift); ; i = (i + 1) & mask) {
            int v = values[i];
            if (v < 0) {
                return -1;
            }
            if (keys[i] == k) {
                return v;
            }
        }
    }

    public int size() {
        return size;
    }
}
