package io.quiver.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

/**
 * Threads that touch mbufs: pinning to a CPU and registering with the EAL.
 *
 * <p>Threads started after {@code rte_eal_init} inherit the main lcore's affinity, so a polling thread re-pins
 * itself; and a thread unknown to the EAL skips the per-lcore mempool cache, so it registers before touching a pool.
 */
public final class Threads {
    private static final MethodHandle REGISTER = NativeLibrary.downcall("rte_thread_register", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle UNREGISTER = NativeLibrary.downcall("rte_thread_unregister", FunctionDescriptor.ofVoid());
    private static final MethodHandle SCHED_SETAFFINITY = NativeLibrary.downcall("sched_setaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final int CPU_SET_BYTES = 128;

    private Threads() {
    }

    /** Registers the calling thread with the EAL and returns the lcore id it was given. */
    public static int register() {
        int rc;
        try {
            rc = (int) REGISTER.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (rc != 0) {
            throw DpdkException.fromErrno("rte_thread_register", Thread.currentThread().getName());
        }
        return Eal.lcoreId();
    }

    public static void unregister() {
        try {
            UNREGISTER.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Pins the calling thread to one CPU. */
    public static void pinCurrentThread(int cpu) {
        if (cpu < 0 || cpu >= CPU_SET_BYTES * 8) {
            throw new IllegalArgumentException("CPU " + cpu + " is outside 0.." + (CPU_SET_BYTES * 8 - 1));
        }
        try (Arena arena = Arena.ofConfined()) {
            var mask = arena.allocate(CPU_SET_BYTES, 8);
            mask.set(java.lang.foreign.ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            int rc = (int) SCHED_SETAFFINITY.invokeExact(0, (long) CPU_SET_BYTES, mask);
            if (rc != 0) {
                throw new DpdkException("sched_setaffinity", "cpu " + cpu, 0,
                        "the CPU is not available to this process (see nproc / taskset)");
            }
        } catch (DpdkException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
