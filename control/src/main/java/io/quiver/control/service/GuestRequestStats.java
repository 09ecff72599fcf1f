package io.quiver.control.service;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * What the guest request service did: requests by outcome, and the request-to-dataplane-effect latency of the
 * accepted ones with its stages. Written by the service's thread, read by the REST API and the metrics.
 */
public final class GuestRequestStats {
    /** The stages of an accepted request, in order, as the API names them. */
    public static final String[] STAGES = {"handoff", "commit", "apply"};
    private static final long MAX_TRACKED_NANOS = TimeUnit.SECONDS.toNanos(10);

    public volatile long accepted;
    public volatile long denied;
    public volatile long rateLimited;
    public volatile long malformed;

    private final Histogram latency = new Histogram(MAX_TRACKED_NANOS, 3);
    /** lcore hand-off to the service thread, database commit, live apply. */
    private final Histogram[] stages = {new Histogram(MAX_TRACKED_NANOS, 3), new Histogram(MAX_TRACKED_NANOS, 3),
            new Histogram(MAX_TRACKED_NANOS, 3)};

    /** One accepted request: from the lcore receiving it to the change being live, and its stages, in nanoseconds. */
    public synchronized void recordAccepted(long totalNanos, long handoffNanos, long commitNanos, long applyNanos) {
        latency.recordValue(clamp(totalNanos));
        stages[0].recordValue(clamp(handoffNanos));
        stages[1].recordValue(clamp(commitNanos));
        stages[2].recordValue(clamp(applyNanos));
        accepted++;
    }

    /** A copy of the request-to-dataplane-effect latencies so far, in nanoseconds. */
    public synchronized Histogram latency() {
        return latency.copy();
    }

    /** Copies of the per-stage latencies, in {@link #STAGES} order. */
    public synchronized Histogram[] stageLatency() {
        Histogram[] copies = new Histogram[stages.length];
        for (int i = 0; i < stages.length; i++) {
            copies[i] = stages[i].copy();
        }
        return copies;
    }

    /** Forgets the latencies recorded so far (a benchmark's warm-up); the counts stay. */
    public synchronized void resetLatency() {
        latency.reset();
        for (Histogram h : stages) {
            h.reset();
        }
    }

    /** A clock step backwards must not throw out of the request path; past the tracked range is recorded at its top. */
    private static long clamp(long nanos) {
        return Math.min(Math.max(0, nanos), MAX_TRACKED_NANOS);
    }
}
