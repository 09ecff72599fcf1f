package io.quiver.dataplane.classify;

import io.quiver.dataplane.packet.UdpFrameBuilder;
import java.util.Arrays;

/** IPv4 address -> owning VNIC index; the same open-addressing scheme as {@link MacVlanTable}. */
public final class Ipv4Table {
    private final int[] keys;
    private final int[] values;
    private final int mask;
    private final int shift;
    private int size;

    public Ipv4Table(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
        keys = new int[capacity];
        values = new int[capacity];
        Arrays.fill(values, -1);
        mask = capacity - 1;
        shift = 32 - Integer.numberOfTrailingZeros(capacity);
    }

    private Ipv4Table(Ipv4Table from) {
        keys = from.keys.clone();
        values = from.values.clone();
        mask = from.mask;
        shift = from.shift;
        size = from.size;
    }

    /** A copy to change while the lcores keep reading this one. */
    public Ipv4Table copy() {
        return new Ipv4Table(this);
    }

    /** Whether {@code more} entries fit without passing half full. */
    public boolean hasRoomFor(int more) {
        return (size + more) * 2 <= keys.length;
    }

    /** Removes {@code ip} if it names {@code vnic} (backward shift, as {@link MacVlanTable#remove}). */
    public void remove(int ip, int vnic) {
        int i = hash(ip, shift);
        while (values[i] >= 0 && keys[i] != ip) {
            i = (i + 1) & mask;
        }
        if (values[i] != vnic) { // absent, or another VNIC's
            return;
        }
        int hole = i;
        for (int j = (i + 1) & mask; values[j] >= 0; j = (j + 1) & mask) {
            int home = hash(keys[j], shift);
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

    /** Fibonacci hashing, for the same reason as {@link MacVlanTable#hash}. */
    static int hash(int key, int shift) {
        return (key * 0x9E3779B9) >>> shift;
    }

    public void put(int ip, int vnic) {
        for (int i = hash(ip, shift); ; i = (i + 1) & mask) {
            if (values[i] < 0) {
                if ((size + 1) * 2 > keys.length) {
                    throw new IllegalStateException("IPv4 table full: sized for fewer entries");
                }
                keys[i] = ip;
                values[i] = vnic;
                size++;
                return;
            }
            if (keys[i] == ip) {
                if (values[i] != vnic) {
                    throw new IllegalArgumentException("IPv4 " + UdpFrameBuilder.formatIpv4(ip) + " is already used by another VNIC");
                }
                return;
            }
        }
    }

    /** The owning VNIC index, or -1. */
    public int get(int ip) {
        final int[] keys = this.keys;
        final int[] values = this.values;
        for (int i = hash(ip, shift); ; i = (i + 1) & mask) {
            int v = values[i];
            if (v < 0) {
                return -1;
            }
            if (keys[i] == ip) {
                return v;
            }
        }
    }
}
