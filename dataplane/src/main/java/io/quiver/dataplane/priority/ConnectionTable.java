package io.quiver.dataplane.priority;

/**
 * The lcore's connection table: a connection (VNS, protocol and both endpoints, either direction) maps to an entry
 * with its priority class and subscription level, so that once a connection is identified every later packet of it
 * is handled at its level's class. Open addressing with linear probing over primitive arrays, at most half full,
 * made at construction; lookups, inserts, expiry and removal allocate nothing. Owned by one lcore: plain fields,
 * read by the control side only for display.
 *
 * <p>Lifetime: an entry expires after its idle timeout (TCP, UDP, other), shortened once a TCP connection closes
 * (an RST, or a FIN from each side). A full table admits no new connection: its packets stay at the default class
 * and are counted ({@link #full}); nothing is evicted to make room.
 */
public final class ConnectionTable {
    /** The class of a connection no rule has identified. */
    public static final byte DEFAULT_CLASS = 0;

    private static final byte FREE = 0;
    private static final byte OPEN = 1;
    /** A FIN from the lower endpoint, from the higher, or an RST: closing. */
    private static final byte FIN_LOW = 2;
    private static final byte FIN_HIGH = 4;
    private static final byte RESET = 8;

    private static final int TCP = 6;
    private static final int UDP = 17;

    private final int mask;
    private final int maxEntries;
    /** Endpoint addresses, the lower first (as unsigned); then VNS, protocol and the ports in the same order. */
    private final long[] addresses;
    private final long[] rest;
    private final byte[] state;
    private final byte[] priorityClass;
    private final short[] level;
    private final int[] lastSeen;
    private final long[] packets;
    private final long[] bytes;
    private final int tcpIdle;
    private final int udpIdle;
    private final int otherIdle;
    private final int closingIdle;
    private int size;
    private int sweep;

    /** New entries made. */
    public long inserted;
    /** Entries removed because they were idle or closed. */
    public long expired;
    /** Packets of connections the full table could not admit (handled at the default class). */
    public long full;

    /**
     * @param maxEntries the most connections at once
     * @param tcpIdle    seconds an open TCP connection lives without a packet; {@code udpIdle}, {@code otherIdle} alike
     * @param closingIdle seconds a closed TCP connection (RST, or FIN both ways) is kept for its last packets
     */
    public ConnectionTable(int maxEntries, int tcpIdle, int udpIdle, int otherIdle, int closingIdle) {
        if (maxEntries < 1 || maxEntries > (1 << 28)) {
            throw new IllegalArgumentException("a connection table holds 1..2^28 connections, not " + maxEntries);
        }
        int slots = Integer.highestOneBit(Math.max(2, maxEntries) * 2 - 1) << 1;
        this.mask = slots - 1;
        this.maxEntries = maxEntries;
        this.addresses = new long[slots];
        this.rest = new long[slots];
        this.state = new byte[slots];
        this.priorityClass = new byte[slots];
        this.level = new short[slots];
        this.lastSeen = new int[slots];
        this.packets = new long[slots];
        this.bytes = new long[slots];
        this.tcpIdle = tcpIdle;
        this.udpIdle = udpIdle;
        this.otherIdle = otherIdle;
        this.closingIdle = closingIdle;
    }

    /** Defaults after Linux conntrack's spirit, shorter for a bounded table: TCP 300 s, UDP 60 s, other 30 s, closing 10 s. */
    public static ConnectionTable withDefaultTimeouts(int maxEntries) {
        return new ConnectionTable(maxEntries, 300, 60, 30, 10);
    }

    private static int hash(long a, long b) {
        long h = a * 0x9E3779B97F4A7C15L ^ Long.rotateLeft(b * 0xC2B2AE3D27D4EB4FL, 31);
        return (int) (h ^ (h >>> 29) ^ (h >>> 47));
    }

    /**
     * The entry of the connection this packet belongs to, made at the default class if new; -1 when it is new and
     * the table is full (counted). Either direction finds the same entry. {@code tick} is the caller's clock in
     * seconds; {@code length} the packet's bytes, counted on the entry.
     */
    public int track(int vns, int protocol, int srcIp, int dstIp, int srcPort, int dstPort, int length, int tick) {
        boolean srcLow = Integer.compareUnsigned(srcIp, dstIp) < 0 || (srcIp == dstIp && srcPort <= dstPort);
        long a = srcLow ? (long) srcIp << 32 | Integer.toUnsignedLong(dstIp) : (long) dstIp << 32 | Integer.toUnsignedLong(srcIp);
        long b = (long) (vns & 0xFFFFFF) << 40 | (long) (protocol & 0xFF) << 32
                | (srcLow ? (srcPort & 0xFFFFL) << 16 | (dstPort & 0xFFFFL) : (dstPort & 0xFFFFL) << 16 | (srcPort & 0xFFFFL));
        int slot = hash(a, b) & mask;
        while (state[slot] != FREE) {
            if (addresses[slot] == a && rest[slot] == b) {
                lastSeen[slot] = tick;
                packets[slot]++;
                bytes[slot] += length;
                return slot;
            }
            slot = (slot + 1) & mask;
        }
        if (size >= maxEntries) {
            full++;
            return -1;
        }
        addresses[slot] = a;
        rest[slot] = b;
        state[slot] = OPEN;
        priorityClass[slot] = DEFAULT_CLASS;
        level[slot] = -1;
        lastSeen[slot] = tick;
        packets[slot] = 1;
        bytes[slot] = length;
        size++;
        inserted++;
        return slot;
    }

