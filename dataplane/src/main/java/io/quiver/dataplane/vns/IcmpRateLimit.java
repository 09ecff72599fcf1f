package io.quiver.dataplane.vns;

/**
 * How many ICMP errors a VNS may send: a token bucket (RFC 1812 4.3.2.8 asks routers to limit them), refilled at
 * {@code perSecond} up to {@code burst}. Owned by one lcore and read by none: plain fields, no allocation.
 */
public final class IcmpRateLimit {
    private long nanosPerToken;
    private long burst;
    private long tokens;
    private long refilledAt;
    /** Errors not sent because the bucket was empty (the VNS's rate-limited counter). */
    public long limited;

    public IcmpRateLimit(int perSecond, int burst, long nowNanos) {
        if (perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("an ICMP rate limit needs at least 1/s and a burst of 1, not " + perSecond + "/s, " + burst);
        }
        this.nanosPerToken = 1_000_000_000L / perSecond;
        this.burst = burst;
        this.tokens = burst;
        this.refilledAt = nowNanos;
    }

    /** A new rate and burst (the VNS's icmp-rate and icmp-burst changed): by the owning lcore, allocation-free. */
    public void reconfigure(int perSecond, int burst) {
        if (perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("an ICMP rate limit needs at least 1/s and a burst of 1");
        }
        this.nanosPerToken = 1_000_000_000L / perSecond;
        this.burst = burst;
        this.tokens = Math.min(tokens, burst);
    }

    /** Whether one more error may go now; counts it as limited when not. */
    public boolean tryAcquire(long nowNanos) {
        long earned = (nowNanos - refilledAt) / nanosPerToken;
        if (earned > 0) {
            tokens = Math.min(burst, tokens + earned);
            refilledAt += earned * nanosPerToken;
        }
        if (tokens > 0) {
            tokens--;
            return true;
        }
        limited++;
        return false;
    }
}
