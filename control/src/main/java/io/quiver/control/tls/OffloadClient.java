package io.quiver.control.tls;

import io.quiver.control.config.TlsOffloadOptions.ClientLimits;
import io.quiver.control.guest.RequestRateLimiter;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One client of the offload service: a socket connection or a VNIC. Its sessions and handles are its own in the
 * engine (its {@link #id}), its limits are checked before a request reaches the ring, and its counters are what
 * {@code show-tls-offload} lists. Admission runs on the client's one reading thread; the counters are also updated
 * by the offload worker when replies come back, so they are atomic.
 */
final class OffloadClient {
    enum Kind { SOCKET, VNIC }

    final long id;
    final Kind kind;
    /** How an operator knows it: "uid 1000 pid 4242" or the VNIC's name. */
    final String name;
    final ClientLimits limits;
    final AtomicInteger pending = new AtomicInteger();
    final AtomicInteger sessions = new AtomicInteger();
    final LongAdder requests = new LongAdder();
    final LongAdder handshakes = new LongAdder();
    private final ReasonCounts refusals = new ReasonCounts();
    /** The request rate's token bucket, a second's worth deep; null without a rate limit (admission thread only). */
    private final RequestRateLimiter rate;
    volatile boolean closed;

    OffloadClient(long id, Kind kind, String name, ClientLimits limits) {
        this.id = id;
        this.kind = kind;
        this.name = name;
        this.limits = limits;
        this.rate = limits.requestsPerSecond() == 0 ? null
                : new RequestRateLimiter(1, limits.requestsPerSecond(), limits.requestsPerSecond());
    }

    /** Why this request may not go to the engine now, or null. Reserves a session for a START that may go. */
    FailureReason admit(boolean start) {
        requests.increment();
        if (rate != null && !rate.tryAcquire(0, System.nanoTime())) {
            return refuse(FailureReason.RATE_LIMITED);
        }
        if (limits.maxPending() > 0 && pending.get() >= limits.maxPending()) {
            return refuse(FailureReason.TOO_MANY_PENDING);
        }
        if (start) {
            int open = sessions.incrementAndGet(); // reserved; a START the engine refuses gives it back
            if (limits.maxSessions() > 0 && open > limits.maxSessions()) {
                sessions.decrementAndGet();
                return refuse(FailureReason.CLIENT_SESSION_LIMIT);
            }
        }
        return null;
    }

    /** Counts a refusal (the service's or the engine's) and returns it. */
    FailureReason refuse(FailureReason reason) {
        return refusals.count(reason);
    }

    Map<FailureReason, Long> refusals() {
        return refusals.asMap();
    }
}
