package io.quiver.dataplane.lcore;

import io.quiver.dpdk.Threads;

/**
 * Where and how a thread that is not an lcore runs (the guest request service, a benchmark's probe): the dataplane's
 * word for CPU pinning and real-time scheduling, so the layers above never reach into the bindings.
 */
public final class ThreadPlacement {
    private ThreadPlacement() {
    }

    /** Pins the calling thread to {@code cpu}; an {@link IllegalArgumentException} or a runtime error says why not. */
    public static void pinCurrentThread(int cpu) {
        Threads.pinCurrentThread(cpu);
    }

    /**
     * Moves the calling thread to SCHED_FIFO at {@code priority} (1..99): it runs the moment it is woken. Returns why
     * the kernel refused (no root or CAP_SYS_NICE), or null when it took effect.
     */
    public static String raiseToRealtime(int priority) {
        return Threads.raiseToRealtime(priority);
    }
}
