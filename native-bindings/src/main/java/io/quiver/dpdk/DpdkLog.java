package io.quiver.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;

/**
 * DPDK's log, redirected: every message the EAL, a driver or a library logs goes to a {@link Sink} with its level,
 * instead of to stderr and syslog. The shim makes a stream whose writes call back into Java (one upcall per message;
 * DPDK logs at start, on errors and on events, never per packet).
 */
public final class DpdkLog {
    /** DPDK's levels (rte_log.h): RTE_LOG_EMERG 1 ... RTE_LOG_DEBUG 8. */
    public static final int EMERG = 1;
    public static final int ERR = 4;
    public static final int WARNING = 5;
    public static final int NOTICE = 6;
    public static final int INFO = 7;
    public static final int DEBUG = 8;

    /** Where messages go; called on whatever thread logged (an lcore, the EAL's interrupt thread, the caller of init). */
    @FunctionalInterface
    public interface Sink {
        void log(int level, String message);
    }

    private static final MethodHandle LOG_TO = NativeLibrary.downcall("quiver_log_to", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final FunctionDescriptor SINK = FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, JAVA_LONG);
    private static volatile Sink sink;
    private static MemorySegment stub;

    private DpdkLog() {
    }

    /** From now on DPDK's messages go to {@code to} (the last one set, if called again). */
    public static synchronized void redirect(Sink to) {
        sink = to;
        if (stub == null) {
            // a DPDK thread that logs while the JVM exits must not call into it: stderr again, first thing at exit
            Runtime.getRuntime().addShutdownHook(new Thread(DpdkLog::restore, "dpdk-log-restore"));
            try {
                MethodHandle target = MethodHandles.lookup().findStatic(DpdkLog.class, "write",
                        MethodType.methodType(void.class, int.class, MemorySegment.class, long.class));
                stub = Linker.nativeLinker().upcallStub(target, SINK, Arena.global());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        int rc;
        try {
            rc = (int) LOG_TO.invokeExact(stub);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (rc != 0) {
            throw new IllegalStateException("redirecting DPDK's log to Quiver's logger failed (" + rc + ")");
        }
    }

    /** DPDK's messages go to stderr again, as before {@link #redirect}. */
    public static synchronized void restore() {
        sink = null;
        try {
            int rc = (int) LOG_TO.invokeExact(MemorySegment.NULL);
            if (rc != 0) {
                throw new IllegalStateException("restoring DPDK's log to stderr failed (" + rc + ")");
            }
        } catch (Throwable t) {
            if (t instanceof IllegalStateException e) {
                throw e;
            }
            throw new IllegalStateException(t);
        }
    }

    /** The upcall: never throws (an exception escaping an upcall ends the JVM). */
    private static void write(int level, MemorySegment text, long length) {
        try {
            byte[] bytes = text.reinterpret(length).toArray(JAVA_BYTE);
            String message = new String(bytes, StandardCharsets.UTF_8).stripTrailing();
            Sink to = sink;
            if (to != null && !message.isEmpty()) {
                to.log(level, message);
            }
        } catch (Throwable t) {
            // a message lost is better than a process lost
        }
    }
}
