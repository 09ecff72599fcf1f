package io.quiver.dataplane.lcore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IdleStrategyTest {
    @Test
    void strategiesAreChosenByTheirConfigurationNames() {
        assertInstanceOf(BusySpinIdleStrategy.class, IdleStrategy.named("busy-spin"));
        assertInstanceOf(YieldingIdleStrategy.class, IdleStrategy.named("yield"));
        assertInstanceOf(BackoffIdleStrategy.class, IdleStrategy.named("backoff"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdleStrategy.named("sleep"));
        assertTrue(e.getMessage().contains("busy-spin, yield, backoff"), e.getMessage());
    }

    @Test
    void backoffParksLongerWhileIdleAndStartsOverOnWork() {
        BackoffIdleStrategy b = new BackoffIdleStrategy();
        for (int i = 0; i < BackoffIdleStrategy.SPINS + BackoffIdleStrategy.YIELDS; i++) {
            b.idle(0);
        }
        assertEquals(BackoffIdleStrategy.MIN_PARK_NANOS, b.nextParkNanos(), "spinning and yielding do not park");
        b.idle(0);
        b.idle(0);
        assertEquals(4 * BackoffIdleStrategy.MIN_PARK_NANOS, b.nextParkNanos(), "each park doubles the next");
        for (int i = 0; i < 20; i++) {
            b.idle(0);
        }
        assertEquals(BackoffIdleStrategy.MAX_PARK_NANOS, b.nextParkNanos(), "up to the ceiling");
        b.idle(5);
        assertEquals(BackoffIdleStrategy.MIN_PARK_NANOS, b.nextParkNanos(), "work starts the back-off over");
    }
}
