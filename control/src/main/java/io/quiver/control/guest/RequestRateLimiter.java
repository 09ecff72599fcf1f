package io.quiver.control.guest;

import java.util.Arrays;
import java.util.Objects;

/**
 * A token bucket per VNIC for guest request datagrams: each VNIC's bucket holds up to {@code burst} tokens, refills
 * at {@code ratePerSecond}, and each datagram takes one token or is dropped. A guest that floods the service address
 * wastes only its own budget: buckets are independent, so one VNIC's flood never delays another's requests.
 *
 * <p>Call {@link #tryAcquire} before decoding, for every datagram to the service port, well-formed or not: a request
 * costs a decode, a permission check and, for a set, a journal record, so the limiter bounds all three.
 *
 * <p>The bucket is kept in its virtual-scheduling form (the GCRA of ATM traffic shaping, equivalent to a token
 * bucket): one {@code long} per VNIC, the time at which its bucket will be full again. A request is allowed when
 * taking one more token keeps that time no more than {@code burst} token-intervals after now. Integer nanoseconds,
 * no floating point, no division on the hot path, wrap-safe against {@link System#nanoTime()}.
 *
 * <p><b>Thread confinement.</b> An instance is not thread-safe and has no fences or locks: one thread (the guest
 * request service's) owns it and makes every call. Arrays are sized once by the largest VNIC index; {@link
 * #tryAcquire}, {@link #available} and {@link #reset} allocate nothing.
 */
public final class RequestRateLimiter {
    /** A bucket never used, or reset: full. */
    private static final long FULL = Long.MIN_VALUE;

    private final double ratePerSecond;
    private final int burst;
    private final long interval;
    private final long capacity;
    private final long[] fullAt;
    private final long[] dropped;

    /**
     * @param maxVnics      VNIC indexes run from 0 to {@code maxVnics - 1}
     * @param ratePerSecond tokens added per second (fractions allowed: 0.5 is one request per 2 s), 1e-3 to 1e9
     * @param burst         tokens a bucket holds, and holds at first: the requests allowed at once, 1 and up
     */
    public RequestRateLimiter(int maxVnics, double ratePerSecond, int burst) {
        if (maxVnics < 1) {
            throw new IllegalArgumentException("maxVnics must be at least 1, not " + maxVnics);
        }
        if (!(ratePerSecond >= 1e-3 && ratePerSecond <= 1e9)) {
            throw new IllegalArgumentException("ratePerSecond must be 0.001 to 1e9, not " + ratePerSecond);
        }
        this.interval = Math.max(1, Math.round(1e9 / ratePerSecond));
        if (burst < 1 || burst > Long.MAX_VALUE / 4 / interval) {
            throw new IllegalArgumentException("burst must be 1 to " + Long.MAX_VALUE / 4 / interval + ", not " + burst);
        }
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.capacity = burst * interval;
        this.fullAt = new long[maxVnics];
        this.dropped = new long[maxVnics];
        Arrays.fill(fullAt, FULL);
    }

    /** A limiter with {@link GuestProtocol#DEFAULT_RATE_PER_SECOND} and {@link GuestProtocol#DEFAULT_BURST}. */
    public static RequestRateLimiter withDefaults(int maxVnics) {
        return new RequestRateLimiter(maxVnics, GuestProtocol.DEFAULT_RATE_PER_SECOND, GuestProtocol.DEFAULT_BURST);
    }

    /**
     * Takes a token from {@code vnicIndex}'s bucket: true when there was one (handle the datagram), false when the
     * bucket is empty (drop it; {@link #dropped} counts it). {@code nowNanos} is {@link System#nanoTime()}, never
     * decreasing across calls.
     */
    public boolean tryAcquire(int vnicIndex, long nowNanos) {
        long full = fullAt[Objects.checkIndex(vnicIndex, fullAt.length)];
        long from = full == FULL || full - nowNanos < 0 ? nowNanos : full;
        long next = from + interval;
        if (next - nowNanos > capacity) {
            dropped[vnicIndex]++;
            return false;
        }
        fullAt[vnicIndex] = next;
        return true;
    }

    /** The whole tokens in {@code vnicIndex}'s bucket at {@code nowNanos}: how many requests it may send at once. */
    public int available(int vnicIndex, long nowNanos) {
        long full = fullAt[Objects.checkIndex(vnicIndex, fullAt.length)];
        if (full == FULL || full - nowNanos <= 0) {
            return burst;
        }
        return (int) ((capacity - (full - nowNanos)) / interval);
    }

    /** Requests from {@code vnicIndex} dropped since it was created or last reset. */
    public long dropped(int vnicIndex) {
        return dropped[Objects.checkIndex(vnicIndex, dropped.length)];
    }

    /** Forgets {@code vnicIndex}'s history (its VNIC was deleted and the index is reused): a full bucket, 0 dropped. */
    public void reset(int vnicIndex) {
        fullAt[Objects.checkIndex(vnicIndex, fullAt.length)] = FULL;
        dropped[vnicIndex] = 0;
    }

    public int maxVnics() {
        return fullAt.length;
    }

    public double ratePerSecond() {
        return ratePerSecond;
    }

    public int burst() {
        return burst;
    }
}
