package io.quiver.dataplane.lcore;

/**
 * What an lcore does after a loop iteration that found no work (after Agrona's {@code IdleStrategy}). An lcore that
 * owns its CPU spins; one that shares its CPU with other work yields or backs off, trading wake-up latency for CPU.
 * One instance per loop: a strategy may keep state between calls.
 */
public interface IdleStrategy {
    /** Called after every loop iteration with the packets it handled; idles only when {@code work} is 0. */
    void idle(int work);

    /** The name configuration files and {@code show} use. */
    String name();

    /** A new strategy by its configuration name: {@code busy-spin}, {@code yield} or {@code backoff}. */
    static IdleStrategy named(String name) {
        return switch (name) {
            case BusySpinIdleStrategy.NAME -> new BusySpinIdleStrategy();
            case YieldingIdleStrategy.NAME -> new YieldingIdleStrategy();
            case BackoffIdleStrategy.NAME -> new BackoffIdleStrategy();
            default -> throw new IllegalArgumentException("idle strategy '" + name + "' is not one of "
                    + BusySpinIdleStrategy.NAME + ", " + YieldingIdleStrategy.NAME + ", " + BackoffIdleStrategy.NAME);
        };
    }
}
