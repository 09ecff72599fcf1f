package io.quiver.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/** rte_flow: validate, create, destroy and flush hardware classification rules, with DPDK's error message. */
public final class Flows {
    private static final MethodHandle ATTR_INIT = NativeLibrary.downcall("quiver_flow_attr_init",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle VALIDATE = NativeLibrary.downcall("rte_flow_validate",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle CREATE = NativeLibrary.downcall("rte_flow_create",
            FunctionDescriptor.of(ADDRESS, JAVA_SHORT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle DESTROY = NativeLibrary.downcall("rte_flow_destroy",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS, ADDRESS));
    private static final MethodHandle FLUSH = NativeLibrary.downcall("rte_flow_flush",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));

    private Flows() {
    }

    static void initAttr(MemorySegment attr, int group, int priority) {
        try {
            ATTR_INIT.invokeExact(attr, group, priority, 1, 0);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Empty when the device accepts the rule; otherwise DPDK's reason. */
    public static Optional<String> validate(int port, FlowRule rule) {
        try {
            MemorySegment error = rule.allocateError();
            int rc = (int) VALIDATE.invokeExact((short) port, rule.attr(), rule.pattern(), rule.actions(), error);
            return rc == 0 ? Optional.empty() : Optional.of(describe(rc, error));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Creates the rule on the device and returns its handle. */
    public static long create(int port, FlowRule rule) {
        try {
            MemorySegment error = rule.allocateError();
            MemorySegment flow = (MemorySegment) CREATE.invokeExact((short) port, rule.attr(), rule.pattern(), rule.actions(), error);
            if (flow.address() == 0) {
                int errno = Eal.errno();
                throw new DpdkException("rte_flow_create", "port " + port + ": " + rule, errno, describe(-errno, error));
            }
            return flow.address();
        } catch (DpdkException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static void destroy(int port, long flow) {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment error = arena.allocate(Layout.of("sizeof.rte_flow_error"), 8);
            int rc = (int) DESTROY.invokeExact((short) port, MemorySegment.ofAddress(flow), error);
            if (rc != 0) {
                throw new DpdkException("rte_flow_destroy", "port " + port, -rc, describe(rc, error));
            }
        } catch (DpdkException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Removes every rule on the device. */
    public static void flush(int port) {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment error = arena.allocate(Layout.of("sizeof.rte_flow_error"), 8);
            int rc = (int) FLUSH.invokeExact((short) port, error);
            if (rc != 0) {
                throw new DpdkException("rte_flow_flush", "port " + port, -rc, describe(rc, error));
            }
        } catch (DpdkException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static String describe(int rc, MemorySegment error) {
        MemorySegment message = error.get(ADDRESS, Layout.of("rte_flow_error.message"));
        String text = message.address() == 0 ? "" : message.reinterpret(1024).getString(0);
        int errno = Math.abs(rc);
        return "error " + errno + " (" + Eal.strerror(errno) + ")" + (text.isEmpty() ? "" : ": " + text);
    }
}
