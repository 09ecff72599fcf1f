package io.quiver.control.config;

import io.quiver.dataplane.offload.tls.ring.OffloadConfiguration;
import java.nio.file.Path;
import java.util.Map;

/**
 * The TLS handshake offload service of the running appliance (the configuration file's {@code tls-offload:},
 * docs/tls-offload.md): the engine, the Unix socket host processes use, whether guests may use it through their
 * VNICs, the limits of each client, and the offload policy.
 *
 * @param socket      the Unix domain socket's path
 * @param socketMode  its permissions, octal (who may connect: the owner is the daemon's user)
 * @param socketGroup its group, or null for the daemon's
 * @param guests      whether guests reach the service through their VNICs (169.254.169.254, UDP 6862)
 * @param engine      the engine's settings (backend, ring, table sizes)
 * @param hostLimits  each socket client's limits
 * @param guestLimits each VNIC's limits
 * @param policy      which VNICs may offload
 */
public record TlsOffloadOptions(Path socket, int socketMode, String socketGroup, boolean guests,
                                OffloadConfiguration engine, ClientLimits hostLimits, ClientLimits guestLimits,
                                Policy policy) {
    public static final Path DEFAULT_SOCKET = Path.of("/run/quiver/tls-offload.sock");
    public static final int DEFAULT_SOCKET_MODE = 0660;
    /** A ring for many clients: each one's window of pending requests fits several times. */
    public static final int DEFAULT_RING_SIZE = 1024;

    /**
     * What one client may use at once; 0 means no limit.
     *
     * @param maxSessions       sessions (connections being offloaded) open at once
     * @param maxPending        requests sent and not answered yet
     * @param requestsPerSecond requests per second, with a burst of one second's worth
     */
    public record ClientLimits(int maxSessions, int maxPending, int requestsPerSecond) {
        /**
         * A host process is trusted by the socket's mode; it is still kept from taking the whole ring or the whole
         * session table (the engine's holds 4096).
         */
        public static final ClientLimits HOST_DEFAULTS = new ClientLimits(1024, 256, 0);
        /** A guest is not trusted: a handful of handshakes at a time, a bounded rate. */
        public static final ClientLimits GUEST_DEFAULTS = new ClientLimits(256, 32, 20_000);

        public ClientLimits {
            if (maxSessions < 0 || maxPending < 0 || requestsPerSecond < 0) {
                throw new IllegalArgumentException("tls-offload limits cannot be negative");
            }
            if (requestsPerSecond > 1_000_000_000) {
                throw new IllegalArgumentException("tls-offload requestsPerSecond must be at most 1000000000 (0: no limit), not "
                        + requestsPerSecond);
            }
        }
    }

    /**
     * Which guests may offload: a VNIC's switch wins over its port's, which wins over the default.
     *
     * @param enabledByDefault whether a VNIC with no switch of its own (or of its port) may offload
     * @param vnics            switches by VNIC name
     * @param ports            switches by port name
     */
    public record Policy(boolean enabledByDefault, Map<String, Boolean> vnics, Map<String, Boolean> ports) {
        public Policy {
            vnics = Map.copyOf(vnics == null ? Map.of() : vnics);
            ports = Map.copyOf(ports == null ? Map.of() : ports);
        }
    }

    public TlsOffloadOptions {
        if (socket == null) {
            throw new IllegalArgumentException("tls-offload needs a socket path");
        }
        if (socketMode < 0 || socketMode > 0777) {
            throw new IllegalArgumentException("tls-offload.socketMode must be octal permissions such as 0660, not " + Integer.toOctalString(socketMode));
        }
    }

    /** The service with every default: the socket for the daemon's user and group, guests off by policy. */
    public static TlsOffloadOptions defaults(Path socket) {
        return new TlsOffloadOptions(socket, DEFAULT_SOCKET_MODE, null, true,
                OffloadConfiguration.defaults().withRingSize(DEFAULT_RING_SIZE), ClientLimits.HOST_DEFAULTS,
                ClientLimits.GUEST_DEFAULTS, new Policy(false, Map.of(), Map.of()));
    }

    public TlsOffloadOptions withLimits(ClientLimits host, ClientLimits guest) {
        return new TlsOffloadOptions(socket, socketMode, socketGroup, guests, engine, host, guest, policy);
    }

    public TlsOffloadOptions withPolicy(Policy next) {
        return new TlsOffloadOptions(socket, socketMode, socketGroup, guests, engine, hostLimits, guestLimits, next);
    }
}
