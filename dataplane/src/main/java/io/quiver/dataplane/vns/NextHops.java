package io.quiver.dataplane.vns;

import java.util.HashMap;
import java.util.Map;

/**
 * The next hops a VNS's FIB entries name (grout's nexthop objects): what kind of hop, and its argument. One entry per
 * distinct next hop, shared by every route through it and counted. The control side is the one writer; the routing
 * lcore reads an entry only after reading a FIB entry that names it, and the FIB publishes that with a release store
 * after the entry is written, so a reader never sees a half-made hop. A released entry is reused only after
 * {@link #reclaimRetired}, which the datapath calls after its quiescence wait.
 */
public final class NextHops {
    /** The destination is on one of the VNS's subnets toward its VNICs: the VNIC that owns it, or nothing. */
    public static final byte CONNECTED_VNICS = 1;
    /** The destination is on the VNS's uplink network: its own neighbour there. */
    public static final byte CONNECTED_UPLINK = 2;
    /** Through the address {@link #arg}: a VNIC that owns it, else a neighbour on the uplink network. */
    public static final byte VIA = 3;
    /** To the VNIC with index {@link #arg}. */
    public static final byte DEV = 4;
    /** Looked up again in the VNS with index {@link #arg}. */
    public static final byte VNS = 5;
    /** Over the uplink to the fixed MAC {@link #mac} (the uplink's configured gateway). */
    public static final byte GATEWAY_MAC = 6;

    private final byte[] kind;
    private final int[] arg;
    private final long[] mac;
    private final int[] references;
    private final Map<Long, Integer> byKey = new HashMap<>();
    private final int[] free;
    private int freeCount;
    private final int[] retired;
    private int retiredCount;

    public NextHops(int capacity) {
        kind = new byte[capacity];
        arg = new int[capacity];
        mac = new long[capacity];
        references = new int[capacity];
        free = new int[capacity];
        retired = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            free[i] = capacity - 1 - i;
        }
        freeCount = capacity;
    }

    private static long key(byte kind, int arg, long mac) {
        return kind == GATEWAY_MAC ? (long) kind << 56 | mac : (long) kind << 56 | Integer.toUnsignedLong(arg);
    }

    /** The id of the hop (kind, arg, mac), made if new, with one more reference. Control side. */
    public int acquire(byte kind, int arg, long mac) {
        long k = key(kind, arg, mac);
        Integer id = byKey.get(k);
        if (id == null) {
            if (freeCount == 0) {
                throw new IllegalStateException("no room for another next hop (" + this.kind.length + ")");
            }
            id = free[--freeCount];
            this.kind[id] = kind;
            this.arg[id] = arg;
            this.mac[id] = mac;
            byKey.put(k, id);
        }
        references[id]++;
        return id;
    }

    /** One reference fewer; at none the hop retires until {@link #reclaimRetired}. Control side. */
    public void release(int id) {
        if (references[id] <= 0) {
            throw new IllegalStateException("next hop " + id + " is not in use");
        }
        if (--references[id] == 0) {
            byKey.remove(key(kind[id], arg[id], mac[id]));
            retired[retiredCount++] = id;
        }
    }

    /** Makes retired hops reusable: only once no reader can still hold their ids. Control side. */
    public void reclaimRetired() {
        for (int i = 0; i < retiredCount; i++) {
            free[freeCount++] = retired[i];
        }
        retiredCount = 0;
    }

    public byte kind(int id) {
        return kind[id];
    }

    public int arg(int id) {
        return arg[id];
    }

    public long mac(int id) {
        return mac[id];
    }

    public int capacity() {
        return kind.length;
    }

    /** Hops in use. */
    public int size() {
        return byKey.size();
    }
}
