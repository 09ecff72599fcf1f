package io.quiver.dataplane.port;

import io.quiver.dataplane.capture.CaptureTap;
import io.quiver.dataplane.config.Defaults;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dpdk.EthDev;
import io.quiver.dpdk.Mbufs;
import java.lang.foreign.Arena;

/**
 * Collects packets for one port's TX queue and sends them a burst at a time. Owned by one lcore (each lcore has its
 * own TX queue on every port). What the queue refuses is freed and counted as tx-full.
 *
 * <p>The burst is kept in strict priority order: the highest class first, each class in arrival order. A queue that
 * takes only part of a burst (a full or rate-limited TX ring) takes the higher classes, and tx-full falls on the lowest.
 */
public final class TxBatcher {
    private final int port;
    private final int queue;
    private final MbufBurst burst;
    private final QueueCounters counters;
    private long bytes;
    private final int size;
    /** By class above 0: packets waiting for the flush, which puts them before class 0's (in {@link #ordered}). */
    private final long[][] raised;
    private final int[] raisedCount = new int[4];
    private int raisedTotal;
    private final MbufBurst ordered;
    /** A packet trace's batcher: it only holds what it is given, for the trace to read back ({@link #takeHeld}). */
    private final boolean holds;

    public TxBatcher(int port, int queue, QueueCounters counters, Arena arena, int size) {
        this(port, queue, counters, arena, size, false);
    }

    /** A batcher for a packet trace: it never sends, and nothing it is given leaves until {@link #takeHeld}. */
    static TxBatcher holding(int port, Arena arena, int size) {
        return new TxBatcher(port, -1, new QueueCounters("trace", 0), arena, size, true);
    }

    private TxBatcher(int port, int queue, QueueCounters counters, Arena arena, int size, boolean holds) {
        this.holds = holds;
        this.port = port;
        this.queue = queue;
        this.counters = counters;
        this.burst = new MbufBurst(arena, size);
        this.size = size;
        this.raised = new long[4][size];
        this.ordered = new MbufBurst(arena, size);
    }

    public void add(long mbuf) {
        add(mbuf, Mbufs.pktLen(mbuf));
    }

    /**
     * Adds a packet whose length the caller has already read. A frame shorter than Ethernet's minimum (a guest's
     * 42-byte ARP, a frame whose tag was stripped) is padded to it first.
     */
    public void add(long mbuf, int length) {
        if (length < Defaults.MIN_FRAME && Mbufs.padTo(mbuf, Defaults.MIN_FRAME)) {
            length = Defaults.MIN_FRAME;
        }
        burst.add(mbuf);
        bytes += length;
        if (burst.count + raisedTotal == size) {
            flush();
        }
    }

    /**
     * Adds a packet of priority class {@code cls} (0..3): sent after the burst's others of higher classes and of its
     * own, before every lower class's. Classes above 0 wait in arrays of their own until the flush puts the burst
     * together, highest first.
     */
    public void add(long mbuf, int length, int cls) {
        if (cls == 0) {
            add(mbuf, length);
            return;
        }
        if (length < Defaults.MIN_FRAME && Mbufs.padTo(mbuf, Defaults.MIN_FRAME)) {
            length = Defaults.MIN_FRAME;
        }
        raised[cls][raisedCount[cls]++] = mbuf;
        raisedTotal++;
        bytes += length;
        if (burst.count + raisedTotal == size) {
            flush();
        }
    }

    public void flush() {
        if (holds) {
            return;
        }
        MbufBurst burst = raisedTotal == 0 ? this.burst : inOrder();
        int n = burst.count;
        if (n == 0) {
            return;
        }
        CaptureTap tap = counters.tap;
        long captured = tap == null ? -1 : tap.claimOutbound(n);
        if (captured >= 0) { // copied before the driver owns them, published once the queue said what it took
            for (int k = 0; k < n; k++) {
                tap.fillOutbound(captured, k, burst.get(k));
            }
        }
        int sent = EthDev.txBurst(port, queue, burst.segment(), n);
        if (captured >= 0) {
            tap.publishOutbound(captured, n, sent);
        }
        if (sent < n) {
            for (int j = sent; j < n; j++) {
                bytes -= Mbufs.pktLen(burst.get(j));
            }
            counters.drops[DropReason.TX_FULL.ordinal()] += n - sent;
            burst.freeFrom(sent);
        }
        burst.count = 0;
        this.burst.count = 0;
        counters.packets += sent;
        counters.bytes += bytes;
        bytes = 0;
    }


    /** What a holding batcher was given, in the order it would have sent it; it holds nothing after. */
    public long[] takeHeld() {
        MbufBurst held = raisedTotal == 0 ? burst : inOrder();
        long[] out = new long[held.count];
        for (int k = 0; k < out.length; k++) {
            out[k] = held.get(k);
        }
        held.count = 0;
        burst.count = 0;
        bytes = 0;
        return out;
    }

    public int port() {
        return port;
    }

    /** The burst, highest class first; empties the class arrays. */
    private MbufBurst inOrder() {
        MbufBurst out = ordered;
        out.count = 0;
        for (int c = 3; c > 0; c--) {
            long[] waiting = raised[c];
            for (int k = 0, n = raisedCount[c]; k < n; k++) {
                out.add(waiting[k]);
            }
            raisedCount[c] = 0;
        }
        for (int k = 0; k < burst.count; k++) {
            out.add(burst.get(k));
        }
        raisedTotal = 0;
        return out;
    }
}
