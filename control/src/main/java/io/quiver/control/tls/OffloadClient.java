package io.quiver.control.tls;

import io.quiver.control.config.TlsOffloadOptions.ClientLimits;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
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
    private final AtomicLongArray refusals = new AtomicLongArray(FailureReason.values().length);
    /** The token bucket of the request rate (admission thread only). */
    private double tokens;
    private long refilledNanos;
    volatile boolean closed;

    OffloadClient(long id, Kind kind, String name, ClientLimits limits) {
        this.id = id;
        this.kind = kind;
        this.name = name;
        this.limits = limits;
        this.tokens = limits.requestsPerSecond();
        this.refilledNanos = System.nanoTime();
    }

    /** Why this request may not go to the engine now, or null. Reserves a session for a START that may go. */
    FailureReason admit(boolean start) {
        requests.increment();
        if (limits.requestsPerSecond() > 0 && !takeToken()) {
            return refuse(FailureReason.RATE_LIMITED);
        }
        if (limits.maxPending() > 0 && pending.get() >= limits.maxPending()) {
            return refuse(FailureReason.TOO_MANY_PENDING);
        }
        if (start && limits.maxSessions() > 0 && sessions.incrementAndGet() > limits.maxSessions()) {
            sessions.decrementAndGet();
            return refuse(FailureReason.CLIENT_SESSION_LIMIT);
        } else if (start && limits.maxSessions() == 0) {
            sessions.incrementAndGet();
        }
        return null;
    }

    private boolean takeToken() {
        long now = System.nanoTime();
        int rate = limits.requestsPerSecond();
        tokens = Math.min(rate, tokens + (now - refilledNanos) * (double) rate / TimeUnit.SECONDS.toNanos(1));
        refilledNanos = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    /** Counts a refusal (the service's or the engine's) and returns it. */
    FailureReason refuse(FailureReason reason) {
        refusals.incrementAndGet(reason.ordinal());
        return reason;
    }

    long refusals(FailureReason reason) {
        return refusals.get(reason.ordinal());
    }

    Map<FailureReason, Long> refusals() {
        Map<FailureReason, Long> out = new EnumMap<>(FailureReason.class);
        for (FailureReason r : FailureReason.values()) {
            long n = refusals.get(r.ordinal());
            if (n > 0) {
                out.put(r, n);
            }
        }
        return out;
    }
}
