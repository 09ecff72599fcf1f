package io.quiver.dataplane.ring;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.MultiProducerSequencer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SingleProducerSequencer;

/**
 * One receive ring of a VNIC: an LMAX Disruptor ring written by the lcore that classified the packet and drained by
 * the lcore that delivers it (the same one in shared mode). A full ring is a counted drop: the producer never waits.
 *
 * <p>The Disruptor's sequencer does the claiming, publishing and gating; the slots are one pre-allocated array of
 * longs, two per slot (the mbuf pointer; the destination IPv4, L3 offset and tag flag), rather than one object per
 * slot: filling or reading a slot touches one cache line, with no object to reach first.
 */
public final class VnicRing {
    private static final int TAGGED = 1 << 8;

    /** {@link #stage}: the ring was full; nothing was staged. */
    public static final int FULL = -1;
    /** {@link #stage}: staged behind others not yet published. */
    public static final int STAGED = 0;
    /** {@link #stage}: the first slot staged since the ring was last published: the caller remembers to publish it. */
    public static final int FIRST_STAGED = 1;

    /** Exactly one of the two sequencers is set (concrete types: their calls inline on the fast path). */
    private final SingleProducerSequencer single;
    private final MultiProducerSequencer multi;
    /** The consumer's position: every slot up to it has been handled (the ring's gating sequence). */
    private final Sequence consumed = new Sequence();
    private final int capacity;
    private final int mask;
    /**
     * Slot i is {@code slots[2i]}, the mbuf, and {@code slots[2i+1]}: the IPv4 destination in host order (what the
     * forwarding ring routes by) in the high half; the L3 header's offset, | {@link #TAGGED} when the frame still
     * carries an 802.1Q tag, in the low half.
     */
    private final long[] slots;
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
        this.mask = capacity - 1;
        this.single = multiProducer ? null : new SingleProducerSequencer(capacity, new BusySpinWaitStrategy());
        this.multi = multiProducer ? new MultiProducerSequencer(capacity, new BusySpinWaitStrategy()) : null;
        if (multiProducer) {
            multi.addGatingSequences(consumed);
        } else {
            single.addGatingSequences(consumed);
        }
        this.slots = new long[2 * capacity];
    }

    public int capacity() {
        return capacity;
    }


    private void fill(long seq, long mbuf, boolean tagged, int dstIp, int l3) {
        int i = 2 * ((int) seq & mask);
        slots[i] = mbuf;
        slots[i + 1] = (long) dstIp << 32 | (tagged ? l3 | TAGGED : l3);
    }

    /**
     * Publishes one packet; false (and nothing published) when the ring is full, so the caller frees and counts it.
     */
    public boolean offer(long mbuf, boolean tagged, int dstIp, int l3) {
        long seq;
        try {
            seq = multi != null ? multi.tryNext() : single.tryNext(); // never parks: a polling lcore must not wait
        } catch (InsufficientCapacityException full) { // a preallocated singleton: no allocation
            return false;
        }
        fill(seq, mbuf, tagged, dstIp, l3);
        if (multi != null) {
            multi.publish(seq);
        } else {
            single.publish(seq);
        }
        return true;
    }

    /**
     * Fills one slot without publishing it yet: the producer publishes everything it staged with one
     * {@link #publishStaged()} at the end of its burst. Returns whether the slot was the first staged since the last
     * publication ({@link #FIRST_STAGED}: the caller remembers to publish this ring), {@link #STAGED}, or
     * {@link #FULL}. On a multi-producer ring every packet is published at once (claims from several lcores must each
     * be published), and reported as {@link #STAGED}.
     */
    public int stage(long mbuf, boolean tagged, int dstIp, int l3) {
        if (multi != null) {
            return offer(mbuf, tagged, dstIp, l3) ? STAGED : FULL;
        }
        long seq;
        try {
            seq = single.tryNext();
        } catch (InsufficientCapacityException full) {
            return FULL;
        }
        fill(seq, mbuf, tagged, dstIp, l3);
        if (unpublishedLow < 0) {
            unpublishedLow = seq;
            unpublishedHigh = seq;
            return FIRST_STAGED;
        }
        unpublishedHigh = seq;
        return STAGED;
    }

    /** Publishes what {@link #stage} filled since the last call. */
    public void publishStaged() {
        if (unpublishedLow >= 0) {
            single.publish(unpublishedLow, unpublishedHigh);
            unpublishedLow = -1;
        }
    }

    // The consumer side is a plain batch loop over these (the consumer inlines its handling):
    //   long from = ring.firstUnconsumed(), to = ring.lastPublished(from, max);
    //   for (long s = from; s <= to; s++) { ... ring.mbufAt(s) ... }   ring.consumedThrough(to);

    /** The sequence of the first slot not yet consumed. */
    public long firstUnconsumed() {
        return consumed.get() + 1;
    }

    /** The last slot from {@code from} on that is published, taking at most {@code max}; below {@code from} if none. */
    public long lastPublished(long from, int max) {
        if (multi != null) { // claimed is not yet published: stop at the first gap
            long hi = Math.min(multi.getCursor(), from + max - 1);
            return multi.getHighestPublishedSequence(from, hi);
        }
        return Math.min(single.getCursor(), from + max - 1);
    }

    public long mbufAt(long sequence) {
        return slots[2 * ((int) sequence & mask)];
    }

    private long metaAt(long sequence) {
        return slots[2 * ((int) sequence & mask) + 1];
    }

    /** Whether the frame still carries an 802.1Q tag (to strip before delivery to the guest). */
    public boolean taggedAt(long sequence) {
        return (metaAt(sequence) & TAGGED) != 0;
    }

    public int dstIpAt(long sequence) {
        return (int) (metaAt(sequence) >>> 32);
    }

    public int l3At(long sequence) {
        return (int) metaAt(sequence) & 0xff;
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
            mbufHandler.accept(mbufAt(s));
        }
        if (to >= from) {
            consumedThrough(to);
        }
    }

    /** Packets published and not yet consumed (control side: what a stopped datapath still holds). */
    public long queued() {
        return (multi != null ? multi.getCursor() : single.getCursor()) - consumed.get();
    }

    /** True when something was published and not yet drained: two reads. */
    public boolean hasWork() {
        return (multi != null ? multi.getCursor() : single.getCursor()) > consumed.get();
    }
}
