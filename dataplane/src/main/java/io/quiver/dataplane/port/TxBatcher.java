package io.quiver.dataplane.port;

import io.quiver.dataplane.config.Defaults;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dpdk.EthDev;
import io.quiver.dpdk.Mbufs;
import java.lang.foreign.Arena;

/**
 * Collects packets for one port's TX queue and sends them a burst at a time. Owned by one lcore (each lcore has its
 * own TX queue on every port). What the queue refuses is freed and counted as tx-full.
 */
public final class TxBatcher {
    private final int port;
    private final int queue;
    private final MbufBurst burst;
    private final QueueCounters counters;
    private long bytes;

    public TxBatcher(int port, int queue, QueueCounters counters, Arena arena, int size) {
        this.port = port;
        this.queue = queue;
        this.counters = counters;
        this.burst = new MbufBurst(arena, size);
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
        if (burst.isFull()) {
            flush();
        }
    }

    public void flush() {
        int n = burst.count;
        if (n == 0) {
            return;
        }
        int sent = EthDev.txBurst(port, queue, burst.segment(), n);
        if (sent < n) {
            for (int j = sent; j < n; j++) {
                bytes -= Mbufs.pktLen(burst.get(j));
            }
            counters.drops[DropReason.TX_FULL.ordinal()] += n - sent;
            burst.freeFrom(sent);
        }
        burst.count = 0;
        counters.packets += sent;
        counters.bytes += bytes;
        bytes = 0;
    }

}
