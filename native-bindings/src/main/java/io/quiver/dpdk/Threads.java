package io.quiver.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

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
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.captureCallState("errno"));
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle CAPTURED_ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SCHED_SETSCHEDULER = NativeLibrary.downcall("sched_setscheduler",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), Linker.Option.captureCallState("errno"));
    private static final int CPU_SET_BYTES = Layout.intOf("sizeof.cpu_set_t");

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
            MemorySegment state = arena.allocate(CALL_STATE);
            var mask = arena.allocate(CPU_SET_BYTES, 8);
            mask.set(java.lang.foreign.ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            int rc = (int) SCHED_SETAFFINITY.invokeExact(state, 0, (long) CPU_SET_BYTES, mask);
            if (rc != 0) {
                int errno = (int) CAPTURED_ERRNO.get(state, 0L);
                throw new DpdkException("sched_setaffinity", "cpu " + cpu, errno, Eal.strerror(errno)
                        + " (is the CPU available to this process? see nproc / taskset)");
            }
        } catch (DpdkException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * Moves the calling thread to the SCHED_FIFO real-time class at {@code priority} (1..99), so that it runs the
     * moment it is woken instead of waiting for the normal threads sharing its CPU. Returns why the kernel refused
     * (without root or CAP_SYS_NICE, say), or null when it took effect.
     */
    public static String raiseToRealtime(int priority) {
        if (priority < 1 || priority > 99) {
            throw new IllegalArgumentException("real-time priority must be 1..99, not " + priority);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment param = arena.allocate(Layout.of("sizeof.sched_param"), 8);
            param.set(JAVA_INT, Layout.of("sched_param.sched_priority"), priority);
            // pid 0: the calling thread
            int rc = (int) SCHED_SETSCHEDULER.invokeExact(state, 0, Layout.intOf("SCHED_FIFO"), param);
            if (rc == 0) {
                return null;
            }
            int errno = (int) CAPTURED_ERRNO.get(state, 0L);
            return "sched_setscheduler(SCHED_FIFO, " + priority + ") refused: " + Eal.strerror(errno)
                    + (errno == Layout.intOf("EPERM") ? " (needs root or CAP_SYS_NICE)" : "");
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
