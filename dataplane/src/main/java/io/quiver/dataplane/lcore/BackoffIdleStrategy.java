package io.quiver.dataplane.lcore;

import java.util.concurrent.locks.LockSupport;

/**
 * Spins, then yields, then parks for doubling times up to a ceiling while the lcore stays idle; any work resets it.
 * For mostly idle appliances where CPU matters more than the first packet's latency after a quiet spell (it waits at
 * most {@link #MAX_PARK_NANOS} to notice traffic; the port's descriptors hold what arrives meanwhile).
 */
public final class BackoffIdleStrategy implements IdleStrategy {
    public static final String NAME = "backoff";
    static final int SPINS = 1000;
    static final int YIELDS = 100;
    static final long MIN_PARK_NANOS = 1_000;
    static final long MAX_PARK_NANOS = 100_000;

    private int idleIterations;
    private long parkNanos = MIN_PARK_NANOS;

    @Override
    public void idle(int work) {
        if (work > 0) {
            idleIterations = 0;
            parkNanos = MIN_PARK_NANOS;
            return;
        }
        int n = idleIterations++;
        if (n < SPINS) {
            Thread.onSpinWait();
        } else if (n < SPINS + YIELDS) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(parkNanos);
            parkNanos = Math.min(parkNanos * 2, MAX_PARK_NANOS);
        }
    }

    /** How long the next idle iteration parks, once spinning and yielding are spent (tests). */
    long nextParkNanos() {
        return parkNanos;
    }

    @Override
    public String name() {
        return NAME;
    }
}
