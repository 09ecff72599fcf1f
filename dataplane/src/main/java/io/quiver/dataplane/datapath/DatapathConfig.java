package io.quiver.dataplane.datapath;

import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.Ipv4Prefix;
import io.quiver.configstore.model.VnsConfig;
import io.quiver.configstore.model.VnsRoute;
import io.quiver.dataplane.aggr.AggregationConfig;
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
 * @param aggregations       link aggregations of ports; the uplink may name one instead of a port
 */
public record DatapathConfig(RuntimeConfig runtime, String uplink, List<Ipv4Prefix> uplinkRoutes, String gatewayMac,
                             List<AttachedVnic> vnics, ThreadingMode mode, List<Integer> cpus, int localRingSize,
                             int forwardingRingSize, ClassifierChoice classifier, String idle, List<VnsConfig> vnses,
                             List<VnsRoute> vnsRoutes, PrioritySettings priority, List<AggregationConfig> aggregations) {
    /** A datapath without aggregations. */
    public DatapathConfig(RuntimeConfig runtime, String uplink, List<Ipv4Prefix> uplinkRoutes, String gatewayMac,
                          List<AttachedVnic> vnics, ThreadingMode mode, List<Integer> cpus, int localRingSize,
                          int forwardingRingSize, ClassifierChoice classifier, String idle, List<VnsConfig> vnses,
                          List<VnsRoute> vnsRoutes, PrioritySettings priority) {
        this(runtime, uplink, uplinkRoutes, gatewayMac, vnics, mode, cpus, localRingSize, forwardingRingSize, classifier,
                idle, vnses, vnsRoutes, priority, List.of());
    }

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
        aggregations = List.copyOf(aggregations == null ? List.of() : aggregations);
        List<String> ports = runtime.portNames();
        checkAggregations(runtime, uplink, aggregations, vnics);
        if (!ports.contains(uplink) && aggregations.stream().noneMatch(a -> a.name().equals(uplink))) {
            throw new IllegalArgumentException("the uplink '" + uplink + "' is neither a port (ports: " + ports + ") nor an aggregation");
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

    /**
     * An aggregation is the uplink's: at most one, named by the uplink, its members configured ports of one MTU that
     * no VNIC uses (what it needs of each member is checked again where a member is added live).
     */
    private static void checkAggregations(RuntimeConfig runtime, String uplink, List<AggregationConfig> aggregations,
                                          List<AttachedVnic> vnics) {
        if (aggregations.size() > 1) {
            throw new IllegalArgumentException("one aggregation, the uplink's, not " + aggregations.size());
        }
        for (AggregationConfig a : aggregations) {
            if (!a.name().equals(uplink)) {
                throw new IllegalArgumentException("aggregation " + a.name() + " is not the uplink ('" + uplink + "'):"
                        + " an aggregation is the uplink's");
            }
            if (runtime.portNames().contains(a.name())) {
                throw new IllegalArgumentException("aggregation " + a.name() + ": a port has that name already");
            }
            checkMembers(runtime, a, vnics);
        }
    }

    /** The members' own checks: each a configured port no VNIC uses, all of one MTU. */
    public static void checkMembers(RuntimeConfig runtime, AggregationConfig a, List<AttachedVnic> vnics) {
        Integer mtu = null;
        for (String m : a.members()) {
            PortConfig p = runtime.ports().stream().filter(c -> c.name().equals(m)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("aggregation " + a.name() + ": member '" + m + "' is not a port (ports: "
                            + runtime.portNames() + ")"));
            for (AttachedVnic v : vnics) {
                if (v.port().equals(m)) {
                    throw new IllegalArgumentException("aggregation " + a.name() + ": port " + m + " is in use by VNIC " + v.name());
                }
            }
            if (mtu != null && p.mtu() != mtu) {
                throw new IllegalArgumentException("aggregation " + a.name() + ": members' MTUs differ (" + m + " has " + p.mtu()
                        + ", " + a.members().get(0) + " " + mtu + "): every member must carry the same frames");
            }
            mtu = p.mtu();
        }
    }

    /** The uplink's aggregation, or null when the uplink is a port. */
    public AggregationConfig uplinkAggregation() {
        return aggregations.stream().filter(a -> a.name().equals(uplink)).findFirst().orElse(null);
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
                forwardingRingSize, classifier, idle, vnses, vnsRoutes, priority, aggregations);
    }

    /** The same datapath with other VNSes and routes (as the database holds them at start). */
    public DatapathConfig withVnses(List<VnsConfig> replaced, List<VnsRoute> routes) {
        return new DatapathConfig(runtime, uplink, uplinkRoutes, gatewayMac, vnics, mode, cpus, localRingSize,
                forwardingRingSize, classifier, idle, replaced, routes, priority, aggregations);
    }

    /** The same datapath with other priority settings (the levels as the database holds them at start). */
    public DatapathConfig withPriority(PrioritySettings replaced) {
        return new DatapathConfig(runtime, uplink, uplinkRoutes, gatewayMac, vnics, mode, cpus, localRingSize,
                forwardingRingSize, classifier, idle, vnses, vnsRoutes, replaced, aggregations);
    }

    /** The same datapath with other aggregations. */
    public DatapathConfig withAggregations(List<AggregationConfig> replaced) {
        return new DatapathConfig(runtime, uplink, uplinkRoutes, gatewayMac, vnics, mode, cpus, localRingSize,
                forwardingRingSize, classifier, idle, vnses, vnsRoutes, priority, replaced);
    }

    /** The same datapath with {@code a} as its uplink (its only aggregation). */
    public DatapathConfig withUplinkAggregation(AggregationConfig a) {
        return new DatapathConfig(runtime, a.name(), uplinkRoutes, gatewayMac, vnics, mode, cpus, localRingSize,
                forwardingRingSize, classifier, idle, vnses, vnsRoutes, priority, List.of(a));
    }

    /** The same datapath on another runtime (another EAL file prefix, say). */
    public DatapathConfig withRuntime(RuntimeConfig replaced) {
        return new DatapathConfig(replaced, uplink, uplinkRoutes, gatewayMac, vnics, mode, cpus, localRingSize,
                forwardingRingSize, classifier, idle, vnses, vnsRoutes, priority, aggregations);
    }
}
