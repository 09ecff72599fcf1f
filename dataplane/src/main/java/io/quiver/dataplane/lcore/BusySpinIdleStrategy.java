package io.quiver.dataplane.lcore;

/**
 * Never gives the CPU up: a spin-wait hint and straight on. The lowest latency and the whole CPU, always: for lcores
 * on CPUs of their own (the default, as in every DPDK application).
 */
public final class BusySpinIdleStrategy implements IdleStrategy {
    public static final String NAME = "busy-spin";

    @Override
    public void idle(int work) {
        if (work == 0) {
            Thread.onSpinWait();
        }
    }

    @Override
    public String name() {
        return NAME;
    }
}
