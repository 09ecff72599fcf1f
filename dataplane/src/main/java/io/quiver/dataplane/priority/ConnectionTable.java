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
    /** Still being inspected (its first payload bytes are looked at); its level field holds the inspection buffer. */
    private static final byte INSPECTING = 16;
    /** Its packets are re-steered by a NIC rule, which must go when the entry does. */
    private static final byte STEERED = 32;

    /** Told of every steered connection the table removes. */
    public interface SteeredRemoval {
        void removed(long keyHigh, long keyLow);
    }

    private static final int TCP = 6;
    private static final int UDP = 17;

    private final int mask;
    private final int maxEntries;
    /**
     * Four words per slot, so that a lookup touches one cache line: the endpoint addresses (the lower first, as
     * unsigned); VNS, protocol and the ports in the same order; state (8 bits), class (8), level (16) and the tick it
     * was last seen (32); packets (24 bits, wrapping) and bytes (40 bits, wrapping), for display.
     */
    private final long[] slots;
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
    /** Whether the last {@link #track} made a new entry (the connection's first packet seen). */
    public boolean created;
    private SteeredRemoval steeredRemoval;

    /**
     * @param maxEntries the most connections at once
     * @param tcpIdle    seconds an open TCP connection lives without a packet; {@code udpIdle}, {@code otherIdle} alike
     * @param closingIdle seconds a closed TCP connection (RST, or FIN both ways) is kept for its last packets
     */
    public ConnectionTable(int maxEntries, int tcpIdle, int udpIdle, int otherIdle, int closingIdle) {
        if (maxEntries < 1 || maxEntries > (1 << 28)) {
            throw new IllegalArgumentException("a connection table holds 1..2^28 connections, not " + maxEntries);
        }
        int count = Integer.highestOneBit(Math.max(2, maxEntries) * 2 - 1) << 1;
        this.mask = count - 1;
        this.maxEntries = maxEntries;
        this.slots = new long[4 * count];
        this.tcpIdle = tcpIdle;
        this.udpIdle = udpIdle;
        this.otherIdle = otherIdle;
        this.closingIdle = closingIdle;
    }

    /** Defaults after Linux conntrack's spirit, shorter for a bounded table: TCP 300 s, UDP 60 s, other 30 s, closing 10 s. */
    public static ConnectionTable withDefaultTimeouts(int maxEntries) {
        return new ConnectionTable(maxEntries, 300, 60, 30, 10);
    }

    private static final long COUNT_BYTES = (1L << 40) - 1;

    private byte state(int slot) {
        return (byte) (slots[4 * slot + 2] >>> 56);
    }

    private static long meta(int state, int cls, int level, int tick) {
        return (long) (state & 0xFF) << 56 | (long) (cls & 0xFF) << 48 | (long) (level & 0xFFFF) << 32 | Integer.toUnsignedLong(tick);
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
        final long[] t = slots;
        int slot = hash(a, b) & mask;
        while (t[4 * slot + 2] != 0) { // a used slot's state is never FREE
            int at = 4 * slot;
            if (t[at] == a && t[at + 1] == b) {
                t[at + 2] = t[at + 2] & ~0xFFFF_FFFFL | Integer.toUnsignedLong(tick);
                long counts = t[at + 3];
                t[at + 3] = (counts & ~COUNT_BYTES) + (1L << 40) | ((counts + length) & COUNT_BYTES);
                created = false;
                return slot;
            }
            slot = (slot + 1) & mask;
        }
        created = false;
        if (size >= maxEntries) {
            full++;
            return -1;
        }
        int at = 4 * slot;
        t[at] = a;
        t[at + 1] = b;
        t[at + 2] = meta(OPEN, DEFAULT_CLASS, -1, tick);
        t[at + 3] = 1L << 40 | (length & COUNT_BYTES);
        size++;
        inserted++;
        created = true;
        return slot;
    }

    /**
     * What a TCP segment's flags say about its connection: an RST closes it, a FIN from each side closes it.
     * {@code fromLower} is whether the segment's source is the connection's lower endpoint ({@link #isLowerEndpoint}).
     */
    public void tcpFlags(int slot, int flags, boolean fromLower) {
        long bit = (flags & 0x04) != 0 ? RESET : (flags & 0x01) != 0 ? (fromLower ? FIN_LOW : FIN_HIGH) : 0;
        slots[4 * slot + 2] |= bit << 56;
    }

    /** Whether ({@code ip}, {@code port}) is the lower endpoint of the connection in {@code slot}. */
    public boolean isLowerEndpoint(int slot, int ip, int port) {
        return (int) (slots[4 * slot] >>> 32) == ip && (int) (slots[4 * slot + 1] >>> 16 & 0xFFFF) == port;
    }

    /**
     * The connection is decided: every later packet is handled at {@code cls} for subscription level {@code level}
     * (-1 and the default class: no level identified it). Ends an inspection.
     */
    public void upgrade(int slot, int cls, int level) {
        long m = slots[4 * slot + 2];
        slots[4 * slot + 2] = meta(state(slot) & ~INSPECTING, cls, level, (int) m);
    }

    /** The connection's payload is to be inspected, with inspection buffer {@code buffer} (-1: none yet). */
    public void inspect(int slot, int buffer) {
        long m = slots[4 * slot + 2];
        slots[4 * slot + 2] = meta(state(slot) | INSPECTING, DEFAULT_CLASS, buffer, (int) m);
    }

    /** A NIC rule re-steers the connection: the table says so to {@link #onSteeredRemoval}'s listener when it goes. */
    public void markSteered(int slot) {
        slots[4 * slot + 2] |= (long) STEERED << 56;
    }

    public boolean isSteered(int slot) {
        return (state(slot) & STEERED) != 0;
    }

    /** Who is told when a steered connection is removed; set before the lcore runs. */
    public void onSteeredRemoval(SteeredRemoval listener) {
        this.steeredRemoval = listener;
    }

    public boolean isInspecting(int slot) {
        return (state(slot) & INSPECTING) != 0;
    }

    /** The inspection buffer of a connection being inspected, -1 for none yet. */
    public int bufferOf(int slot) {
        return (short) (slots[4 * slot + 2] >>> 32);
    }

    /** The two words that name the connection (what an inspection buffer records as its owner). */
    public long keyHigh(int slot) {
        return slots[4 * slot];
    }

    public long keyLow(int slot) {
        return slots[4 * slot + 1];
    }

    /** The connection's protocol, lower endpoint and higher endpoint (display). */
    public int protocolOf(int slot) {
        return (int) (slots[4 * slot + 1] >>> 32) & 0xFF;
    }

    public int vnsOf(int slot) {
        return (int) (slots[4 * slot + 1] >>> 40) & 0xFFFFFF;
    }

    public int lowIpOf(int slot) {
        return (int) (slots[4 * slot] >>> 32);
    }

    public int highIpOf(int slot) {
        return (int) slots[4 * slot];
    }

    public int lowPortOf(int slot) {
        return (int) (slots[4 * slot + 1] >>> 16) & 0xFFFF;
    }

    public int highPortOf(int slot) {
        return (int) slots[4 * slot + 1] & 0xFFFF;
    }

    /** Seconds since the connection's last packet, at {@code tick}. */
    public int idleOf(int slot, int tick) {
        return tick - (int) slots[4 * slot + 2];
    }

    /** Whether slot {@code slot} holds a connection (display: the control side walks the slots). */
    public boolean isUsed(int slot) {
        return state(slot) != FREE;
    }

    /** Slots (used or not): the range {@link #isUsed} walks. */
    public int slotCount() {
        return mask + 1;
    }

    public int priorityOf(int slot) {
        return (int) (slots[4 * slot + 2] >>> 48) & 0xFF;
    }

    /** The subscription level that identified it, or -1 (also while it is inspected). */
    public int levelOf(int slot) {
        return isInspecting(slot) ? -1 : (short) (slots[4 * slot + 2] >>> 32);
    }

    /** Its packets, modulo 2^24 (display). */
    public long packetsOf(int slot) {
        return slots[4 * slot + 3] >>> 40;
    }

    /** Its bytes, modulo 2^40 (display). */
    public long bytesOf(int slot) {
        return slots[4 * slot + 3] & COUNT_BYTES;
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return maxEntries;
    }

    /**
     * Looks at {@code budget} slots from where the last call stopped and removes what is idle or closed: a bounded
     * piece of work for each burst, so the whole table is swept without a pause. Returns how many were removed.
     */
    public int expire(int tick, int budget) {
        int removed = 0;
        for (int n = 0; n < budget && size > 0; n++) {
            int slot = sweep;
            sweep = (sweep + 1) & mask;
            byte s = state(slot);
            if (s == FREE) {
                continue;
            }
            int protocol = (int) (slots[4 * slot + 1] >>> 32) & 0xFF;
            boolean closed = (s & RESET) != 0 || (s & (FIN_LOW | FIN_HIGH)) == (FIN_LOW | FIN_HIGH);
            int idle = closed ? closingIdle : protocol == TCP ? tcpIdle : protocol == UDP ? udpIdle : otherIdle;
            if (tick - (int) slots[4 * slot + 2] >= idle) {
                if ((s & STEERED) != 0 && steeredRemoval != null) {
                    steeredRemoval.removed(slots[4 * slot], slots[4 * slot + 1]);
                }
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
        for (int next = (hole + 1) & mask; state(next) != FREE; next = (next + 1) & mask) {
            int home = hash(slots[4 * next], slots[4 * next + 1]) & mask;
            boolean movable = hole <= next ? (home <= hole || home > next) : (home <= hole && home > next);
            if (movable) {
                move(next, hole);
                hole = next;
            }
        }
        slots[4 * hole + 2] = 0;
    }

    private void move(int from, int to) {
        System.arraycopy(slots, 4 * from, slots, 4 * to, 4);
    }
}
