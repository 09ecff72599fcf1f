package io.quiver.dataplane.vns;

/**
 * A VNS's IPv4 neighbours (its ARP cache) with the states and timers of DPDK grout's nexthops: a miss holds the
 * packet and probes, an answer sends what was held, silence fails the neighbour and drops what was held (counted).
 * Owned by the lcore that routes for the VNS: plain fields, every array made at construction, nothing allocated after.
 *
 * <ul>
 *   <li>INCOMPLETE: asked for, no answer yet; packets are held (up to {@link #HELD_PER_NEIGHBOUR}, then dropped), a
 *       broadcast probe every {@link #PROBE_INTERVAL_NANOS}, failed after {@link #BROADCAST_PROBES}.</li>
 *   <li>REACHABLE: answered within {@link #REACHABLE_NANOS}; packets go to its MAC.</li>
 *   <li>STALE: answered longer ago; packets still go to its MAC while it is probed again, {@link #UNICAST_PROBES}
 *       times to its MAC and then {@link #BROADCAST_PROBES} times to all, and failed if none is answered.</li>
 *   <li>FAILED: no answer; packets to it are dropped (counted) for {@link #UNREACHABLE_NANOS}, then it is forgotten.</li>
 *   <li>An answered neighbour no packet used for {@link #UNREACHABLE_NANOS} after its answer aged is forgotten.</li>
 *   <li>Static entries (the operator's) are always reachable and never probed.</li>
 * </ul>
 */
public final class NeighbourTable {
    public static final long REACHABLE_NANOS = 20L * 60 * 1_000_000_000L;
    public static final long UNREACHABLE_NANOS = 60L * 1_000_000_000L;
    public static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;
    public static final int UNICAST_PROBES = 3;
    public static final int BROADCAST_PROBES = 3;
    public static final int HELD_PER_NEIGHBOUR = 256;

    static final byte FREE = 0;
    static final byte INCOMPLETE = 1;
    static final byte REACHABLE = 2;
    static final byte STALE = 3;
    static final byte FAILED = 4;
    static final byte STATIC = 5;

    /** What {@link #resolve} did with the packet. */
    public static final int SENT = 0;
    public static final int HELD = 1;
    public static final int DROPPED = 2;

    /** What the table asks of its owner: probes and the fate of packets. */
    public interface Actions {
        /** Send an ARP request for {@code ip}: to {@code mac}, or to everyone when {@code mac} is 0. */
        void probe(int ip, long mac);

        /** Send the packet {@code mbuf} to {@code mac}. */
        void transmit(long mbuf, long mac);

        /** Free the packet {@code mbuf}: it will not be sent. */
        void drop(long mbuf);
    }

    private final Actions actions;
    private final int mask;
    /** Open addressing by IPv4 address, linear probing; 0 marks a free slot (0.0.0.0 is never a neighbour). */
    private final int[] ips;
    private final byte[] state;
    private final long[] mac;
    /** When it last changed state or was last probed, by state. */
    private final long[] since;
    private final int[] probes;
    private final int[] heldHead;
    private final int[] heldTail;
    private final int[] heldCount;
    /** Held packets: a pool of slots shared by all neighbours, a singly linked list per neighbour, a free list. */
    private final long[] heldMbuf;
    private final int[] heldNext;
    private int heldFree;
    private int size;
    private final int maxNeighbours;
    private final long reachableNanos;

    public long arpMisses;
    public long held;
    public long heldDropped;
    public long probesSent;
    /** Packets to a failed neighbour, or more than its held share, or with the table full. */
    public long dropped;

    /**
     * @param maxNeighbours the most neighbours at once
     * @param heldPackets   held packets at once, all neighbours together
     */
    public NeighbourTable(int maxNeighbours, int heldPackets, Actions actions) {
        this(maxNeighbours, heldPackets, REACHABLE_NANOS, actions);
    }

