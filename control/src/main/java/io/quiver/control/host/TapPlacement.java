package io.quiver.control.host;

import io.quiver.configstore.model.VnicConfig;
import io.quiver.dataplane.guest.GuestServiceAddress;
import io.quiver.dataplane.port.GuestInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a container's TAP where its container is: Quiver's TAP port creates the interface in Quiver's namespace; this
 * moves it into the container's named namespace ({@code ip netns}) and gives it the VNIC's MAC, MTU and addresses, and
 * a route to the configuration service, so the container sends from exactly what its VNIC allows and can ask for more. A container runtime or CNI plugin that wants to configure
 * addresses itself finds the interface up and named as it asked.
 *
 * <p>The move happens after the port has started: the TAP driver reopens its interface by name while it starts, and
 * one already moved would be silently created anew in Quiver's namespace (../shared/docs/FFM-DPDK-NOTES.md).
 */
public final class TapPlacement {
    private static final Path NAMESPACES = Path.of("/run/netns");
    private static final Path INTERFACES = Path.of("/sys/class/net");

    private TapPlacement() {
    }

    /**
     * Checks, before any port opens, that the TAP can be made and placed: its name is free here and in its namespace,
     * and the namespace exists.
     *
     * @throws IllegalArgumentException saying what is wrong and what to do
     */
    public static void check(String vnic, GuestInterface.Tap tap) {
        if (Files.exists(INTERFACES.resolve(tap.name()))) {
            throw new IllegalArgumentException("VNIC " + vnic + ": an interface named '" + tap.name() + "' already exists;"
                    + " name the TAP otherwise or remove it (ip link del " + tap.name() + ")");
        }
        if (tap.namespace() == null) {
            return;
        }
        if (!Files.exists(NAMESPACES.resolve(tap.namespace()))) {
            throw new IllegalArgumentException("VNIC " + vnic + ": network namespace '" + tap.namespace() + "' does not exist;"
                    + " create it first (ip netns add " + tap.namespace() + ") or start its container");
        }
        if (Shell.run(List.of("ip", "-n", tap.namespace(), "link", "show", tap.name()), 10).exitCode() == 0) {
            throw new IllegalArgumentException("VNIC " + vnic + ": namespace '" + tap.namespace() + "' already has an interface named '"
                    + tap.name() + "'");
        }
    }

    /** Moves the started TAP into its namespace and configures it as the VNIC: MAC, MTU, addresses, up. */
    public static void place(GuestInterface.Tap tap, VnicConfig vnic) {
        List<String> in = new ArrayList<>(List.of("ip"));
        if (tap.namespace() != null) {
            Shell.check("ip", "link", "set", tap.name(), "netns", tap.namespace());
            in.addAll(List.of("-n", tap.namespace()));
        }
        run(in, "link", "set", tap.name(), "address", vnic.mac().toString(), "mtu", Integer.toString(vnic.mtu()));
        for (var a : vnic.ipv4Addresses()) {
            run(in, "address", "add", a.toString(), "dev", tap.name());
        }
        for (var a : vnic.ipv6Addresses()) {
            run(in, "-6", "address", "add", a.toString(), "dev", tap.name());
        }
        run(in, "link", "set", tap.name(), "up");
        if (!vnic.ipv4Addresses().isEmpty()) { // the configuration service answers on the link (docs/guest-protocol.md)
            run(in, "route", "replace", GuestServiceAddress.ADDRESS + "/32", "dev", tap.name());
        }
    }

    private static void run(List<String> prefix, String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(args));
        Shell.check(command, 30);
    }
}
