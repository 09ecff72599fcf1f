package io.quiver.dataplane.capture;

import com.lmax.disruptor.EventPoller;
import io.quiver.dataplane.counters.DropReason;
import java.io.IOException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Drains one {@link CaptureTap} into a {@link PcapngWriter} on the calling (control-side) thread until the capture
 * has its count, its time is up, the reader went away or {@code goOn} says stop. While nothing comes it writes the
 * interface's statistics once a second, which is also how it notices a reader that left.
 */
public final class CaptureSession {
    /** Why a capture ended. */
    public enum End { COUNT, DURATION, STOPPED, READER_GONE }

    /** What a capture wrote, lost, and why it ended. */
    public record Summary(long captured, long lost, End end) {
    }

    private static final String[] DROP_COMMENTS = new String[DropReason.COUNT];

    static {
        for (DropReason r : DropReason.values()) {
            DROP_COMMENTS[r.ordinal()] = "drop: " + r.label();
        }
    }

    private static final long STATISTICS_NANOS = 1_000_000_000L;
    private static final long CHECK_NANOS = 100_000_000L;
    /** How long the drainer sleeps when the ring is empty: 4,096 frames fill in no less at 20 million frames/s. */
    private static final long IDLE_PARK_NANOS = 200_000L;

    private final CaptureTap tap;
    private final EventPoller<CaptureTap.Frame> poller;
    private final PcapngWriter out;
    private final int iface;
    private long captured;
    private long limit;
    private IOException failed;

    private CaptureSession(CaptureTap tap, PcapngWriter out, int iface) {
        this.tap = tap;
        this.poller = tap.poller();
        this.out = out;
        this.iface = iface;
    }

    /**
     * Runs a capture: at most {@code count} frames (0: no limit) for at most {@code durationNanos} (0: no limit), while
     * {@code goOn} holds (asked every 100 ms).
     */
    public static Summary run(CaptureTap tap, PcapngWriter out, int iface, long count, long durationNanos, BooleanSupplier goOn)
            throws IOException {
        return new CaptureSession(tap, out, iface).drain(count, durationNanos, goOn);
    }

    private Summary drain(long count, long durationNanos, BooleanSupplier goOn) throws IOException {
        limit = count <= 0 ? Long.MAX_VALUE : count;
        long start = System.nanoTime();
        long startEpoch = tap.epochNanos(start);
        long lastCheck = start;
        long lastWrite = start;
        EventPoller.Handler<CaptureTap.Frame> handler = this::write;
        End end;
        try {
            while (true) {
                EventPoller.PollState state = poller.poll(handler);
                if (failed != null) {
                    return new Summary(captured, tap.lost(), End.READER_GONE);
                }
                long now = System.nanoTime();
                if (captured >= limit) {
                    end = End.COUNT;
                    break;
                }
                // asked whether frames come or not: a VNIC that never goes quiet still ends on time and when removed
                if (durationNanos > 0 && now - start >= durationNanos) {
                    end = End.DURATION;
                    break;
                }
                if (now - lastCheck >= CHECK_NANOS) {
                    lastCheck = now;
                    if (!goOn.getAsBoolean() || Thread.currentThread().isInterrupted()) { // interrupted: its server stops
                        end = End.STOPPED;
                        break;
                    }
                }
                if (state == EventPoller.PollState.PROCESSING) {
                    lastWrite = now;
                    continue;
                }
                out.flush(); // the ring is empty: what was written reaches a pipe's reader now
                if (now - lastWrite >= STATISTICS_NANOS) {
                    lastWrite = now;
                    out.statistics(iface, startEpoch, tap.epochNanos(now), captured, tap.lost());
                    out.flush();
                }
                LockSupport.parkNanos(IDLE_PARK_NANOS);
            }
            out.statistics(iface, startEpoch, tap.epochNanos(System.nanoTime()), captured, tap.lost());
            out.flush();
            return new Summary(captured, tap.lost(), end);
        } catch (IOException e) {
            return new Summary(captured, tap.lost(), End.READER_GONE);
        } catch (Exception e) {
            throw new IllegalStateException("capture failed", e);
        }
    }

    private boolean write(CaptureTap.Frame f, long sequence, boolean endOfBatch) {
        if (f.reason == CaptureTap.SKIPPED) {
            return true;
        }
        try {
            out.packet(iface, tap.epochNanos(f.nanos), f.data, f.length, f.wireLength, f.direction,
                    f.reason == CaptureTap.DELIVERED ? null : DROP_COMMENTS[f.reason]);
        } catch (IOException e) {
            failed = e;
            return false;
        }
        return ++captured < limit;
    }
}
