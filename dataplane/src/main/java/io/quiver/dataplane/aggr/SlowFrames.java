package io.quiver.dataplane.aggr;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.YieldingWaitStrategy;
import io.quiver.dpdk.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.util.function.BiConsumer;

/**
 * Slow-protocols frames (LACPDUs, markers) the RX lcore received on members, for the aggregation's control thread:
 * the lcore copies a frame's first {@value #FRAME_MAX} bytes into a pre-allocated slot and frees its mbuf at once,
 * so control traffic never holds the pool's mbufs or waits on the control side. One producer (the RX lcore), one
 * consumer; a full queue drops the frame and counts it (LACP sends again within a period).
 */
public final class SlowFrames {
    /** A LACPDU is 124 bytes with its Ethernet header; a marker PDU less. */
    public static final int FRAME_MAX = 128;

    private static final class Slot {
        int port;
        int length;
        final byte[] frame = new byte[FRAME_MAX];
        final MemorySegment segment = MemorySegment.ofArray(frame);
    }

    private final RingBuffer<Slot> ring;
    private final EventPoller<Slot> poller;
    /** Frames dropped because the control thread had not taken the ones before (written by the lcore). */
    public long overflows;

    public SlowFrames(int capacity) {
        ring = RingBuffer.createSingleProducer(Slot::new, capacity, new YieldingWaitStrategy());
        poller = ring.newPoller();
        ring.addGatingSequences(poller.getSequence());
    }

    /** On the lcore: copies the frame at {@code frame} ({@code length} bytes in its first segment) received on {@code port}. */
    public void offer(int port, long frame, int length) {
        long seq;
        try {
            seq = ring.tryNext();
        } catch (InsufficientCapacityException full) {
            overflows++;
            return;
        }
        Slot s = ring.get(seq);
        int n = Math.min(length, FRAME_MAX);
        MemorySegment.copy(NativeMemory.ALL, frame, s.segment, 0, n);
        s.port = port;
        s.length = n;
        ring.publish(seq);
    }

    /** On the control thread: hands each queued frame (a copy of its bytes) and its port to {@code handler}. */
    public void drain(BiConsumer<Integer, byte[]> handler) {
        try {
            poller.poll((slot, sequence, end) -> {
                handler.accept(slot.port, java.util.Arrays.copyOf(slot.frame, slot.length));
                return true;
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
