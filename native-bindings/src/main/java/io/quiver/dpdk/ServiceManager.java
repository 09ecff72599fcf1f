package io.quiver.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

/**
 * Tells the service manager (systemd, {@code Type=notify}) how the process stands: the shim's peer,
 * {@code service_manager.c}, speaks sd_notify's datagram protocol. Not DPDK's, but native, so it lives with the
 * bindings.
 */
public final class ServiceManager {
    private static final MethodHandle NOTIFY = NativeLibrary.downcall("quiver_service_notify", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private ServiceManager() {
    }

    /**
     * Sends {@code state} ("READY=1", "STOPPING=1", "STATUS=...", one per line): true when sent, false when no
     * service manager asked for it (no NOTIFY_SOCKET).
     *
     * @throws IllegalStateException when the socket refused it, naming the error
     */
    public static boolean notify(String state) {
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            rc = (int) NOTIFY.invokeExact(arena.allocateFrom(state));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (rc < 0) {
            throw new IllegalStateException("sd_notify(" + state.replace('\n', ' ') + ") to $NOTIFY_SOCKET failed: error " + -rc);
        }
        return rc == 0;
    }
}
