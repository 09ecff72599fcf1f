package io.quiver.dataplane.datapath;

import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.Ipv4Prefix;
import io.quiver.configstore.model.VnsConfig;
import io.quiver.configstore.model.VnsRoute;
import io.quiver.dataplane.classify.ClassifierChoice;
import io.quiver.dataplane.lcore.BusySpinIdleStrategy;
import io.quiver.dataplane.lcore.IdleStrategy;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dataplane.vnic.AttachedVnic;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The VNIC datapath: the uplink, the VNICs and their guest ports, and how it runs.
 *
 * @param runtime            EAL, pool, burst size and the ports (their queue counts are set by the datapath)
 * @param uplink             the port towards the network
 * @param uplinkRoutes       IPv4 prefixes reachable over the uplink, for the forwarding rings
 * @param gatewayMac         the next hop's MAC on the uplink for those routes (null: no uplink routing)
 * @param vnics              the VNICs
 * @param mode               shared (run to completion on one lcore) or dedicated (RX lcore + workers)
 * @param cpus               shared: one CPU; dedicated: the RX CPU, then one CPU per worker
 * @param localRingSize      slots per local ring (power of two)
 * @param forwardingRingSize slots per forwarding ring (power of two)
 * @param classifier         the uplink's classifier
 * @param idle               what an lcore does when idle: an {@link IdleStrategy} name
 * @param vnses              the VNSes besides {@code default} (which always exists; listed, it takes these settings)
 * @param vnsRoutes          their routes
 * @param priority           the connection table, the lowest class's share, the subscription levels at start
 */
public record DatapathConfig(RuntimeConfig runtime, String uplink, List<Ipv4Prefix> uplinkRoutes, String gatewayMac,
                             List<AttachedVnic> vnics, ThreadingMode mode, List<Integer> cpus, int localRingSize,
                             int forwardingRingSize, ClassifierChoice classifier, String idle, List<VnsConfig> vnses,
                             List<VnsRoute> vnsRoutes, PrioritySettings priority) {
    /** A datapath without subscription levels at start. */
    public DatapathConfig(RuntimeConfig runtime, String uplink, List<Ipv4Prefix> uplinkRoutes, String gatewayMac,
                          List<AttachedVnic> vnics, ThreadingMode mode, List<Integer> cpus, int localRingSize,
                          int forwardingRingSize, ClassifierChoice classifier, String idle, List<VnsConfig> vnses,
                          List<VnsRoute> vnsRoutes) {
        this(runtime, uplink, uplinkRoutes, gatewayMac, vnics, mode, cpus, localRingSize, forwardingRingSize, classifier,
                idle, vnses, vnsRoutes, PrioritySettings.DEFAULT);
    }

    /** A datapath whose VNICs are all in VNS {@code default}, which has no routes of its own. */
    public DatapathConfig(RuntimeConfig runtime, String uplink, List<Ipv4Prefix> uplinkRoutes, String gatewayMac,
                          List<AttachedVnic> vnics, ThreadingMode mode, List<Integer> cpus, int localRingSize,
                          int forwardingRingSize, ClassifierChoice classifier, String idle) {
        this(runtime, uplink, uplinkRoutes, gatewayMac, vnics, mode, cpus, localRingSize, forwardingRingSize, classifier,
                idle, List.of(), List.of());
    }

    public DatapathConfig {
        vnses = List.copyOf(vnses == null ? List.of() : vnses);
        vnsRoutes = List.copyOf(vnsRoutes == null ? List.of() : vnsRoutes);
        priority = priority == null ? PrioritySettings.DEFAULT : priority;
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(uplink, "uplink");
        uplinkRoutes = List.copyOf(uplinkRoutes == null ? List.of() : uplinkRoutes);
        vnics = List.copyOf(vnics);
        cpus = List.copyOf(cpus);
        mode = mode == null ? ThreadingMode.SHARED : mode;
        classifier = classifier == null ? ClassifierChoice.AUTO : classifier;
        idle = idle == null ? BusySpinIdleStrategy.NAME : idle;
        IdleStrategy.named(idle);
        List<String> ports = runtime.portNames();
        if (!ports.contains(uplink)) {
            throw new IllegalArgumentException("the uplink '" + uplink + "' is not a port (ports: " + ports + ")");
        }
        Set<String> names = new HashSet<>();
        for (AttachedVnic v : vnics) {
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
            if (c == runtime.eal().mainCpu() && mode == ThreadingMode.SHARED) {
                throw new IllegalArgumentException("the datapath lcore cannot share CPU " + c + " with the main lcore");
            }
        }
        if (Integer.bitCount(localRingSize) != 1 || Integer.bitCount(forwardingRingSize) != 1) {
            throw new IllegalArgumentException("ring sizes must be powers of two");
        }
    }

    /** Parses route texts ({@code 198.51.100.0/24}); an {@link IllegalArgumentException} names the one that is wrong. */
    public static List<Ipv4Prefix> routes(List<String> texts) {
        return (texts == null ? List.<String>of() : texts).stream().map(t -> {
            try {
                return Ipv4Prefix.parse(t);
            } catch (ConfigException e) {
                throw new IllegalArgumentException("uplink route '" + t + "': " + e.getMessage(), e);
            }
        }).toList();
    }

    /** Lcores that transmit: each owns one TX queue on every port. */
    public int lcores() {
        return cpus.size();
    }

    public PortConfig portConfig(String name) {
        return runtime.ports().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no port named '" + name + "'"));
    }

    /** The same datapath with other VNICs (as the database holds them at start). */
    public DatapathConfig withVnics(List<AttachedVnic> replaced) {
        return new DatapathConfig(runtime, uplink, uplinkRoutes, gatewayMac, replaced, mode, cpus, localRingSize,
                forwardingRingSize, classifier, idle, vnses, vnsRoutes, priority);
    }

    /** The same datapath with other VNSes and routes (as the database holds them at start). */
    public DatapathConfig withVnses(List<VnsConfig> replaced, List<VnsRoute> routes) {
        return new DatapathConfig(runtime, uplink, uplinkRoutes, gatewayMac, vnics, mode, cpus, localRingSize,
                forwardingRingSize, classifier, idle, replaced, routes, priority);
    }

    /** The same datapath with other priority settings (the levels as the database holds them at start). */
    public DatapathConfig withPriority(PrioritySettings replaced) {
        return new DatapathConfig(runtime, uplink, uplinkRoutes, gatewayMac, vnics, mode, cpus, localRingSize,
                forwardingRingSize, classifier, idle, vnses, vnsRoutes, replaced);
    }

    /** The same datapath on another runtime (another EAL file prefix, say). */
    public DatapathConfig withRuntime(RuntimeConfig replaced) {
        return new DatapathConfig(replaced, uplink, uplinkRoutes, gatewayMac, vnics, mode, cpus, localRingSize,
                forwardingRingSize, classifier, idle, vnses, vnsRoutes, priority);
    }
}
