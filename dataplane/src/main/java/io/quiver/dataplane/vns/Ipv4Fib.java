package io.quiver.dataplane.vns;

import io.quiver.dpdk.NativeMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A virtual network stack's IPv4 forwarding table: longest-prefix match in the DIR-24-8 layout DPDK's rte_lpm uses,
 * so a lookup is one memory read for any route of /24 or shorter and two for a longer one. Off-heap (a table is 64 MiB
 * of first level plus 1 KiB per second-level group), so the lcores' reads cost no GC and the heap no space.
 *
 * <p>One writer, the control side, changes it in place while any number of lcores read it without locks: every entry
 * is one 32-bit word written whole, and a first-level entry is pointed at a second-level group only once the group
 * holds its contents (a release store), so a reader sees each address's old route or its new one, never a torn or
 * half-built one. A group a delete empties is not reused until the owner says every reader has passed a burst
 * boundary ({@link #reclaimRetired}, after the datapath's quiescence): a reader may still be inside it.
 *
 * <p>Entry: bit 31 valid, bit 30 "points to a group" (first level only), bits 24-29 the route's prefix length, bits
 * 0-23 the next hop (or the group's index).
 */
public final class Ipv4Fib implements AutoCloseable {
    /** What {@link #lookup} returns for an address no route covers. */
    public static final int NO_ROUTE = -1;
    /** Next hops are 0..this (24 bits, as rte_lpm's). */
    public static final int MAX_NEXT_HOP = 0xFF_FFFF;
    static final int VALID = 1 << 31;
    static final int GROUP = 1 << 30;
    static final int DEPTH_SHIFT = 24;
    static final int DEPTH_MASK = 0x3F;
    static final int VALUE_MASK = 0xFF_FFFF;
    private static final int GROUP_ENTRIES = 256;
    private static final int FIRST_LEVEL = 1 << 24;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final VarHandle ENTRY = INT.varHandle();

    /** Reads go through one segment over the whole address space at absolute addresses, as the packet parser's do. */
    private static final MemorySegment M = NativeMemory.ALL;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment tbl24;
    private final MemorySegment tbl8;
    private final long tbl24Address;
    private final long tbl8Address;
    private final int maxRoutes;
    private final int[] freeGroups;
    private int free;
    private final List<Integer> retired = new ArrayList<>();
    /** Every route, by (network << 6 | length): what a delete falls back to, and what the table must show. */
    private final Map<Long, Integer> routes = new HashMap<>();

    /**
     * @param maxRoutes the most routes it holds
     * @param groups    second-level groups: one per /24 that holds a route longer than /24
     */
    public Ipv4Fib(int maxRoutes, int groups) {
        if (maxRoutes < 1 || groups < 1 || groups > VALUE_MASK) {
            throw new IllegalArgumentException("a FIB needs room for at least one route and one group, not " + maxRoutes + " / " + groups);
        }
        this.maxRoutes = maxRoutes;
        this.tbl24 = arena.allocate((long) FIRST_LEVEL * Integer.BYTES, 64);
        this.tbl8 = arena.allocate((long) groups * GROUP_ENTRIES * Integer.BYTES, 64);
        this.tbl24Address = tbl24.address();
        this.tbl8Address = tbl8.address();
        this.freeGroups = new int[groups];
        for (int g = 0; g < groups; g++) {
            freeGroups[g] = groups - 1 - g;
        }
        this.free = groups;
    }

    /** The next hop for {@code ip}, or {@link #NO_ROUTE}. Any thread, any time. */
    public int lookup(int ip) {
        // the group's read depends on the first read's value, so no CPU or compiler reorders it before that read
        int e = M.get(INT, tbl24Address + ((long) (ip >>> 8) << 2));
        if ((e & GROUP) != 0) {
            e = M.get(INT, tbl8Address + (((long) (e & VALUE_MASK) << 8 | (ip & 0xFF)) << 2));
        }
        return (e & VALID) != 0 ? e & VALUE_MASK : NO_ROUTE;
    }

    /** {@link #lookup} for the first {@code n} addresses of {@code ips}, into {@code hops}. */
    public void lookup(int[] ips, int[] hops, int n) {
        // first every first-level read, independent of each other, so their cache misses overlap (as rte_lpm's bulk
        // lookup prefetches them); then the few second-level reads and the decoding
        for (int i = 0; i < n; i++) {
            hops[i] = M.get(INT, tbl24Address + ((long) (ips[i] >>> 8) << 2));
        }
        for (int i = 0; i < n; i++) {
            int e = hops[i];
            if ((e & GROUP) != 0) {
                e = M.get(INT, tbl8Address + (((long) (e & VALUE_MASK) << 8 | (ips[i] & 0xFF)) << 2));
            }
            hops[i] = (e & VALID) != 0 ? e & VALUE_MASK : NO_ROUTE;
        }
    }

    public int size() {
        return routes.size();
    }

    /** Groups not in use and not waiting for readers to leave them. */
    public int freeGroups() {
        return free;
    }

    /**
     * Adds or replaces the route {@code network/length} -> {@code nextHop}. The control side only.
     *
     * @throws IllegalArgumentException for host bits set, a bad length or next hop, a full table
     */
    public void add(int network, int length, int nextHop) {
        check(network, length);
        if (nextHop < 0 || nextHop > MAX_NEXT_HOP) {
            throw new IllegalArgumentException("next hop " + nextHop + " is outside 0.." + MAX_NEXT_HOP);
        }
        long key = key(network, length);
        if (!routes.containsKey(key) && routes.size() >= maxRoutes) {
            throw new IllegalArgumentException("the table holds its most routes, " + maxRoutes);
        }
        if (length > 24 && !hasGroup(network >>> 8) && free == 0) {
            throw new IllegalArgumentException("no second-level group left for " + format(network, length) + ": all "
                    + freeGroups.length + " are in use");
        }
        routes.put(key, nextHop);
        int entry = VALID | length << DEPTH_SHIFT | nextHop;
        if (length > 24) {
            groupFor(network >>> 8);
        }
        rewrite(network, length, entry, false);
    }

    /**
     * Removes the route {@code network/length}; what it covered falls back to the next longest route that covers it.
     *
     * @return whether there was such a route
     */
    public boolean delete(int network, int length) {
        check(network, length);
        if (routes.remove(key(network, length)) == null) {
            return false;
        }
        rewrite(network, length, coveringEntry(network, length), true);
        if (length > 24) {
            collapseIfFlat(network >>> 8, first(network >>> 8) & VALUE_MASK);
        }
        return true;
    }

    /**
     * Writes {@code entry} over every entry the prefix {@code network/length} covers that is the prefix's to write: on
     * an add, each one that no longer route holds; on a delete ({@code removing}), each one the removed route set.
     */
    private void rewrite(int network, int length, int entry, boolean removing) {
        if (length > 24) {
            rewriteGroup(first(network >>> 8) & VALUE_MASK, network & 0xFF, 1 << (32 - length), length, entry, removing);
            return;
        }
        int first = network >>> 8;
        for (int i = first; i < first + (1 << (24 - length)); i++) {
            int e = first(i);
            if ((e & GROUP) != 0) {
                rewriteGroup(e & VALUE_MASK, 0, GROUP_ENTRIES, length, entry, removing);
            } else if (owns(e, length, removing)) {
                setFirst(i, entry);
            }
        }
    }

    private void rewriteGroup(int group, int from, int count, int length, int entry, boolean removing) {
        for (int i = from; i < from + count; i++) {
            if (owns(groupEntry(group, i), length, removing)) {
                setGroupEntry(group, i, entry);
            }
        }
    }

    /** Whether the route of {@code length} decides entry {@code e}: being removed, it set it; being added, none longer did. */
    private static boolean owns(int e, int length, boolean removing) {
        boolean valid = (e & VALID) != 0;
        return removing ? valid && depth(e) == length : !valid || depth(e) <= length;
    }

    /** Makes the groups retired since the last call reusable: call it once every reader has passed a burst boundary. */
    public void reclaimRetired() {
        for (int g : retired) {
            freeGroups[free++] = g;
        }
        retired.clear();
    }

    @Override
    public void close() {
        arena.close();
    }

    /** The entry of the longest route shorter than {@code length} that covers {@code network}; 0 (invalid) for none. */
    private int coveringEntry(int network, int length) {
        for (int d = length - 1; d >= 0; d--) {
            Integer hop = routes.get(key(network & mask(d), d));
            if (hop != null) {
                return VALID | d << DEPTH_SHIFT | hop;
            }
        }
        return 0;
    }

    /** A group whose entries all say the same (no route longer than /24 left in it) goes back to one first-level entry. */
    private void collapseIfFlat(int index, int group) {
        int e0 = groupEntry(group, 0);
        for (int i = 1; i < GROUP_ENTRIES; i++) {
            if (groupEntry(group, i) != e0) {
                return;
            }
        }
        if ((e0 & VALID) != 0 && depth(e0) > 24) {
            return;
        }
        setFirst(index, e0);
        retired.add(group);
    }

    private boolean hasGroup(int index) {
        return (first(index) & GROUP) != 0;
    }

    /** The group behind first-level entry {@code index}, made (holding that entry's route) if it has none yet. */
    private int groupFor(int index) {
        int e = first(index);
        if ((e & GROUP) != 0) {
            return e & VALUE_MASK;
        }
        int group = freeGroups[--free];
        for (int i = 0; i < GROUP_ENTRIES; i++) {
            setGroupEntry(group, i, e);
        }
        setFirst(index, VALID | GROUP | group); // release: the group is whole before any reader can reach it
        return group;
    }

    private int first(int index) {
        return tbl24.get(INT, (long) index * Integer.BYTES);
    }

    private void setFirst(int index, int entry) {
        ENTRY.setRelease(tbl24, (long) index * Integer.BYTES, entry);
    }

    private int groupEntry(int group, int i) {
        return tbl8.get(INT, ((long) group * GROUP_ENTRIES + i) * Integer.BYTES);
    }

    private void setGroupEntry(int group, int i, int entry) {
        ENTRY.setRelease(tbl8, ((long) group * GROUP_ENTRIES + i) * Integer.BYTES, entry);
    }

    static int depth(int entry) {
        return entry >>> DEPTH_SHIFT & DEPTH_MASK;
    }

    static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    private static long key(int network, int length) {
        return (network & 0xFFFF_FFFFL) << 6 | length;
    }

    private static void check(int network, int length) {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("a prefix length is 0..32, not " + length);
        }
        if ((network & ~mask(length)) != 0) {
            throw new IllegalArgumentException(format(network, length) + " has host bits set: the network is "
                    + format(network & mask(length), length));
        }
    }

    static String format(int network, int length) {
        return (network >>> 24) + "." + (network >>> 16 & 0xFF) + "." + (network >>> 8 & 0xFF) + "." + (network & 0xFF) + "/" + length;
    }
}