    /** @param reachableNanos how long an answer is trusted before the neighbour is stale (a VNS's neighbour-reachable) */
    public NeighbourTable(int maxNeighbours, int heldPackets, long reachableNanos, Actions actions) {
        if (maxNeighbours < 1 || heldPackets < 1) {
            throw new IllegalArgumentException("a neighbour table needs room for a neighbour and a held packet");
        }
        this.actions = actions;
        this.reachableNanos = reachableNanos;
        this.maxNeighbours = maxNeighbours;
        int slots = Integer.highestOneBit(Math.max(2, maxNeighbours) * 2 - 1) << 1;
        this.mask = slots - 1;
        this.ips = new int[slots];
        this.state = new byte[slots];
        this.mac = new long[slots];
        this.since = new long[slots];
        this.probes = new int[slots];
        this.heldHead = new int[slots];
        this.heldTail = new int[slots];
        this.heldCount = new int[slots];
        this.heldMbuf = new long[heldPackets];
        this.heldNext = new int[heldPackets];
        for (int i = 0; i < heldPackets; i++) {
            heldNext[i] = i + 1 < heldPackets ? i + 1 : -1;
        }
        this.heldFree = 0;
    }

    /** Sends {@code mbuf} to the neighbour {@code ip}, holds it until {@code ip} answers, or drops it; says which. */
    public int resolve(int ip, long mbuf, long now) {
        int slot = find(ip);
        if (slot < 0) {
            arpMisses++;
            if (ip == 0 || size >= maxNeighbours) {
                dropped++;
                actions.drop(mbuf);
                return DROPPED;
            }
            slot = insert(ip, INCOMPLETE, 0, now);
            probes[slot] = 1;
            probesSent++;
            actions.probe(ip, 0);
            return hold(slot, mbuf);
        }
        switch (state[slot]) {
            case INCOMPLETE -> {
                return hold(slot, mbuf);
            }
            case FAILED -> {
                dropped++;
                actions.drop(mbuf);
                return DROPPED;
            }
            case REACHABLE -> {
                if (now - since[slot] >= reachableNanos) { // stale: still used, and asked again
                    state[slot] = STALE;
                    since[slot] = now;
                    probes[slot] = 1;
                    probesSent++;
                    actions.probe(ip, mac[slot]);
                }
            }
            default -> { }
        }
        actions.transmit(mbuf, mac[slot]);
        return SENT;
    }

    /** {@code ip} is at {@code address} (an ARP reply or request from it): reachable now, and what was held goes. */
    public void learn(int ip, long address, long now) {
        int slot = find(ip);
        if (slot < 0) {
            return; // only neighbours asked for are kept: an unsolicited ARP cannot fill the table
        }
        if (state[slot] == STATIC) {
            return;
        }
        state[slot] = REACHABLE;
        mac[slot] = address;
        since[slot] = now;
        probes[slot] = 0;
        flushHeld(slot, address);
    }

    /** An operator's entry: always reachable at {@code address}, never probed. */
    public void setStatic(int ip, long address) {
        int slot = find(ip);
        if (slot < 0) {
            if (size >= maxNeighbours) {
                throw new IllegalArgumentException("the neighbour table is full (" + maxNeighbours + ")");
            }
            slot = insert(ip, STATIC, address, 0);
        } else {
            learn(ip, address, 0);
        }
        state[slot] = STATIC;
        mac[slot] = address;
    }

    /** Runs the timers: probes due, neighbours that failed, failed ones forgotten. Call it every few milliseconds. */
    public void tick(long now) {
        for (int slot = 0; slot <= mask; slot++) {
            byte s = state[slot];
            if (s == INCOMPLETE || s == STALE) {
                if (now - since[slot] < PROBE_INTERVAL_NANOS) {
                    continue;
                }
                int budget = s == INCOMPLETE ? BROADCAST_PROBES : UNICAST_PROBES + BROADCAST_PROBES;
                if (probes[slot] >= budget) {
                    fail(slot, now);
                } else {
                    boolean unicast = s == STALE && probes[slot] < UNICAST_PROBES;
                    probes[slot]++;
                    probesSent++;
                    since[slot] = now;
                    actions.probe(ips[slot], unicast ? mac[slot] : 0);
                }
            } else if ((s == FAILED && now - since[slot] >= UNREACHABLE_NANOS)
                    || (s == REACHABLE && now - since[slot] >= reachableNanos + UNREACHABLE_NANOS)) {
                // a failed neighbour is forgotten after its minute; an answered one that no packet has used since its
                // answer went stale (a use would have probed it again) is forgotten too, so the table frees room
                remove(slot);
                slot--; // the backward shift may have moved another entry into this slot
            }
        }
    }

    /** Hands every held packet to {@code mbufs} and forgets it: the control side, once no lcore uses the table. */
    public void releaseHeld(java.util.function.LongConsumer mbufs) {
        for (int slot = 0; slot <= mask; slot++) {
            for (int h = state[slot] == FREE || heldCount[slot] == 0 ? -1 : heldHead[slot]; h >= 0; h = heldNext[h]) {
                mbufs.accept(heldMbuf[h]);
            }
            heldCount[slot] = 0;
        }
    }

