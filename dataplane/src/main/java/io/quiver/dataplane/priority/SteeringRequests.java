package io.quiver.dataplane.priority;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;

/**
 * What the RX lcore asks of the NIC, for the control side to carry out (rte_flow calls are too slow for the lcore):
 * steer an identified connection's packets to its class's RX queue, and let go once the connection is gone. A
 * single-producer Disruptor ring of preallocated requests: the lcore fills one in place and publishes it, nothing
 * allocated and no lock; a full ring refuses, counted, and that connection is re-steered in software only.
 */
public final class SteeringRequests {
    public static final int STEER = 1;
    public static final int RELEASE = 2;

    /**
     * One request. {@code keyHigh}/{@code keyLow} name the connection as the connection table does; for
     * {@link #STEER}, the rest is the connection as it arrives from the network (remote to local) and its class.
     */
    public static final class Request {
        public int op;
        public long keyHigh;
        public long keyLow;
        public int protocol;
        public int remoteIp;
        public int localIp;
        public int remotePort;
        public int localPort;
        public int cls;
    }

    /** What the control side does with each request, in order. */
    public interface Handler {
        void handle(Request request);
    }

    private final RingBuffer<Request> ring;
    private final EventPoller<Request> poller;
    /** Requests a full ring refused (written by the lcore, read by the control side for display). */
    public long refused;

    /** @param size the requests that may wait at once, a power of two */
    public SteeringRequests(int size) {
        this.ring = RingBuffer.createSingleProducer(Request::new, size, new BusySpinWaitStrategy());
        this.poller = ring.newPoller();
        ring.addGatingSequences(poller.getSequence());
    }

    /** Lcore: asks for connection ({@code keyHigh}, {@code keyLow}) to be steered; false when the ring is full. */
    public boolean steer(long keyHigh, long keyLow, int protocol, int remoteIp, int localIp, int remotePort, int localPort,
                         int cls) {
        long seq = claim();
        if (seq < 0) {
            return false;
        }
        Request r = ring.get(seq);
        r.op = STEER;
        r.keyHigh = keyHigh;
        r.keyLow = keyLow;
        r.protocol = protocol;
        r.remoteIp = remoteIp;
        r.localIp = localIp;
        r.remotePort = remotePort;
        r.localPort = localPort;
        r.cls = cls;
        ring.publish(seq);
        return true;
    }

    /** Lcore: the connection is gone; false when the ring is full (its rule then stays until the datapath stops). */
    public boolean release(long keyHigh, long keyLow) {
        long seq = claim();
        if (seq < 0) {
            return false;
        }
        Request r = ring.get(seq);
        r.op = RELEASE;
        r.keyHigh = keyHigh;
        r.keyLow = keyLow;
        ring.publish(seq);
        return true;
    }

    /** The next slot's sequence, or -1 (counted) when the control side has not caught up. */
    private long claim() {
        if (!ring.hasAvailableCapacity(1)) {
            refused++;
            return -1;
        }
        return ring.next();
    }

    /** Control side: hands every published request to {@code handler}, in order; returns how many there were. */
    public int drain(Handler handler) {
        int[] count = new int[1];
        try {
            poller.poll((request, sequence, endOfBatch) -> {
                handler.handle(request);
                count[0]++;
                return true;
            });
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return count[0];
    }
}
