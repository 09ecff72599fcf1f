package io.quiver.dataplane.priority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
    static final long SECOND = 1_000_000_000L;

    /** Offers {@code bytes}-byte packets every {@code gap} ns for {@code seconds}; returns the bytes admitted. */
    static long offered(TokenBucket t, int bytes, long gap, long seconds) {
        return offered(t, bytes, gap, seconds, 0);
    }

    static long offered(TokenBucket t, int bytes, long gap, long seconds, long start) {
        long admitted = 0;
        for (long now = start; now < start + seconds * SECOND; now += gap) {
            if (t.admit(bytes, now)) {
                admitted += bytes;
            }
        }
        return admitted;
    }

    @Test
    void aBitRateHoldsWithinHalfAPercentOverTenSeconds() {
        TokenBucket t = TokenBucket.of(100_000_000L, 0, 1500, 0); // maxbw=100M
        long bytes = offered(t, 1500, 10_000, 10); // offered at 1.2 Gbit/s
        double bps = bytes * 8 / 10.0;
        assertTrue(Math.abs(bps - 100e6) / 100e6 < 0.005, "measured " + bps + " bit/s");
    }

    @Test
    void aPacketRateHolds() {
        TokenBucket t = TokenBucket.of(0, 10_000, 1500, 0);
        long packets = offered(t, 64, 1_000, 5) / 64; // offered at 1 Mpps
        assertTrue(Math.abs(packets - 50_000) <= 150, "admitted " + packets);
    }

    @Test
    void theStricterOfBothLimitsApplies() {
        TokenBucket t = TokenBucket.of(8_000_000L, 100_000, 1500, 0); // 1 MB/s, 100 kpps
        long bytes = offered(t, 1000, 1_000, 2);
        assertTrue(Math.abs(bytes - 2_000_000) < 40_000, "the byte rate binds for 1000-byte packets: " + bytes);
        TokenBucket small = TokenBucket.of(8_000_000_000L, 1_000, 1500, 0);
        assertTrue(Math.abs(offered(small, 64, 1_000, 2) / 64 - 2_000) <= 30, "the packet rate binds for small packets");
    }

    @Test
    void aLimitUnderOnePacketPerSecondIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TokenBucket.of(8_000, 0, 1500, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(-1, 0, 1, 1, 0));
    }

    @Test
    void longIdleNeverOverflowsTheBucket() {
        TokenBucket t = TokenBucket.of(400_000_000_000L, 0, 9000, 0); // 400 Gbit/s: a burst of 10 ms is 500 MB
        long idle = Long.MAX_VALUE / 4; // idle for 73 years: the refill must neither overflow nor exceed the burst
        long admitted = offered(t, 9000, 100, 1, idle); // offered at 720 Gbit/s
        assertTrue(admitted <= 400_000_000_000L / 8 + 500_000_000L + 9000, "a second's worth plus one burst: " + admitted);
        assertTrue(admitted >= 400_000_000_000L / 8, "and no less: " + admitted);
    }
}
