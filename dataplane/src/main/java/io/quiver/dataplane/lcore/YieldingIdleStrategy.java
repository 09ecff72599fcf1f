package io.quiver.dataplane.lcore;

/**
 * Offers the CPU to the scheduler when idle: other runnable threads on the same CPU get it, and with none the lcore
 * comes straight back. For lcores that share a CPU with guests or control threads.
 */
public final class YieldingIdleStrategy implements IdleStrategy {
    public static final String NAME = "yield";

    @Override
    public void idle(int work) {
        if (work == 0) {
            Thread.yield();
        }
    }

    @Override
    public String name() {
        return NAME;
    }
}
