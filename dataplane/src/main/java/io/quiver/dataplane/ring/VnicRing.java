package io.quiver.dataplane.ring;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.BusySpinWaitStrategy;

/**
 * One receive ring of a VNIC: an LMAX Disruptor ring of pre-allocated {@link PacketSlot}s, written by the lcore that
 * classified the packet and drained by the lcore that delivers it (the same one in shared mode). A full ring is a
 * counted drop: the producer never waits.
 */
public final class VnicRing {
    private final RingBuffer<PacketSlot> ring;
    /** The consumer's position: every slot up to it has been handled (the ring's gating sequence). */
    private final Sequence consumed = new Sequence();
    private final int capacity;
    private final boolean multiProducer;
    /** Claimed and filled but not yet published (single producer only: the producer's own state). */
    private long unpublishedLow = -1;
    private long unpublishedHigh = -1;

    /**
     * @param multiProducer true when more than one lcore may publish (dedicated mode, where workers route forwarded
     *                      packets into other VNICs' local rings)
     */
    public VnicRing(int capacity, boolean multiProducer) {
        if (Integer.bitCount(capacity) != 1 || capacity < 2) {
            throw new IllegalArgumentException("ring size must be a power of two >= 2, not " + capacity);
        }
        this.capacity = capacity;
        this.multiProducer = multiProducer;
        this.ring = RingBuffer.create(multiProducer ? ProducerType.MULTI : ProducerType.SINGLE, PacketSlot::new,
                capacity, new BusySpinWaitStrategy());
        ring.addGatingSequences(consumed);
    }

    public int capacity() {
        return capacity;
    }

    /**
     * Publishes one packet; false (and nothing published) when the ring is full, so the caller frees and counts it.
     */
    public boolean offer(long mbuf, boolean tagged, int dstIp, int l3) {
        long seq;
        try {
            seq = ring.tryNext(); // never parks: a polling lcore must not wait for room
        } catch (InsufficientCapacityException full) { // a preallocated singleton: no allocation
            return false;
        }
        PacketSlot s = ring.get(seq);
        s.mbuf = mbuf;
        s.tagged = tagged;
        s.dstIp = dstIp;
        s.l3 = l3;
        ring.publish(seq);
        return true;
    }

    /**
     * Fills one slot without publishing it yet: the producer publishes everything it staged with one
     * {@link #publishStaged()} at the end of its burst. Returns whether the slot was the first staged since the last
     * publication (so the caller remembers to publish this ring), or -1 when the ring is full. On a multi-producer
     * ring every packet is published at once (claims from several lcores must each be published).
     */
    public int stage(long mbuf, boolean tagged, int dstIp, int l3) {
        if (multiProducer) {
            return offer(mbuf, tagged, dstIp, l3) ? 0 : -1;
        }
        long seq;
        try {
            seq = ring.tryNext();
        } catch (InsufficientCapacityException full) {
            return -1;
        }
        PacketSlot s = ring.get(seq);
        s.mbuf = mbuf;
        s.tagged = tagged;
        s.dstIp = dstIp;
        s.l3 = l3;
        if (unpublishedLow < 0) {
            unpublishedLow = seq;
            unpublishedHigh = seq;
            return 1;
        }
        unpublishedHigh = seq;
        return 0;
    }

    /** Publishes what {@link #stage} filled since the last call. */
    public void publishStaged() {
        if (unpublishedLow >= 0) {
            ring.publish(unpublishedLow, unpublishedHigh);
            unpublishedLow = -1;
        }
    }

    // The consumer side is a plain batch loop over these (the consumer inlines its handling: a callback through
    // Disruptor's EventPoller is one call site shared by every ring in the process, so it never inlines):
    //   long from = ring.firstUnconsumed(), to = ring.lastPublished(from, max);
    //   for (long s = from; s <= to; s++) { ... ring.slot(s) ... }   ring.consumedThrough(to);

    /** The sequence of the first slot not yet consumed. */
    public long firstUnconsumed() {
        return consumed.get() + 1;
    }

    /** The last slot from {@code from} on that is published, taking at most {@code max}; below {@code from} if none. */
    public long lastPublished(long from, int max) {
        long hi = Math.min(ring.getCursor(), from + max - 1);
        if (multiProducer) { // claimed is not yet published: stop at the first gap
            for (long s = from; s <= hi; s++) {
                if (!ring.isAvailable(s)) {
                    return s - 1;
                }
            }
        }
        return hi;
    }

    public PacketSlot slot(long sequence) {
        return ring.get(sequence);
    }

    /** Frees the slots up to {@code sequence} for the producer. */
    public void consumedThrough(long sequence) {
        consumed.set(sequence);
    }

    /** Hands every published slot to {@code handler} (control path: shutdown and removal). */
    public void drain(java.util.function.LongConsumer mbufHandler) {
        long from = firstUnconsumed();
        long to = lastPublished(from, capacity);
        for (long s = from; s <= to; s++) {
            mbufHandler.accept(ring.get(s).mbuf);
        }
        if (to >= from) {
            consumedThrough(to);
        }
    }

    /** True when something was published and not yet drained: two reads. */
    public boolean hasWork() {
        return ring.getCursor() > consumed.get();
    }
}
