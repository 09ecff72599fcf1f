package io.quiver.dataplane.capture;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.YieldingWaitStrategy;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dpdk.Mbufs;
import io.quiver.dpdk.NativeMemory;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the lcores copy the frames one capture asks for: a ring of preallocated frames that any lcore may write (in
 * dedicated mode a VNIC's deliveries and its sends are on different lcores), drained by the capture's writer on the
 * control side. An lcore reaches a tap only through the counters of what is captured (a VNIC's, a port queue's), whose
 * {@code tap} field is null when nothing is captured: then a capture costs one load and one branch.
 *
 * <p>Recording copies at most the snap length of the frame's first segment, allocates nothing and never waits: a
 * frame the ring has no room for is counted in {@link #lost()} (a slow writer loses frames, never slows the lcore).
 */
public final class CaptureTap {
    /** pcapng's epb_flags direction: received by the captured VNIC or port. */
    public static final int INBOUND = 1;
    /** pcapng's epb_flags direction: sent by the captured VNIC (its guest) or port. */
    public static final int OUTBOUND = 2;
    /** A frame's reason when it was not dropped. */
    static final int DELIVERED = -1;
    /** A claimed frame that turned out to be none the capture wants (a TX burst's refused tail, drops not asked). */
    static final int SKIPPED = -2;

    /** One captured frame, a slot of the ring. */
    static final class Frame {
        long nanos;
        int wireLength;
        int length;
        int direction;
        int reason;
        final byte[] data;

        Frame(int snaplen) {
            data = new byte[snaplen];
        }
    }

    private final RingBuffer<Frame> ring;
    private final CaptureFilter filter;
    private final int snaplen;
    /** Wall-clock nanoseconds at {@link System#nanoTime()} 0, for timestamps read from the monotonic clock. */
    private final long epochAtNanoZero;
    private final AtomicLong lost = new AtomicLong();
    /** The writer's way into the ring; made before any lcore can see the tap, so no frame is published ungated. */
    private final com.lmax.disruptor.EventPoller<Frame> poller;

    public CaptureTap(CaptureFilter filter, int slots) {
        this.filter = filter;
        this.snaplen = filter.snaplen();
        this.ring = RingBuffer.createMultiProducer(() -> new Frame(snaplen), slots, new YieldingWaitStrategy());
        java.time.Instant now = java.time.Instant.now();
        this.epochAtNanoZero = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
        this.poller = ring.newPoller();
        ring.addGatingSequences(poller.getSequence());
    }

    public CaptureFilter filter() {
        return filter;
    }

    /** Frames the ring had no room for. */
    public long lost() {
        return lost.get();
    }

    com.lmax.disruptor.EventPoller<Frame> poller() {
        return poller;
    }

    long epochNanos(long monotonic) {
        return epochAtNanoZero + monotonic;
    }

    /** Records {@code mbuf} as it is now, passed in {@code direction}, when the capture asks for that direction. */
    public void record(long mbuf, int direction) {
        if (filter.wants(direction)) {
            copy(mbuf, direction, DELIVERED);
        }
    }

    /** Records {@code mbuf} as dropped for {@code reason} in {@code direction}, when the capture asks for drops. */
    public void recordDrop(long mbuf, int direction, DropReason reason) {
        if (filter.drops() && filter.wants(direction)) {
            copy(mbuf, direction, reason.ordinal());
        }
    }

    private void copy(long mbuf, int direction, int reason) {
        long seq;
        try {
            seq = ring.tryNext();
        } catch (InsufficientCapacityException full) {
            lost.incrementAndGet();
            return;
        }
        fill(ring.get(seq), mbuf, direction, reason);
        ring.publish(seq);
    }

    private void fill(Frame f, long mbuf, int direction, int reason) {
        int wire = Mbufs.pktLen(mbuf);
        int length = Math.min(Math.min(Mbufs.dataLen(mbuf), wire), snaplen);
        f.nanos = System.nanoTime();
        f.wireLength = wire;
        f.length = length;
        f.direction = direction;
        f.reason = reason;
        java.lang.foreign.MemorySegment.copy(NativeMemory.ALL, ValueLayout.JAVA_BYTE, Mbufs.data(mbuf), f.data, 0, length);
    }

    // A TX burst is copied before it is sent (the driver owns what it took) and published once the queue said how
    // much it took: what it refused becomes a tx-full drop, or nothing when drops are not asked for.

    /** Claims {@code n} frames for a burst about to be sent; -1 (and {@code n} lost) when the ring has no room. */
    public long claimOutbound(int n) {
        if (!filter.wants(OUTBOUND)) {
            return -1;
        }
        try {
            long hi = ring.tryNext(n);
            return hi - n + 1;
        } catch (InsufficientCapacityException full) {
            lost.addAndGet(n);
            return -1;
        }
    }

    /** Copies the burst's {@code k}-th packet into the frames claimed from {@code first}. */
    public void fillOutbound(long first, int k, long mbuf) {
        fill(ring.get(first + k), mbuf, OUTBOUND, DELIVERED);
    }

    /** Publishes the {@code n} frames claimed from {@code first}, of which the queue took the first {@code sent}. */
    public void publishOutbound(long first, int n, int sent) {
        for (int k = sent; k < n; k++) {
            ring.get(first + k).reason = filter.drops() ? DropReason.TX_FULL.ordinal() : SKIPPED;
        }
        ring.publish(first, first + n - 1);
    }
}
