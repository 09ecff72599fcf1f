package io.quiver.control.tls;

import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** Requests answered with a failure, by reason: counted by the front ends and the worker, read by the views. */
final class ReasonCounts {
    private final AtomicLongArray counts = new AtomicLongArray(FailureReason.values().length);

    FailureReason count(FailureReason reason) {
        counts.incrementAndGet(reason.ordinal());
        return reason;
    }

    /** The reasons counted at least once. */
    Map<FailureReason, Long> asMap() {
        Map<FailureReason, Long> out = new EnumMap<>(FailureReason.class);
        for (FailureReason r : FailureReason.values()) {
            long n = counts.get(r.ordinal());
            if (n > 0) {
                out.put(r, n);
            }
        }
        return out;
    }
}