    /**
     * What a TCP segment's flags say about its connection: an RST closes it, a FIN from each side closes it.
     * {@code fromLower} is whether the segment's source is the connection's lower endpoint ({@link #isLowerEndpoint}).
     */
    public void tcpFlags(int slot, int flags, boolean fromLower) {
        if ((flags & 0x04) != 0) {
            state[slot] |= RESET;
        } else if ((flags & 0x01) != 0) {
            state[slot] |= fromLower ? FIN_LOW : FIN_HIGH;
        }
    }

    /** Whether ({@code ip}, {@code port}) is the lower endpoint of the connection in {@code slot}. */
    public boolean isLowerEndpoint(int slot, int ip, int port) {
        return (int) (addresses[slot] >>> 32) == ip && (int) (rest[slot] >>> 16 & 0xFFFF) == port;
    }

    /** The connection is identified: every later packet is handled at {@code cls} for subscription {@code level}. */
    public void upgrade(int slot, int cls, int subscription) {
        priorityClass[slot] = (byte) cls;
        level[slot] = (short) subscription;
    }

    public int priorityOf(int slot) {
        return priorityClass[slot];
    }

    /** The subscription level that identified it, or -1. */
    public int levelOf(int slot) {
        return level[slot];
    }

    public long packetsOf(int slot) {
        return packets[slot];
    }

    public long bytesOf(int slot) {
        return bytes[slot];
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return maxEntries;
    }

    /**
     * Looks at {@code slots} slots from where the last call stopped and removes what is idle or closed: a bounded
     * piece of work for each burst, so the whole table is swept without a pause. Returns how many were removed.
     */
    public int expire(int tick, int slots) {
        int removed = 0;
        for (int n = 0; n < slots && size > 0; n++) {
            int slot = sweep;
            sweep = (sweep + 1) & mask;
            byte s = state[slot];
            if (s == FREE) {
                continue;
            }
            int protocol = (int) (rest[slot] >>> 32) & 0xFF;
            boolean closed = (s & RESET) != 0 || (s & (FIN_LOW | FIN_HIGH)) == (FIN_LOW | FIN_HIGH);
            int idle = closed ? closingIdle : protocol == TCP ? tcpIdle : protocol == UDP ? udpIdle : otherIdle;
            if (tick - lastSeen[slot] >= idle) {
                remove(slot);
                removed++;
                expired++;
                // the backward shift may have moved a later entry into this slot: look at it again
                sweep = slot;
            }
        }
        return removed;
    }

    /** Linear probing's deletion: later entries of the same run move back, so every lookup still finds them. */
    private void remove(int slot) {
        size--;
        int hole = slot;
        for (int next = (hole + 1) & mask; state[next] != FREE; next = (next + 1) & mask) {
            int home = hash(addresses[next], rest[next]) & mask;
            boolean movable = hole <= next ? (home <= hole || home > next) : (home <= hole && home > next);
            if (movable) {
                move(next, hole);
                hole = next;
            }
        }
        state[hole] = FREE;
    }

    private void move(int from, int to) {
        addresses[to] = addresses[from];
        rest[to] = rest[from];
        state[to] = state[from];
        priorityClass[to] = priorityClass[from];
        level[to] = level[from];
        lastSeen[to] = lastSeen[from];
        packets[to] = packets[from];
        bytes[to] = bytes[from];
    }

    /** A connection as show-connection prints it. */
    public record Entry(int vns, int protocol, int lowIp, int lowPort, int highIp, int highPort, int priorityClass,
                        int level, long packets, long bytes, int idleSeconds, boolean closing) {
    }

    /**
     * Up to {@code max} entries for display. The control side reads while the lcore writes, so an entry may be
     * seen half changed: fine for a display, never used to decide anything.
     */
    public java.util.List<Entry> snapshot(int max, int tick) {
        java.util.List<Entry> out = new java.util.ArrayList<>();
        for (int slot = 0; slot <= mask && out.size() < max; slot++) {
            byte s = state[slot];
            if (s != FREE) {
                long a = addresses[slot];
                long b = rest[slot];
                out.add(new Entry((int) (b >>> 40), (int) (b >>> 32) & 0xFF, (int) (a >>> 32), (int) (b >>> 16) & 0xFFFF,
                        (int) a, (int) b & 0xFFFF, priorityClass[slot], level[slot], packets[slot], bytes[slot],
                        tick - lastSeen[slot], (s & ~OPEN) != 0));
            }
        }
        return out;
    }
}
