package io.quiver.dataplane.counters;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The last refused frame's evidence, for the warning an operator reads: why ({@link DropReason}) and the offending
 * value (a MAC in {@code low}, an IPv4 address in {@code low}, an IPv6 address in both halves). One writer (the lcore
 * that refused the frame) and any number of readers: a sequence lock, so a reader sees the reason and the value of
 * the same frame, never a mix, and the writer never waits.
 */
public final class SpoofRecord {
    private static final VarHandle SEQUENCE;

    static {
        try {
            SEQUENCE = MethodHandles.lookup().findVarHandle(SpoofRecord.class, "sequence", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Odd while a write is under way. */
    @SuppressWarnings("unused") // through SEQUENCE
    private int sequence;
    private int reason = -1;
    private long high;
    private long low;

    /** One record per {@link DropReason}, by ordinal (only spoof reasons are ever written). */
    public static SpoofRecord[] byReason() {
        SpoofRecord[] r = new SpoofRecord[DropReason.COUNT];
        for (int i = 0; i < r.length; i++) {
            r[i] = new SpoofRecord();
        }
        return r;
    }

    /** What a reader saw. */
    public record Evidence(DropReason reason, long high, long low) {
    }

    /** Called by the one writer (an lcore, on its drop path). */
    public void record(DropReason why, long offendingHigh, long offendingLow) {
        int s = (int) SEQUENCE.getOpaque(this);
        SEQUENCE.setOpaque(this, s + 1);
        VarHandle.storeStoreFence();
        reason = why.ordinal();
        high = offendingHigh;
        low = offendingLow;
        SEQUENCE.setRelease(this, s + 2);
    }

    /** The last record, consistent; null when none was made. */
    public Evidence read() {
        while (true) {
            int before = (int) SEQUENCE.getAcquire(this);
            if ((before & 1) != 0) {
                Thread.onSpinWait();
                continue;
            }
            int r = reason;
            long h = high;
            long l = low;
            VarHandle.loadLoadFence();
            if ((int) SEQUENCE.getOpaque(this) == before) {
                return r < 0 ? null : new Evidence(DropReason.values()[r], h, l);
            }
        }
    }
}
