package io.quiver.dataplane.classify;

import io.quiver.dataplane.packet.UdpFrameBuilder;
import java.util.Arrays;

/** IPv4 address -> owning VNIC index; the same open-addressing scheme as {@link MacVlanTable}. */
public final class Ipv4Table {
    private final int[] keys;
    private final int[] values;
    private final int mask;
    private final int shift;

    public Ipv4Table(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
        keys = new int[capacity];
        values = new int[capacity];
        Arrays.fill(values, -1);
        mask = capacity - 1;
        shift = 32 - Integer.numberOfTrailingZeros(capacity);
    }

    /** Fibonacci hashing, for the same reason as {@link MacVlanTable#hash}. */
    static int hash(int key, int shift) {
        return (key * 0x9E3779B9) >>> shift;
    }

    public void put(int ip, int vnic) {
        for (int i = hash(ip, shift); ; i = (i + 1) & mask) {
            if (values[i] < 0) {
                keys[i] = ip;
                values[i] = vnic;
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
