package io.quiver.dataplane.port;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The link of a kernel interface that a DPDK port sits on ({@code net_af_packet}'s {@code iface=}): DPDK 22.11's
 * af_packet driver reports its link up from start to stop whatever the interface does, so a cable pulled on a veth
 * or TAP peer would never show. The kernel's carrier is the truth: {@code /sys/class/net/IFACE/carrier} reads 1 with
 * carrier, 0 without, and fails while the interface is administratively down. Read on the control side only.
 */
final class KernelLink {
    private static final String AF_PACKET = "net_af_packet";

    private KernelLink() {
    }

    /** The kernel interface under {@code config}'s device, or null when the driver reports its own link. */
    static String interfaceOf(PortConfig config) {
        if (!config.deviceName().startsWith(AF_PACKET)) {
            return null;
        }
        for (String arg : config.devargs().split(",")) {
            if (arg.startsWith("iface=")) {
                return arg.substring("iface=".length());
            }
        }
        return null;
    }

    /** Whether {@code iface} has carrier (and is up). */
    static boolean up(String iface) {
        try {
            return Files.readString(Path.of("/sys/class/net", iface, "carrier")).strip().equals("1");
        } catch (IOException e) { // administratively down (EINVAL), or gone
            return false;
        }
    }
}
