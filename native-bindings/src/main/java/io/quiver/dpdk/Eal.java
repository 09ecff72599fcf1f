package io.quiver.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The Environment Abstraction Layer: initialised at most once per process (DPDK cannot re-initialise it, not even
 * after {@link #cleanup()}), by the thread that becomes the main lcore.
 */
public final class Eal {
    private static final MethodHandle INIT = NativeLibrary.downcall("rte_eal_init", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle CLEANUP = NativeLibrary.downcall("rte_eal_cleanup", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle VERSION = NativeLibrary.downcall("rte_version", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle RUNTIME_DIR = NativeLibrary.downcall("rte_eal_get_runtime_dir", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle STRERROR = NativeLibrary.downcall("rte_strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle ERRNO = NativeLibrary.downcall("quiver_errno", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle LCORE_ID = NativeLibrary.downcall("quiver_lcore_id", FunctionDescriptor.of(JAVA_INT));

    private enum State { NEW, RUNNING, CLEANED_UP }

    private static State state = State.NEW;
    private static String runtimeDir;

    private Eal() {
    }

    /**
     * Initialises the EAL with {@code args} (without a program name). The argument strings live for the rest of the
     * process: EAL keeps pointers into them.
     */
    /** DPDK's version string, e.g. "DPDK 22.11.11" (callable before the EAL starts). */
    public static String version() {
        try {
            return ((MemorySegment) VERSION.invokeExact()).reinterpret(64).getString(0);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static synchronized void init(List<String> args) {
        if (state != State.NEW) {
            throw new IllegalStateException("the EAL initialises once per process and was already " +
                    (state == State.RUNNING ? "initialised" : "cleaned up"));
        }
        List<String> argv = new ArrayList<>(args.size() + 1);
        argv.add("quiver");
        argv.addAll(args);
        Arena forever = Arena.global();
        MemorySegment array = forever.allocate(ADDRESS, argv.size() + 1);
        for (int i = 0; i < argv.size(); i++) {
            array.setAtIndex(ADDRESS, i, forever.allocateFrom(argv.get(i)));
        }
        array.setAtIndex(ADDRESS, argv.size(), MemorySegment.NULL);
        int rc;
        try {
            rc = (int) INIT.invokeExact(argv.size(), array);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (rc < 0) {
            throw DpdkException.fromErrno("rte_eal_init", String.join(" ", args));
        }
        try {
            runtimeDir = ((MemorySegment) RUNTIME_DIR.invokeExact()).reinterpret(4096).getString(0);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        state = State.RUNNING;
    }

    public static synchronized boolean isRunning() {
        return state == State.RUNNING;
    }

    /** The folder EAL keeps its runtime files in (under /var/run/dpdk/ for root); DPDK leaves it behind. */
    public static synchronized String runtimeDir() {
        if (runtimeDir == null) {
            throw new IllegalStateException("the EAL is not initialised");
        }
        return runtimeDir;
    }

    /** Releases EAL resources; the EAL cannot be used, nor initialised again, in this process afterwards. */
    public static synchronized void cleanup() {
        if (state != State.RUNNING) {
            return;
        }
        state = State.CLEANED_UP;
        int rc;
        try {
            rc = (int) CLEANUP.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        DpdkException.check(rc, "rte_eal_cleanup", "");
    }

    /** The calling thread's lcore id, or -1 (LCORE_ID_ANY) for a thread EAL does not know. */
    public static int lcoreId() {
        try {
            return (int) LCORE_ID.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The calling thread's rte_errno: read it right after the failed call, on the same thread. */
    static int errno() {
        try {
            return (int) ERRNO.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** DPDK's text for an error number (DPDK's own numbers and the system's). */
    public static String strerror(int errno) {
        try {
            return ((MemorySegment) STRERROR.invokeExact(errno)).reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
