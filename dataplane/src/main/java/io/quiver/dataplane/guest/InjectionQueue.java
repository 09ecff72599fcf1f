package io.quiver.dataplane.guest;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.YieldingWaitStrategy;
import io.quiver.dataplane.config.Defaults;
import java.lang.foreign.MemorySegment;

/**
 * Frames the control side sends to a guest (request replies, change notifications) or out of a port (an
 * aggregation's LACPDUs and announcements): it copies a built frame into a pre-allocated slot; the lcore moves it into
 * an mbuf and into the VNIC's receive ring, so it is delivered and counted like any other frame, or into its TX
 * queue on the port. Multi-producer: any control thread may send.
 */
public final class InjectionQueue {
    /** One frame to deliver to one VNIC, or ({@code vnic} is {@link #TO_PORT}) to send out of one port. */
    public static final class Slot {
        public int vnic;
        public int port;
        public int length;
        public final byte[] frame = new byte[Defaults.INJECTED_FRAME_MAX];
        public final MemorySegment segment = MemorySegment.ofArray(frame);
    }

    private final RingBuffer<Slot> ring;
    private final EventPoller<Slot> poller;

    public InjectionQueue(int capacity) {
        ring = RingBuffer.createMultiProducer(Slot::new, capacity, new YieldingWaitStrategy());
        poller = ring.newPoller();
        ring.addGatingSequences(poller.getSequence());
    }

    /** A slot's {@code vnic} when its frame goes out of {@code port}, not to a VNIC. */
    public static final int TO_PORT = -1;

    /** Queues {@code frame} for {@code vnic}; false when the queue is full. */
    public boolean offer(int vnic, byte[] frame) {
        return offer(vnic, 0, frame);
    }

    /** Queues {@code frame} to be sent out of DPDK port {@code port}; false when the queue is full. */
    public boolean offerToPort(int port, byte[] frame) {
        return offer(TO_PORT, port, frame);
    }

    private boolean offer(int vnic, int port, byte[] frame) {
        if (frame.length > Defaults.INJECTED_FRAME_MAX) {
            throw new IllegalArgumentException("frame of " + frame.length + " bytes is larger than an mbuf");
        }
        long seq;
        try {
            seq = ring.tryNext();
        } catch (InsufficientCapacityException full) {
            return false;
        }
        Slot s = ring.get(seq);
        s.vnic = vnic;
        s.port = port;
        s.length = frame.length;
        System.arraycopy(frame, 0, s.frame, 0, frame.length);
        ring.publish(seq);
        return true;
    }

    /** Called on the lcore. */
    public void poll(EventPoller.Handler<Slot> handler) {
        try {
            poller.poll(handler);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
