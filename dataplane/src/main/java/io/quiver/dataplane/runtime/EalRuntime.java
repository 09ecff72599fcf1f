package io.quiver.dataplane.runtime;

import io.quiver.dpdk.DpdkLog;
import io.quiver.dpdk.Eal;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EAL's life in this process: initialised once (the EAL allows no second start), cleaned up once, and its runtime
 * folder ({@code /var/run/dpdk/<file-prefix>}) removed, so a process leaves nothing behind.
 */
public final class EalRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EalRuntime.class);

    private final String runtimeDir;
    private boolean closed;

    private EalRuntime(String runtimeDir) {
        this.runtimeDir = runtimeDir;
    }

    /** The DPDK this process runs on, e.g. "DPDK 22.11.11"; loading its libraries fails when DPDK is not installed. */
    public static String dpdkVersion() {
        return Eal.version();
    }

    public static EalRuntime start(EalOptions options) {
        DpdkLog.redirect(EalRuntime::log); // before the EAL starts: its own messages go to the logger too
        Eal.init(options.arguments());
        return new EalRuntime(Eal.runtimeDir());
    }

    /** DPDK's messages, logged as "dpdk" with DPDK's level mapped to the logger's (EMERG..ERR are errors). */
    private static final Logger DPDK = LoggerFactory.getLogger("dpdk");

    private static void log(int level, String message) {
        if (level <= DpdkLog.ERR) {
            DPDK.error(message);
        } else if (level == DpdkLog.WARNING) {
            DPDK.warn(message);
        } else if (level <= DpdkLog.INFO) {
            DPDK.info(message);
        } else {
            DPDK.debug(message);
        }
    }

    /** The EAL runtime folder of this process (removed by {@link #close()}). */
    public String runtimeDir() {
        return runtimeDir;
    }

    /** Cleans up the EAL and removes its runtime folder; once every port and pool is gone. Safe to call twice. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Eal.isRunning()) {
            try {
                Eal.cleanup();
            } catch (RuntimeException e) {
                LOG.warn("EAL cleanup: {}", e.getMessage());
            }
        }
        try {
            FileTrees.delete(Path.of(runtimeDir));
        } catch (java.io.UncheckedIOException e) {
            LOG.warn("EAL runtime folder: {}", e.getMessage());
        }
    }
}
