package io.quiver.dataplane.aggr;

import java.util.Arrays;

/**
 * Which member of an aggregation each connection leaves by: a connection's hash picks one of {@value #SIZE} entries,
 * each naming a member (grout's redirection table; a NIC's RSS RETA works the same way). A member that joins takes
 * entries from the most loaded members, and a member that leaves gives its entries to the least loaded. Only the
 * connections of the entries that change move, about 1/n of them, where DPDK's {@code net_bonding} takes
 * {@code hash % members} and moves most connections.
 *
 * <p>Changed on the control side, then published whole (an lcore reads the array it was handed and never sees a
 * half-changed one): {@link #members()} is a copy for the next version, {@link #lookup} allocates nothing.
 */
public final class RedirectionTable {
    /** Entries: enough that 2..16 members share them within one entry of even. */
    public static final int SIZE = 256;
    /** No member: the aggregation has none distributing. */
    public static final int NONE = -1;

    private final int[] entries;

    private RedirectionTable(int[] entries) {
        this.entries = entries;
    }

    /** No member yet: every lookup is {@link #NONE}. */
    public static RedirectionTable empty() {
        int[] e = new int[SIZE];
        Arrays.fill(e, NONE);
        return new RedirectionTable(e);
    }

    /** The member a connection of hash {@code hash} leaves by, or {@link #NONE}. */
    public int lookup(int hash) {
        return entries[hash & (SIZE - 1)];
    }

    /** The members in use, ascending. */
    public int[] members() {
        return Arrays.stream(entries).filter(m -> m != NONE).distinct().sorted().toArray();
    }

    /** Entries that name {@code member}. */
    public int share(int member) {
        int n = 0;
        for (int e : entries) {
            n += e == member ? 1 : 0;
        }
        return n;
    }

    /**
     * A table where {@code member} (0..65535) also takes entries, as many as an even share, each from the member that
     * has the most; the others' remaining entries stay where they are. The same table when it is in already.
     */
    public RedirectionTable with(int member) {
        if (member < 0 || member > 0xFFFF) {
            throw new IllegalArgumentException("a member is 0..65535, not " + member);
        }
        int[] current = members();
        if (Arrays.binarySearch(current, member) >= 0) {
            return this;
        }
        int[] e = entries.clone();
        if (current.length == 0) {
            Arrays.fill(e, member);
            return new RedirectionTable(e);
        }
        int want = SIZE / (current.length + 1);
        for (int taken = 0; taken < want; taken++) {
            int from = mostLoaded(e, current);
            for (int k = SIZE - 1; k >= 0; k--) { // from the end: the moved entries spread over the hash space
                if (e[k] == from) {
                    e[k] = member;
                    break;
                }
            }
        }
        return new RedirectionTable(e);
    }

    /**
     * A table without {@code member}: each of its entries goes to the member with the fewest at that point, and the
     * others' entries stay. Every entry is {@link #NONE} when it was the last member.
     */
    public RedirectionTable without(int member) {
        int[] rest = Arrays.stream(members()).filter(m -> m != member).toArray();
        int[] e = entries.clone();
        for (int k = 0; k < SIZE; k++) {
            if (e[k] == member) {
                e[k] = rest.length == 0 ? NONE : leastLoaded(e, rest);
            }
        }
        return new RedirectionTable(e);
    }

    private static int mostLoaded(int[] e, int[] members) {
        int best = members[0];
        int most = -1;
        for (int m : members) {
            int n = count(e, m);
            if (n > most) {
                most = n;
                best = m;
            }
        }
        return best;
    }

    private static int leastLoaded(int[] e, int[] members) {
        int best = members[0];
        int least = Integer.MAX_VALUE;
        for (int m : members) {
            int n = count(e, m);
            if (n < least) {
                least = n;
                best = m;
            }
        }
        return best;
    }

    private static int count(int[] e, int member) {
        int n = 0;
        for (int x : e) {
            n += x == member ? 1 : 0;
        }
        return n;
    }
}
