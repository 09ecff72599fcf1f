package io.quiver.dataplane.ring;

import com.lmax.disruptor.EventPoller;
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
    private final EventPoller<PacketSlot> poller;
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
        this.poller = ring.newPoller();
        ring.addGatingSequences(poller.getSequence());
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

    /** Hands every published slot to {@code handler}; returns without waiting when there is none. */
    public void drain(EventPoller.Handler<PacketSlot> handler) {
        try {
            poller.poll(handler);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when something was published and not yet drained: two reads, no poll. */
    public boolean hasWork() {
        return ring.getCursor() > poller.getSequence().get();
    }

    /** Packets waiting in the ring. */
    public long depth() {
        Sequence consumed = poller.getSequence();
        return ring.getCursor() - consumed.get();
    }
}
