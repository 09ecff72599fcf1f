package io.quiver.dataplane.port;

import io.quiver.dataplane.config.Defaults;
import io.quiver.dpdk.Mbufs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A reusable off-heap array of mbuf pointers, 64-byte aligned, for rx/tx bursts. One per polling task: it is
 * allocated once and reused for every burst, so the fast path allocates nothing.
 */
public final class MbufBurst {

    private final MemorySegment pointers;
    private final int capacity;
    /** Pointers currently held, from index 0. */
    public int count;

    /** A burst array living in {@code arena}; a shared arena when the burst crosses threads. */
    public MbufBurst(Arena arena, int capacity) {
        if (capacity < 1 || capacity > Defaults.MAX_BURST) {
            throw new IllegalArgumentException("burst size must be 1.." + Defaults.MAX_BURST + ", not " + capacity);
        }
        this.capacity = capacity;
        this.pointers = arena.allocate(8L * capacity, 64);
    }

    public int capacity() {
        return capacity;
    }

    public MemorySegment segment() {
        return pointers;
    }

    public long get(int i) {
        return pointers.getAtIndex(ValueLayout.JAVA_LONG, i);
    }

    public void set(int i, long mbuf) {
        pointers.setAtIndex(ValueLayout.JAVA_LONG, i, mbuf);
    }

    /** Adds one pointer at the end; the caller checks {@link #isFull()} first. */
    public void add(long mbuf) {
        pointers.setAtIndex(ValueLayout.JAVA_LONG, count++, mbuf);
    }

    public boolean isFull() {
        return count == capacity;
    }

    /**
     * Holds {@code mbuf} to be freed with the others in one bulk call, freeing those first when the burst is full:
     * how a polling task returns what it drops to the pool.
     */
    public void freeLater(long mbuf) {
        if (count == capacity) {
            freeAll();
        }
        add(mbuf);
    }

    /** Frees every held mbuf and empties the burst. */
    public void freeAll() {
        if (count > 0) {
            Mbufs.freeBulk(pointers, count);
            count = 0;
        }
    }

    /** Frees pointers {@code from..count-1} (what a TX queue did not take) and empties the burst. */
    public void freeFrom(int from) {
        if (from < count) {
            Mbufs.freeBulk(pointers.asSlice(8L * from), count - from);
        }
        count = 0;
    }
}
