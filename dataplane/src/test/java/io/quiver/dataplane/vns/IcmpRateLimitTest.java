package io.quiver.dataplane.vns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IcmpRateLimitTest {
    static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstThenTheRateAndTheRefusalsAreCounted() {
        IcmpRateLimit limit = new IcmpRateLimit(10, 3, 0);
        assertTrue(limit.tryAcquire(0) && limit.tryAcquire(0) && limit.tryAcquire(0), "the burst");
        assertFalse(limit.tryAcquire(0));
        assertEquals(1, limit.limited);
        assertTrue(limit.tryAcquire(SECOND / 10), "one token a tenth of a second");
        assertFalse(limit.tryAcquire(SECOND / 10));
        int sent = 0;
        for (long t = SECOND; t < 11 * SECOND; t += SECOND / 1000) {
            sent += limit.tryAcquire(t) ? 1 : 0;
        }
        assertTrue(sent >= 100 && sent <= 103, "about 10/s over 10 s, not more: " + sent);
        assertTrue(limit.tryAcquire(100 * SECOND) && limit.tryAcquire(100 * SECOND) && limit.tryAcquire(100 * SECOND));
        assertFalse(limit.tryAcquire(100 * SECOND), "a long quiet earns no more than the burst");
    }

    @Test
    void aLimitOfNothingIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new IcmpRateLimit(0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new IcmpRateLimit(1, 0, 0));
    }
}
