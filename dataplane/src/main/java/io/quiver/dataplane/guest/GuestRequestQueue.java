package io.quiver.dataplane.guest;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.YieldingWaitStrategy;
import io.quiver.dpdk.NativeMemory;
import java.lang.foreign.MemorySegment;

/**
 * Guest requests from the RX lcore to the control side: a Disruptor ring of pre-allocated slots the lcore copies
 * the UDP payload into (no allocation, no lock), polled by the guest request service. A full queue is a counted
 * drop: a guest flooding requests loses its own, the lcore never waits.
 */
public final class GuestRequestQueue {
    private final RingBuffer<GuestRequestSlot> ring;
    private final EventPoller<GuestRequestSlot> poller;
    private final int maxPayload;
    /** Whether a control-side service takes from this queue; the lcore drops (and counts) what nobody would answer. */
    private volatile boolean served = true;
    /** Requests the lcore could not queue (written by the lcore only). */
    public long overflows;
    /** The control thread waiting for requests: the lcore wakes it per request (rare, rate-limited traffic). */
    private volatile Thread waiter;

    public GuestRequestQueue(int capacity) {
        this(capacity, io.quiver.dataplane.config.Defaults.GUEST_REQUEST_MAX_PAYLOAD);
    }

    /** A queue whose slots hold payloads of up to {@code maxPayload} bytes (the lcore drops longer ones). */
    public GuestRequestQueue(int capacity, int maxPayload) {
        this.maxPayload = maxPayload;
        ring = RingBuffer.createSingleProducer(() -> new GuestRequestSlot(maxPayload), capacity, new YieldingWaitStrategy());
        poller = ring.newPoller();
        ring.addGatingSequences(poller.getSequence());
    }

    /** Says whether a service polls this queue now (the TLS offload service opens and closes with the daemon). */
    public void served(boolean on) {
        served = on;
    }

    public boolean isServed() {
        return served;
    }

    /** The longest payload a slot holds. */
    public int maxPayload() {
        return maxPayload;
    }

    /** Called on the lcore: copies {@code length} payload bytes from {@code address}. */
    public boolean offer(int vnic, long sourceMac, int sourceIp, int sourcePort, long address, int length) {
        long seq;
        try {
            seq = ring.tryNext();
        } catch (InsufficientCapacityException full) {
            overflows++;
            return false;
        }
        GuestRequestSlot s = ring.get(seq);
        s.vnic = vnic;
        s.sourceMac = sourceMac;
        s.sourceIp = sourceIp;
        s.sourcePort = sourcePort;
        s.length = length;
        s.receivedNanos = System.nanoTime();
        MemorySegment.copy(NativeMemory.ALL, address, s.payloadSegment, 0, length);
        ring.publish(seq);
        Thread w = waiter;
        if (w != null) {
            java.util.concurrent.locks.LockSupport.unpark(w);
        }
        return true;
    }

    /** Parks the calling (control) thread until the lcore queues a request or {@code nanos} pass. */
    public void await(long nanos) {
        waiter = Thread.currentThread();
        if (!ring.isAvailable(ring.getCursor()) || ring.getCursor() <= poller.getSequence().get()) {
            java.util.concurrent.locks.LockSupport.parkNanos(this, nanos);
        }
    }

    /** Called on the control side: hands every queued request to {@code handler}. */
    public void poll(EventPoller.Handler<GuestRequestSlot> handler) throws Exception {
        poller.poll(handler);
    }
}
