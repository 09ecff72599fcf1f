package io.quiver.dataplane.port;

import io.quiver.dataplane.config.Defaults;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * How a guest is attached to its VNIC when Quiver makes the port itself: a VM's vhost-user socket or a container's
 * TAP interface. Each is one DPDK device, named by the caller so every device of the process has its own name.
 */
public sealed interface GuestInterface {
    /** Linux interface names: at most 15 bytes, no '/', blanks or ','. */
    Pattern INTERFACE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    Pattern NAMESPACE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** The devargs of the device numbered {@code index} among the devices of its kind, for the VNIC of MAC {@code mac}. */
    String devargs(int index, String mac);

    /** The port's RX and TX queues. */
    default int queues() {
        return 1;
    }

    /**
     * A VM's virtio-net device over vhost-user. QEMU owns the socket as its server and Quiver connects as client
     * ({@code client=1}, OVS's dpdkvhostuserclient): either side can restart and the connection is made again.
     *
     * @param socket the socket QEMU listens on
     * @param queues queue pairs the VM's device has (its {@code mq=on,queues=N}); Quiver polls the first
     */
    record VhostUser(Path socket, int queues) implements GuestInterface {
        public VhostUser {
            if (socket == null || socket.toString().isBlank()) {
                throw new IllegalArgumentException("a vhost-user interface needs a socket path");
            }
            if (socket.toString().contains(",")) {
                throw new IllegalArgumentException("vhost-user socket '" + socket + "': DPDK device arguments cannot hold a ','");
            }
            if (!socket.isAbsolute()) {
                throw new IllegalArgumentException("vhost-user socket '" + socket + "' must be an absolute path");
            }
            if (queues < 1 || queues > Defaults.MAX_VHOST_QUEUES) {
                throw new IllegalArgumentException("vhost-user queues must be 1.." + Defaults.MAX_VHOST_QUEUES + ", not " + queues);
            }
        }

        public static final String DRIVER = "net_vhost";

        @Override
        public String devargs(int index, String mac) {
            return DRIVER + index + ",iface=" + socket + ",client=1,queues=" + queues;
        }
    }

    /**
     * A container's interface: a TAP device Quiver creates and moves into the container's network namespace, where
     * it gets the VNIC's MAC, addresses and MTU.
     *
     * @param name      the interface's name (in the namespace too)
     * @param namespace the named network namespace ({@code ip netns}) it goes to; null leaves it in Quiver's
     */
    record Tap(String name, String namespace) implements GuestInterface {
        public static final String DRIVER = "net_tap";

        public Tap {
            if (name == null || !INTERFACE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("TAP name '" + name + "': 1-15 letters, digits, '.', '_' or '-'");
            }
            if (namespace != null && !NAMESPACE_NAME.matcher(namespace).matches()) {
                throw new IllegalArgumentException("namespace '" + namespace + "': 1-64 letters, digits, '.', '_' or '-'");
            }
        }

        /** The interface has the VNIC's MAC from its creation: what it sends before it is placed is the VNIC's own. */
        @Override
        public String devargs(int index, String mac) {
            return DRIVER + index + ",iface=" + name + ",mac=" + mac;
        }
    }
}