    /** Every neighbour as (address, state name, MAC), for show-neighbour: the control side reads racily, for display. */
    public java.util.List<Object[]> snapshot() {
        java.util.List<Object[]> out = new java.util.ArrayList<>();
        for (int slot = 0; slot <= mask; slot++) {
            int ip = ips[slot];
            if (ip != 0 && state[slot] != FREE) {
                out.add(new Object[] {ip, stateOf(ip), mac[slot]});
            }
        }
        return out;
    }

    /** The neighbour's state by name, for show-neighbour; "none" for an unknown one. */
    public String stateOf(int ip) {
        int slot = find(ip);
        if (slot < 0) {
            return "none";
        }
        return switch (state[slot]) {
            case INCOMPLETE -> "incomplete";
            case REACHABLE -> "reachable";
            case STALE -> "stale";
            case FAILED -> "failed";
            default -> "static";
        };
    }

    public long macOf(int ip) {
        int slot = find(ip);
        return slot < 0 ? 0 : mac[slot];
    }

    public int size() {
        return size;
    }

    private void fail(int slot, long now) {
        state[slot] = FAILED;
        since[slot] = now;
        flushHeld(slot, 0);
    }

    /** Sends what the neighbour held to {@code address}, in order, or drops it all (counted) when that is 0. */
    private void flushHeld(int slot, long address) {
        for (int h = heldHead[slot]; h >= 0; ) {
            int next = heldNext[h];
            if (address != 0) {
                actions.transmit(heldMbuf[h], address);
            } else {
                heldDropped++;
                actions.drop(heldMbuf[h]);
            }
            release(h);
            h = next;
        }
        heldHead[slot] = -1;
        heldTail[slot] = -1;
        heldCount[slot] = 0;
    }

    private int hold(int slot, long mbuf) {
        if (heldCount[slot] >= HELD_PER_NEIGHBOUR || heldFree < 0) {
            dropped++;
            actions.drop(mbuf);
            return DROPPED;
        }
        int h = heldFree;
        heldFree = heldNext[h];
        heldMbuf[h] = mbuf;
        heldNext[h] = -1;
        if (heldTail[slot] >= 0) {
            heldNext[heldTail[slot]] = h;
        } else {
            heldHead[slot] = h;
        }
        heldTail[slot] = h;
        heldCount[slot]++;
        held++;
        return HELD;
    }

    private void release(int h) {
        heldMbuf[h] = 0;
        heldNext[h] = heldFree;
        heldFree = h;
    }

    private int find(int ip) {
        if (ip == 0) {
            return -1;
        }
        for (int slot = hash(ip); ; slot = (slot + 1) & mask) {
            if (ips[slot] == ip) {
                return slot;
            }
            if (ips[slot] == 0) {
                return -1;
            }
        }
    }

    private int insert(int ip, byte initial, long address, long now) {
        int slot = hash(ip);
        while (ips[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        ips[slot] = ip;
        state[slot] = initial;
        mac[slot] = address;
        since[slot] = now;
        probes[slot] = 0;
        heldHead[slot] = -1;
        heldTail[slot] = -1;
        heldCount[slot] = 0;
        size++;
        return slot;
    }

    /** Linear probing's deletion: later entries of the same run move back, so every lookup still finds them. */
    private void remove(int slot) {
        size--;
        int hole = slot;
        for (int next = (hole + 1) & mask; ips[next] != 0; next = (next + 1) & mask) {
            int home = hash(ips[next]);
            boolean movable = hole <= next ? (home <= hole || home > next) : (home <= hole && home > next);
            if (movable) {
                move(next, hole);
                hole = next;
            }
        }
        ips[hole] = 0;
        state[hole] = FREE;
        heldHead[hole] = -1; // the entry moved out took its held packets with it
        heldTail[hole] = -1;
        heldCount[hole] = 0;
    }

    private void move(int from, int to) {
        ips[to] = ips[from];
        state[to] = state[from];
        mac[to] = mac[from];
        since[to] = since[from];
        probes[to] = probes[from];
        heldHead[to] = heldHead[from];
        heldTail[to] = heldTail[from];
        heldCount[to] = heldCount[from];
    }

    private int hash(int ip) {
        int h = ip * 0x9E3779B1;
        return (h ^ (h >>> 16)) & mask;
    }
}
