package io.quiver.dataplane.port;

import java.lang.foreign.Arena;
import java.util.Collection;

/** One lcore's TX batchers, one per port, on the TX queue that lcore owns on every port. */
public final class LcoreTx {
    private final TxBatcher[] byPort;
    /** The batchers in use, what {@link #flushAll} visits: a port added or removed live replaces it whole. */
    private volatile TxBatcher[] active;

    private final int txQueue;
    private final Arena arena;
    private final int burstSize;

    public LcoreTx(Collection<Port> ports, int txQueue, Arena arena, int burstSize) {
        // room for every port id DPDK can give, so a port added live gets its batcher without a new array
        byPort = new TxBatcher[Math.max(MAX_PORTS, ports.stream().mapToInt(Port::id).max().orElse(0) + 1)];
        this.txQueue = txQueue;
        this.arena = arena;
        this.burstSize = burstSize;
        for (Port p : ports) {
            byPort[p.id()] = new TxBatcher(p.id(), txQueue, p.txCounters(txQueue), arena, burstSize);
        }
        active = inUse();
    }

    /**
     * A packet trace's batchers, one per port: they never send; the trace reads back what each was given
     * ({@link TxBatcher#takeHeld}).
     */
    public static LcoreTx holding(Collection<Port> ports, Arena arena) {
        return new LcoreTx(ports, arena);
    }

    private LcoreTx(Collection<Port> ports, Arena arena) {
        byPort = new TxBatcher[Math.max(MAX_PORTS, ports.stream().mapToInt(Port::id).max().orElse(0) + 1)];
        this.txQueue = -1;
        this.arena = arena;
        this.burstSize = HELD;
        for (Port p : ports) {
            byPort[p.id()] = TxBatcher.holding(p.id(), arena, HELD);
        }
        active = inUse();
    }

    /** Room in a trace's batcher: more than one frame's flood can give one port. */
    private static final int HELD = 64;

    /** The batchers in use. */
    public TxBatcher[] batchers() {
        return active.clone();
    }

    private TxBatcher[] inUse() {
        return java.util.Arrays.stream(byPort).filter(java.util.Objects::nonNull).toArray(TxBatcher[]::new);
    }

    /** DPDK's RTE_MAX_ETHPORTS, as the compiler saw it. */
    private static final int MAX_PORTS = io.quiver.dpdk.Layout.intOf("RTE_MAX_ETHPORTS");

    /**
     * A batcher for port {@code p}, added live (control side). The lcore reaches it only through a state published
     * after this (a volatile write), which also publishes the batcher; it sends only after that.
     */
    public synchronized void add(Port p) {
        byPort[p.id()] = new TxBatcher(p.id(), txQueue, p.txCounters(txQueue), arena, burstSize);
        active = inUse();
    }

    /** Forgets port {@code port}'s batcher, once no lcore can send to it (after quiescence: its last burst was flushed). */
    public synchronized void remove(int port) {
        byPort[port] = null;
        active = inUse();
    }

    public TxBatcher to(int port) {
        return byPort[port];
    }

    public void flushAll() {
        for (TxBatcher b : active) {
            b.flush();
        }
    }

}
