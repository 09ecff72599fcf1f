package io.quiver.dataplane.datapath;

import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.runtime.DataplaneConfig;
import io.quiver.dataplane.vnic.Ipv4Cidr;
import io.quiver.dataplane.vnic.VnicSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The VNIC datapath: the uplink, the VNICs and their guest ports, and how it runs.
 *
 * @param base               EAL, pool, burst size and the ports (their queue counts are set by the datapath)
 * @param uplink             the port towards the network
 * @param uplinkRoutes       IPv4 prefixes reachable over the uplink, for the forwarding rings
 * @param gatewayMac         the next hop's MAC on the uplink for those routes (null: no uplink routing)
 * @param vnics              the VNICs
 * @param mode               shared (run to completion on one lcore) or dedicated (RX lcore + workers)
 * @param cpus               shared: one CPU; dedicated: the RX CPU, then one CPU per worker
 * @param localRingSize      slots per local ring (power of two)
 * @param forwardingRingSize slots per forwarding ring (power of two)
 * @param classifier         the uplink's classifier
 */
public record DatapathConfig(DataplaneConfig base, String uplink, List<String> uplinkRoutes, String gatewayMac,
                             List<VnicSpec> vnics, ThreadingMode mode, List<Integer> cpus, int localRingSize,
                             int forwardingRingSize, ClassifierChoice classifier) {
    public static final int DEFAULT_LOCAL_RING = 256;
    public static final int DEFAULT_FORWARDING_RING = 128;

    public DatapathConfig {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(uplink, "uplink");
        uplinkRoutes = List.copyOf(uplinkRoutes == null ? List.of() : uplinkRoutes);
        vnics = List.copyOf(vnics);
        cpus = List.copyOf(cpus);
        mode = mode == null ? ThreadingMode.SHARED : mode;
        classifier = classifier == null ? ClassifierChoice.AUTO : classifier;
        Set<String> ports = new HashSet<>();
        base.ports().forEach(p -> ports.add(p.name()));
        if (!ports.contains(uplink)) {
            throw new IllegalArgumentException("the uplink '" + uplink + "' is not a port (ports: " + ports + ")");
        }
        Set<String> names = new HashSet<>();
        for (VnicSpec v : vnics) {
            if (!names.add(v.name())) {
                throw new IllegalArgumentException("two VNICs are named '" + v.name() + "'");
            }
            if (!ports.contains(v.port())) {
                throw new IllegalArgumentException("VNIC " + v.name() + ": port '" + v.port() + "' is not a port (ports: " + ports + ")");
            }
            if (v.port().equals(uplink)) {
                throw new IllegalArgumentException("VNIC " + v.name() + " cannot be attached to the uplink '" + uplink + "'");
            }
        }
        uplinkRoutes.forEach(Ipv4Cidr::parse);
        if (gatewayMac != null) {
            Ethernet.parseMac(gatewayMac);
        } else if (!uplinkRoutes.isEmpty()) {
            throw new IllegalArgumentException("uplink routes need the gateway's MAC (gatewayMac)");
        }
        int needed = mode == ThreadingMode.SHARED ? 1 : 2;
        if (cpus.size() < needed) {
            throw new IllegalArgumentException(mode + " mode needs at least " + needed + " CPU(s), got " + cpus);
        }
        if (mode == ThreadingMode.SHARED && cpus.size() != 1) {
            throw new IllegalArgumentException("shared mode runs on exactly one CPU, got " + cpus);
        }
        for (int c : cpus) {
            if (c == base.eal().mainCpu() && mode == ThreadingMode.SHARED) {
                throw new IllegalArgumentException("the datapath lcore cannot share CPU " + c + " with the main lcore");
            }
        }
        if (Integer.bitCount(localRingSize) != 1 || Integer.bitCount(forwardingRingSize) != 1) {
            throw new IllegalArgumentException("ring sizes must be powers of two");
        }
    }

    /** Lcores that transmit: each owns one TX queue on every port. */
    public int lcores() {
        return cpus.size();
    }

    public PortConfig portConfig(String name) {
        return base.ports().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no port named '" + name + "'"));
    }
}
