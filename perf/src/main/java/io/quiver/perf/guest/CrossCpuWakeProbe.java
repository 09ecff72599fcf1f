package io.quiver.perf.guest;

import io.quiver.dataplane.lcore.ThreadPlacement;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The platform's floor under a guest request's hand-off, measured in the benchmark's own run: a thread spinning on
 * the lcore's CPU (as the lcore does) stamps the time and unparks a thread parked on the main CPU (as the service
 * thread waits, SCHED_FIFO like it); the latency is stamp to the woken thread running. No Quiver code in between.
 */
final class CrossCpuWakeProbe {
    private static volatile long stamp;
    private static volatile int posted;
    private static volatile int acknowledged;

    private CrossCpuWakeProbe() {
    }

    /** Nanosecond latencies of {@code count} wake-ups, sorted; one every {@code gapMicros}. */
    static long[] measure(int wakerCpu, int sleeperCpu, int realtimePriority, int count, int gapMicros) throws InterruptedException {
        long[] latency = new long[count];
        posted = 0;
        acknowledged = 0;
        Thread sleeper = new Thread(() -> {
            ThreadPlacement.pinCurrentThread(sleeperCpu);
            if (realtimePriority > 0) {
                ThreadPlacement.raiseToRealtime(realtimePriority);
            }
            int seen = 0;
            while (seen < count) {
                int p = posted;
                if (p != seen) {
                    latency[seen] = System.nanoTime() - stamp;
                    seen = p;
                    acknowledged = seen;
                    continue;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }, "quiver-wake-probe-sleeper");
        Thread waker = new Thread(() -> {
            ThreadPlacement.pinCurrentThread(wakerCpu);
            for (int i = 0; i < count; i++) {
                long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(gapMicros);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                stamp = System.nanoTime();
                posted = i + 1;
                LockSupport.unpark(sleeper);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
                while (acknowledged <= i && sleeper.isAlive() && System.nanoTime() < deadline) {
                    Thread.onSpinWait(); // one wake-up in flight at a time, as one guest request at a time
                }
            }
        }, "quiver-wake-probe-waker");
        sleeper.start();
        Thread.sleep(100);
        waker.start();
        waker.join();
        sleeper.join(TimeUnit.SECONDS.toMillis(5));
        if (sleeper.isAlive()) {
            sleeper.interrupt();
            throw new IllegalStateException("the wake-up probe's sleeper did not see every wake-up");
        }
        long[] sorted = latency.clone();
        Arrays.sort(sorted);
        return sorted;
    }
}
