package io.quiver.dataplane.classify;

import java.util.Arrays;

/**
 * A 64-bit key -> VNIC index: open addressing with linear probing over primitive arrays, at most half full, built or
 * changed on the control side (on a copy while the lcores read the original) and then only read. A lookup is a
 * multiply, a shift and usually one probe. The subclasses say what a key is.
 */
abstract class VnicIndexTable {
    private final long[] keys;
    private final int[] values;
    private final int mask;
    private final int shift;
    private int size;

    VnicIndexTable(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
        keys = new long[capacity];
        values = new int[capacity];
        Arrays.fill(values, -1);
        mask = capacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
    }

    /** A copy: a few array copies, no rehashing. */
    VnicIndexTable(VnicIndexTable from) {
        keys = from.keys.clone();
        values = from.values.clone();
        mask = from.mask;
        shift = from.shift;
        size = from.size;
    }

    /**
     * Fibonacci hashing: one multiply, keep the top bits, which every key bit reaches. (MACs of one vendor differ
     * only in their last bytes, the key's high bits; keeping the low bits of a product would drop them.)
     */
    static int hash(long key, int shift) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }

    /** The VNIC index for {@code key}, or -1. */
    final int lookup(long key) {
        final long[] keys = this.keys;
        final int[] values = this.values;
        for (int i = hash(key, shift); ; i = (i + 1) & mask) {
            int v = values[i];
            if (v < 0) {
                return -1;
            }
            if (keys[i] == key) {
                return v;
            }
        }
    }

    /**
     * Maps {@code key} to {@code vnic}; returns -1 when done (or already so), or the other VNIC holding the key
     * (nothing changed: the caller refuses with its own words).
     */
    final int insert(long key, int vnic) {
        for (int i = hash(key, shift); ; i = (i + 1) & mask) {
            if (values[i] < 0) {
                if ((size + 1) * 2 > keys.length) {
                    throw new IllegalStateException(getClass().getSimpleName() + " full: sized for fewer entries");
                }
                keys[i] = key;
                values[i] = vnic;
                size++;
                return -1;
            }
            if (keys[i] == key) {
                return values[i] == vnic ? -1 : values[i];
            }
        }
    }

    /**
     * Removes {@code key} if it names {@code vnic}, shifting later entries of its probe run back so that every other
     * key stays reachable without tombstones.
     */
    final void delete(long key, int vnic) {
        int i = hash(key, shift);
        while (values[i] >= 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (values[i] != vnic) { // absent, or another VNIC's
            return;
        }
        int hole = i;
        for (int j = (i + 1) & mask; values[j] >= 0; j = (j + 1) & mask) {
            int home = hash(keys[j], shift);
            // keys[j] may fill the hole unless its home lies in (hole, j], cyclically
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

    /** Whether {@code more} entries fit without passing half full. */
    public final boolean hasRoomFor(int more) {
        return (size + more) * 2 <= keys.length;
    }

    public final int size() {
        return size;
    }
}
