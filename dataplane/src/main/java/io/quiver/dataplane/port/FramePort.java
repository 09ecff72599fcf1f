package io.quiver.dataplane.port;

import io.quiver.dpdk.EthDev;
import io.quiver.dpdk.Mbufs;
import io.quiver.dpdk.NativeMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A port driven frame by frame from one plain thread, for a traffic generator or sink (the benchmarks' load, not the
 * datapath): frames staged from byte templates with two stamped words, sent a burst at a time; frames received and
 * shown, their first bytes copied out, to a visitor. Allocates nothing per frame.
 */
public final class FramePort {
    private static final MemorySegment MEMORY = NativeMemory.ALL;

    /** What {@link #receive} shows of each frame: its first bytes (up to the scratch's length) and its length. */
    public interface Visitor {
        void frame(byte[] head, int length);
    }

    private final int port;
    private final long pool;
    private final MbufBurst tx;
    private final MbufBurst rx;
    private final byte[] head;

    /** @param headBytes how many of each received frame's first bytes the visitor sees */
    public FramePort(Port port, PacketPool pool, Arena arena, int burst, int headBytes) {
        this.port = port.id();
        this.pool = pool.address();
        this.tx = new MbufBurst(arena, burst);
        this.rx = new MbufBurst(arena, burst);
        this.head = new byte[headBytes];
    }

    /** Whether a burst's worth is staged. */
    public boolean isFull() {
        return tx.isFull();
    }

    public int staged() {
        return tx.count;
    }

    /**
     * Stages a copy of {@code template} with {@code first} and {@code second} written at {@code stampAt} and
     * {@code stampAt + 8} (unaligned, native order); false when the pool has no mbuf or the burst is full.
     */
    public boolean stage(byte[] template, int stampAt, long first, long second) {
        if (tx.isFull()) {
            return false;
        }
        long m = Mbufs.alloc(pool);
        if (m == 0) {
            return false;
        }
        long data = Mbufs.append(m, template.length);
        if (data == 0) {
            Mbufs.free(m);
            return false;
        }
        MemorySegment.copy(template, 0, MEMORY, ValueLayout.JAVA_BYTE, data, template.length);
        if (stampAt >= 0) {
            MEMORY.set(ValueLayout.JAVA_LONG_UNALIGNED, data + stampAt, first);
            MEMORY.set(ValueLayout.JAVA_LONG_UNALIGNED, data + stampAt + 8, second);
        }
        tx.add(m);
        return true;
    }

    /** Sends what is staged on TX queue 0; returns how many the queue refused (freed). */
    public int send() {
        int n = tx.count;
        if (n == 0) {
            return 0;
        }
        int sent = EthDev.txBurst(port, 0, tx.segment(), n);
        if (sent < n) {
            tx.freeFrom(sent);
        }
        tx.count = 0;
        return n - sent;
    }

    /** Receives a burst from RX queue 0, shows each frame to {@code visitor}, frees them; returns how many. */
    public int receive(Visitor visitor) {
        int n = EthDev.rxBurst(port, 0, rx.segment(), rx.capacity());
        for (int i = 0; i < n; i++) {
            long m = rx.get(i);
            int length = Mbufs.dataLen(m);
            MemorySegment.copy(MEMORY, ValueLayout.JAVA_BYTE, Mbufs.data(m), head, 0, Math.min(length, head.length));
            visitor.frame(head, length);
        }
        rx.count = n;
        rx.freeAll();
        return n;
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.nativeOrder());

    /** A long stamped by {@link #stage}, read from a frame's head as {@link Visitor} shows it. */
    public static long stampAt(byte[] head, int at) {
        return (long) LONGS.get(head, at);
    }
}
