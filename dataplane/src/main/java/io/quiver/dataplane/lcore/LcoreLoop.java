package io.quiver.dataplane.lcore;

import io.quiver.dataplane.config.Defaults;
import io.quiver.dpdk.Threads;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A polling loop on its own thread, pinned to one CPU and registered with the EAL (so it gets an lcore id and the
 * per-lcore mempool cache). It runs its tasks round-robin, run to completion, until stopped; after an iteration
 * without work its {@link IdleStrategy} decides what to do with the CPU.
 */
public final class LcoreLoop implements AutoCloseable, BurstBoundaries {
    private static final Logger LOG = LoggerFactory.getLogger(LcoreLoop.class);

    private final String name;
    private final int cpu;
    private final PollTask[] tasks;
    private final IdleStrategy idle;
    private final Thread thread;
    private final CountDownLatch started = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;
    private volatile int lcoreId = -1;
    /** Loop iterations, read from other threads through {@link #iterationsSeen()}. */
    private long iterations;

    /** A loop that busy-spins when idle. */
    public LcoreLoop(String name, int cpu, List<PollTask> tasks) {
        this(name, cpu, tasks, new BusySpinIdleStrategy());
    }

    public LcoreLoop(String name, int cpu, List<PollTask> tasks, IdleStrategy idle) {
        this.name = name;
        this.cpu = cpu;
        this.tasks = tasks.toArray(PollTask[]::new);
        this.idle = idle;
        this.thread = new Thread(this::run, "lcore-" + name);
    }

    /** Starts the thread and waits until it is pinned and registered (or failed to be). */
    public LcoreLoop start() {
        thread.start();
        try {
            if (!started.await(Defaults.LCORE_START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("lcore " + name + " did not start within " + Defaults.LCORE_START_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting lcore " + name, e);
        }
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("lcore " + name + " on CPU " + cpu + " failed to start: " + t.getMessage(), t);
        }
        return this;
    }

    private void run() {
        boolean registered = false;
        try {
            Threads.pinCurrentThread(cpu);
            lcoreId = Threads.register();
            registered = true;
        } catch (RuntimeException e) {
            failure.set(e);
            running = false;
        }
        started.countDown();
        try {
            final PollTask[] tasks = this.tasks;
            final IdleStrategy idle = this.idle;
            while (running) {
                int work = 0;
                for (PollTask task : tasks) {
                    work += task.poll();
                }
                iterations++;
                idle.idle(work);
            }
            for (PollTask task : tasks) {
                task.drain();
            }
        } catch (Throwable t) {
            failure.set(t);
            LOG.error("lcore {} stopped by an error", name, t);
        } finally {
            if (registered) {
                Threads.unregister();
            }
        }
    }

    private static final java.lang.invoke.VarHandle ITERATIONS;

    static {
        try {
            ITERATIONS = java.lang.invoke.MethodHandles.lookup().findVarHandle(LcoreLoop.class, "iterations", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Loop iterations so far, read from another thread so that a waiting loop sees it change (an opaque read: the
     * lcore itself writes the plain field, with no fence on its path).
     */
    @Override
    public long iterationsSeen() {
        return (long) ITERATIONS.getOpaque(this);
    }

    @Override
    public String name() {
        return name;
    }

    public int cpu() {
        return cpu;
    }

    public IdleStrategy idleStrategy() {
        return idle;
    }

    /** The lcore id the EAL gave this thread, -1 before it started. */
    public int lcoreId() {
        return lcoreId;
    }

    /** The Java thread id, for per-thread allocation accounting. */
    public long threadId() {
        return thread.threadId();
    }

    @Override
    public boolean isRunning() {
        return running && thread.isAlive();
    }

    /** The error that stopped the loop, if one did. */
    public Throwable failure() {
        return failure.get();
    }

    /** Stops the loop at its next iteration and waits for the thread to finish its tasks' drain. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(Defaults.LCORE_STOP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("lcore {} did not stop within {} s", name, Defaults.LCORE_STOP_TIMEOUT.toSeconds());
        }
    }
}
