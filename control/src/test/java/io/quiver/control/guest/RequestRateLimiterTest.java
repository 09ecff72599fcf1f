package io.quiver.control.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The per-VNIC token bucket: burst, refill, the cap on refill, isolation between VNICs, and no allocation. */
class RequestRateLimiterTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 123_456_789_000L;

    @Test
    void aFreshBucketAllowsTheBurstAtOnceThenDrops() {
        RequestRateLimiter limiter = new RequestRateLimiter(4, 1.0, 10);
        for (int i = 0; i < 10; i++) {
            assertTrue(limiter.tryAcquire(0, T0), "request " + i + " of the burst");
        }
        assertFalse(limiter.tryAcquire(0, T0));
        assertFalse(limiter.tryAcquire(0, T0 + SECOND - 1), "the next token is one second away");
        assertEquals(2, limiter.dropped(0));
    }

    @Test
    void tokensComeBackAtTheRate() {
        RequestRateLimiter limiter = new RequestRateLimiter(4, 2.0, 3);
        drain(limiter, 1, T0);
        assertEquals(0, limiter.available(1, T0));
        assertFalse(limiter.tryAcquire(1, T0 + SECOND / 2 - 1));
        assertTrue(limiter.tryAcquire(1, T0 + SECOND / 2), "one token per 1/rate seconds");
        assertFalse(limiter.tryAcquire(1, T0 + SECOND / 2));
        assertEquals(2, limiter.available(1, T0 + SECOND + SECOND / 2), "two more after another second");
        assertTrue(limiter.tryAcquire(1, T0 + SECOND + SECOND / 2));
        assertTrue(limiter.tryAcquire(1, T0 + SECOND + SECOND / 2));
        assertFalse(limiter.tryAcquire(1, T0 + SECOND + SECOND / 2));
    }

    @Test
    void aQuietSpellRefillsNoMoreThanTheBurst() {
        RequestRateLimiter limiter = new RequestRateLimiter(4, 1.0, 5);
        drain(limiter, 2, T0);
        long later = T0 + 3600 * SECOND;
        assertEquals(5, limiter.available(2, later));
        assertEquals(5, drain(limiter, 2, later));
    }

    @Test
    void aSustainedFloodGetsTheRatePlusTheBurst() {
        RequestRateLimiter limiter = new RequestRateLimiter(4, 5.0, 10);
        int allowed = 0;
        for (long t = 0; t < 10 * SECOND; t += SECOND / 1000) {
            allowed += limiter.tryAcquire(3, T0 + t) ? 1 : 0;
        }
        assertEquals(10 + 5 * 10, allowed, 1);
        assertEquals(10_000 - allowed, limiter.dropped(3));
    }

    @Test
    void fractionalRates() {
        RequestRateLimiter limiter = new RequestRateLimiter(1, 0.5, 1);
        assertTrue(limiter.tryAcquire(0, T0));
        assertFalse(limiter.tryAcquire(0, T0 + SECOND));
        assertTrue(limiter.tryAcquire(0, T0 + 2 * SECOND), "one request per two seconds");
    }

    @Test
    void oneVnicsFloodLeavesTheOthersAlone() {
        RequestRateLimiter limiter = new RequestRateLimiter(3, 1.0, 4);
        for (long t = 0; t < 5 * SECOND; t += SECOND / 100) {
            limiter.tryAcquire(0, T0 + t);
        }
        assertTrue(limiter.dropped(0) > 400);
        assertEquals(4, limiter.available(1, T0 + 5 * SECOND));
        assertEquals(4, drain(limiter, 1, T0 + 5 * SECOND), "VNIC 1 still has its whole burst");
        assertEquals(0, limiter.dropped(2));
        assertEquals(4, limiter.available(2, T0 + 5 * SECOND));
    }

    @Test
    void resetGivesAReusedIndexAFullBucket() {
        RequestRateLimiter limiter = new RequestRateLimiter(2, 1.0, 3);
        drain(limiter, 0, T0);
        limiter.tryAcquire(0, T0);
        limiter.reset(0);
        assertEquals(0, limiter.dropped(0));
        assertEquals(3, drain(limiter, 0, T0));
    }

    @Test
    void survivesTheNanoTimeClockWrappingAround() {
        RequestRateLimiter limiter = new RequestRateLimiter(1, 1.0, 2);
        long t = Long.MAX_VALUE - SECOND / 2;
        assertEquals(2, drain(limiter, 0, t));
        assertFalse(limiter.tryAcquire(0, t + SECOND / 4));
        assertTrue(limiter.tryAcquire(0, t + SECOND), "refilled across the wrap to negative times");
        assertFalse(limiter.tryAcquire(0, t + SECOND));
        assertEquals(2, limiter.available(0, t + 10 * SECOND));
    }

    @Test
    void negativeClockReadingsAreOrdinaryTimes() {
        RequestRateLimiter limiter = new RequestRateLimiter(1, 1.0, 1);
        assertTrue(limiter.tryAcquire(0, -5 * SECOND));
        assertFalse(limiter.tryAcquire(0, -5 * SECOND + 1));
        assertTrue(limiter.tryAcquire(0, -4 * SECOND));
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RequestRateLimiter(0, 1.0, 1));
        assertThrows(IllegalArgumentException.class, () -> new RequestRateLimiter(1, 0.0, 1));
        assertThrows(IllegalArgumentException.class, () -> new RequestRateLimiter(1, Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> new RequestRateLimiter(1, 1.0, 0));
        RequestRateLimiter limiter = RequestRateLimiter.withDefaults(2);
        assertThrows(IndexOutOfBoundsException.class, () -> limiter.tryAcquire(2, T0));
        assertThrows(IndexOutOfBoundsException.class, () -> limiter.tryAcquire(-1, T0));
        assertEquals(GuestProtocol.DEFAULT_BURST, limiter.burst());
        assertEquals(GuestProtocol.DEFAULT_RATE_PER_SECOND, limiter.ratePerSecond());
        assertEquals(2, limiter.maxVnics());
    }

    @Test
    void tryAcquireAllocatesNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        RequestRateLimiter limiter = new RequestRateLimiter(4096, 10.0, 20);
        long now = T0;
        int allowed = 0;
        for (int i = 0; i < 200_000; i++) {
            allowed += limiter.tryAcquire(i & 4095, now += 1000) ? 1 : 0;
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000_000; i++) {
            allowed += limiter.tryAcquire(i & 4095, now += 1000) ? 1 : 0;
            allowed += limiter.available(i & 4095, now) > 100 ? 1 : 0;
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allowed > 0);
        assertTrue(allocated < 4096, "1000000 calls allocated " + allocated + " bytes");
    }

    private static int drain(RequestRateLimiter limiter, int vnic, long now) {
        int n = 0;
        while (limiter.tryAcquire(vnic, now)) {
            n++;
        }
        return n;
    }
}
