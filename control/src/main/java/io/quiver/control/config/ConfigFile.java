package io.quiver.control.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quiver.dataplane.aggr.AggregationConfig;
import io.quiver.dataplane.aggr.HashPolicy;
import io.quiver.dataplane.classify.ClassifierChoice;
import io.quiver.dataplane.config.Defaults;
import io.quiver.dataplane.datapath.DatapathConfig;
import io.quiver.dataplane.datapath.ThreadingMode;
import io.quiver.dataplane.port.GuestInterface;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.model.VnicParameter;
import io.quiver.configstore.policy.GuestPolicy;
import io.quiver.dataplane.vnic.AttachedVnic;
import io.quiver.configstore.model.IdentificationRule;
import io.quiver.configstore.model.PriorityClass;
import io.quiver.configstore.model.Subscription;
import io.quiver.configstore.model.VnsConfig;
import io.quiver.dataplane.datapath.PrioritySettings;
import io.quiver.configstore.model.VnsRoute;
import io.quiver.dataplane.xconnect.CrossConnectConfig;
import io.quiver.dataplane.xconnect.ForwardPath;
import io.quiver.dataplane.fabric.FabricPeer;
import io.quiver.dataplane.offload.tls.CryptoBackends;
import io.quiver.dataplane.offload.tls.ring.OffloadConfiguration;
import io.quiver.dataplane.fabric.FabricSettings;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Quiver's YAML configuration file: what the user writes, with defaults for everything left out, turned into the
 * dataplane's {@link RuntimeConfig}. See docs/configuration.md for the format.
 */
public final class ConfigFile {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            // an empty list entry ("- " alone, "~") is refused where it is, not met later as a null
            .setDefaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));

    /** The file's shape; every field optional except what a port and a path cannot do without. */
    public record Document(Eal eal, Pool pool, Integer burstSize, List<Port> ports, List<Forward> forwarding,
                           Uplink uplink, List<Vnic> vnics, List<Vns> vns, Datapath datapath,
                           List<SubscriptionLevel> subscriptions, List<Flow> flows, List<Aggregation> aggregations,
                           Fabric fabric, @JsonProperty("tls-offload") TlsOffload tlsOffload) {
    }

    /**
     * The TLS handshake offload service (docs/tls-offload.md): its socket for host processes, the engine, each kind of
     * client's limits, and whether and which guests may use it through their VNICs.
     */
    public record TlsOffload(String socket, String socketMode, String socketGroup, String backend, Integer ringSize,
                             Integer maxConnections, String waitStrategy, Limits hosts, Guests guests) {
    }

    /** One client's limits; 0 is none. */
    public record Limits(Integer maxSessions, Integer maxPending, Integer requestsPerSecond) {
    }

    /** Guests' use of the offload service: on or off, their limits, and the policy (default, by VNIC, by port). */
    public record Guests(Boolean enabled, Integer maxSessions, Integer maxPending, Integer requestsPerSecond,
                         Boolean offloadByDefault, Map<String, Boolean> vnics, Map<String, Boolean> ports) {
    }

    /**
     * This appliance in a fabric of appliances (docs/fabric.md): its name, its VXLAN tunnel endpoint on the uplink
     * ({@code vtep}), the VXLAN UDP port and segment plan ({@code vniBase}: VLAN v travels as VNI vniBase + v), the
     * etcd directory, and peers described here (a VTEP that is no Quiver, such as a Linux vxlan device).
     */
    public record Fabric(String appliance, String vtep, Integer vxlanPort, Integer vniBase, Etcd etcd, List<Peer> peers, Boolean memif) {
    }

    /** The etcd cluster of the directory: client URLs, key prefix, lease TTL in seconds, TLS files (PEM). */
    public record Etcd(List<String> endpoints, String prefix, Integer leaseTtl, String ca, String cert, String key) {
    }

    /** A peer the file describes: its name, its VTEP and that VTEP's MAC on the uplink, and the VNICs behind it. */
    public record Peer(String name, String vtep, String mac, List<PeerVnic> vnics) {
    }

    /** A VNIC behind a peer: what its host runs it with, for the same checks here (a VNIC's keys, less the attachment). */
    public record PeerVnic(String name, String mac, List<String> secondaryMacs, List<String> ipv4, List<String> ipv6, Integer vlan,
                           Integer mtu, List<String> protection, Map<String, String> properties) {
        Vnic asVnic() {
            return new Vnic(name, mac, secondaryMacs, ipv4, ipv6, vlan, mtu, protection, null, properties, null, null, null, null);
        }
    }

    /**
     * A link aggregation of ports, which the uplink names like a port ({@code create-aggr}'s options; docs/aggregation.md):
     * {@code policy} L2|L3|L4|L3,L4, {@code lacp} off|active|passive, {@code lacpTimer} short|long, {@code mode}
     * balance|active-backup, {@code primary} a member, {@code lacpFallback} active-backup|none, {@code mac}.
     */
    public record Aggregation(String name, List<String> ports, String policy, String lacp, String lacpTimer, String mac,
                              String mode, String primary, String lacpFallback) {
    }

    /**
     * A subscription level: its class ({@code low|medium|high|critical}), optional {@code maxbw} (bit/s, e.g. 50M) and
     * {@code maxpps}, its rank (lower first), and its identification rules ({@code prefix=10.8.0.0/16},
     * {@code sni=*.example.com}, {@code token=X-Tier: gold}, ...).
     */
    public record SubscriptionLevel(String name, String priority, String maxbw, String maxpps, Integer rank, List<String> rules) {
    }

    /** A flow, Crossbow's add-flow: a VNIC and a match ({@code transport=tcp,local-port=443}). */
    public record Flow(String name, String vnic, String match, String priority, String maxbw, String maxpps, Integer rank) {
    }

    /**
     * A virtual network stack: its properties by set-vnsprop's names ({@code addresses}, {@code uplink-address}, ...)
     * and its routes in add-route's words ({@code 0.0.0.0/0 via 192.0.2.1}).
     */
    public record Vns(String name, Map<String, String> properties, List<String> routes) {
    }

    public record Uplink(String port, List<String> routes, String gatewayMac, String classifier) {
    }

    /**
     * A VNIC: its addresses and the parameters the file gives, the port its guest is attached by, and what its guest
     * may change itself ({@code guestPolicy}, set-policy's syntax). {@code properties} takes any other VNIC
     * parameter by its wire name (docs/configuration.md lists them).
     */
    public record Vnic(String name, String mac, List<String> secondaryMacs, List<String> ipv4, List<String> ipv6, Integer vlan,
                       Integer mtu, List<String> protection, Boolean router, Map<String, String> properties, String guestPolicy,
                       String port, VhostUser vhostUser, Tap tap) {
    }

    /** A VM attached by vhost-user: QEMU listens on {@code socket}, Quiver connects (and reconnects). */
    public record VhostUser(String socket, Integer queues) {
    }

    /** A container attached by a TAP interface that Quiver creates and moves into the named network namespace. */
    public record Tap(String name, String namespace) {
    }

    /**
     * How the datapath runs; {@code connections} sizes the connection table of subscription levels, {@code lowestShare}
     * is the percent of deliveries the lowest class keeps while higher classes have traffic.
     */
    public record Datapath(String mode, List<Integer> cpus, Integer localRing, Integer forwardingRing, String idle,
                           Integer connections, Integer lowestShare) {
    }

    /** What a file describes: the VNIC datapath (when it has an uplink), or port-to-port cross-connects. */
    public record Loaded(DatapathConfig datapath, CrossConnectConfig crossConnect, Map<String, String> guestPolicies,
                         Map<String, GuestInterface> interfaces, FabricOptions fabric, TlsOffloadOptions tlsOffload) {
        public Loaded {
            guestPolicies = Map.copyOf(guestPolicies == null ? Map.of() : guestPolicies);
            interfaces = Map.copyOf(interfaces == null ? Map.of() : interfaces);
        }

        public Loaded(DatapathConfig datapath, CrossConnectConfig crossConnect) {
            this(datapath, crossConnect, Map.of(), Map.of(), null, null);
        }

        public boolean isDatapath() {
            return datapath != null;
        }

        public RuntimeConfig runtime() {
            return isDatapath() ? datapath.runtime() : crossConnect.runtime();
        }

        /** The same with another EAL file prefix. */
        public Loaded withFilePrefix(String prefix) {
            RuntimeConfig r = runtime().withEal(runtime().eal().withFilePrefix(prefix));
            return isDatapath() ? new Loaded(datapath.withRuntime(r), null, guestPolicies, interfaces, fabric, tlsOffload)
                    : new Loaded(null, new CrossConnectConfig(r, crossConnect.paths()), guestPolicies, interfaces, fabric,
                            tlsOffload);
        }
    }

    public record Eal(Integer mainCpu, Integer memoryMb, Boolean hugePages, Boolean pci, String filePrefix, List<String> extra) {
    }

    public record Pool(Integer mbufs, Integer cache, Integer dataRoom) {
    }

    public record Port(String name, String devargs, Integer rxQueues, Integer txQueues, Integer rxDescriptors,
                       Integer txDescriptors, Boolean promiscuous, Integer mtu) {
    }

    public record Forward(String from, String to, Boolean macSwap, List<String> allowedSourceMacs,
                          Boolean dropForeignSource, Integer cpu) {
    }

    private ConfigFile() {
    }


    /** Reads and checks a configuration file; every problem is an {@link InvalidConfigException} naming the file. */
    public static Loaded loadAny(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InvalidConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new InvalidConfigException(file + ": " + e.getMessage());
        }
        return load(text, file.toString());
    }

    /** Checks the text of a configuration file; {@code origin} names it in every error. */
    static Loaded load(String text, String origin) {
        try {
            Document d = YAML.readValue(text, Document.class);
            RuntimeConfig runtime = toRuntime(d);
            return d.uplink() == null ? new Loaded(null, new CrossConnectConfig(runtime, toPaths(d, runtime)))
                    : new Loaded(toDatapath(d, runtime), null, guestPolicies(d), interfaces(d), fabric(d), tlsOffload(d));
        } catch (JacksonException e) {
            throw new InvalidConfigException(origin + ": " + YamlProblems.describe(e));
        } catch (IllegalArgumentException | NullPointerException | ClassCastException e) {
            throw new InvalidConfigException(origin + ": " + e.getMessage());
        }
    }

    static RuntimeConfig toRuntime(Document d) {
        if (d == null) {
            throw new IllegalArgumentException("the file is empty");
        }
        EalOptions defaults = EalOptions.virtualDefaults();
        Eal e = d.eal() == null ? new Eal(null, null, null, null, null, null) : d.eal();
        EalOptions eal = new EalOptions(or(e.mainCpu(), defaults.mainCpu()), or(e.memoryMb(), defaults.memoryMb()),
                or(e.hugePages(), defaults.hugePages()), or(e.pci(), defaults.pci()), or(e.filePrefix(), defaults.filePrefix()),
                or(e.extra(), List.of()));
        Pool pool = d.pool() == null ? new Pool(null, null, null) : d.pool();
        if (d.ports() == null || d.ports().isEmpty()) {
            throw new IllegalArgumentException("no ports: the file needs a 'ports:' list");
        }
        List<PortConfig> ports = d.ports().stream().map(p -> {
            if (p.name() == null || p.devargs() == null) {
                throw new IllegalArgumentException("every port needs 'name' and 'devargs'");
            }
            return new PortConfig(p.name(), p.devargs(), or(p.rxQueues(), 1), or(p.txQueues(), 1),
                    or(p.rxDescriptors(), Defaults.DESCRIPTORS), or(p.txDescriptors(), Defaults.DESCRIPTORS),
                    or(p.promiscuous(), true), or(p.mtu(), Defaults.MTU));
        }).collect(java.util.stream.Collectors.toCollection(java.util.ArrayList::new));
        ports.addAll(interfacePorts(d, ports));
        return new RuntimeConfig(eal, or(pool.mbufs(), Defaults.POOL_MBUFS),
                or(pool.cache(), Defaults.POOL_CACHE),
                or(d.burstSize(), d.uplink() != null ? Defaults.DATAPATH_BURST : Defaults.BURST), ports, or(pool.dataRoom(), 0));
    }

    static List<ForwardPath> toPaths(Document d, RuntimeConfig runtime) {
        return or(d.forwarding(), List.<Forward>of()).stream().map(f -> {
            if (f.from() == null || f.to() == null) {
                throw new IllegalArgumentException("every forwarding path needs 'from' and 'to'");
            }
            return new ForwardPath(f.from(), f.to(), or(f.macSwap(), false), or(f.allowedSourceMacs(), List.of()),
                    or(f.dropForeignSource(), false), or(f.cpu(), runtime.eal().mainCpu() + 1));
        }).toList();
    }

    static DatapathConfig toDatapath(Document d, RuntimeConfig base) {
        Uplink u = d.uplink();
        if (u.port() == null) {
            throw new IllegalArgumentException("the uplink needs a 'port'");
        }
        if (d.forwarding() != null && !d.forwarding().isEmpty()) {
            throw new IllegalArgumentException("a file with an uplink runs the VNIC datapath: remove the 'forwarding:' paths");
        }
        List<AttachedVnic> vnics = or(d.vnics(), List.<Vnic>of()).stream()
                .map(v -> new AttachedVnic(vnicConfig(v), v.port() != null ? v.port() : v.name())).toList();
        Datapath dp = d.datapath() == null ? new Datapath(null, null, null, null, null, null, null) : d.datapath();
        ThreadingMode mode = dp.mode() == null ? ThreadingMode.SHARED : enumOf(ThreadingMode.class, dp.mode(), "datapath.mode");
        List<Integer> cpus = or(dp.cpus(), mode == ThreadingMode.SHARED ? List.of(base.eal().mainCpu() + 1)
                : List.of(base.eal().mainCpu() + 1, base.eal().mainCpu()));
        ClassifierChoice classifier = u.classifier() == null ? ClassifierChoice.AUTO
                : enumOf(ClassifierChoice.class, u.classifier().replace("rte_flow", "RTE_FLOW"), "uplink.classifier");
        List<VnsConfig> vnses = new ArrayList<>();
        List<VnsRoute> routes = new ArrayList<>();
        for (Vns v : or(d.vns(), List.<Vns>of())) {
            if (v.name() == null) {
                throw new IllegalArgumentException("every VNS needs a 'name'");
            }
            try {
                VnsConfig c = VnsConfig.create(v.name());
                for (Map.Entry<String, String> e : or(v.properties(), Map.<String, String>of()).entrySet()) {
                    c = c.with(e.getKey(), e.getValue());
                }
                vnses.add(c);
                for (String r : or(v.routes(), List.<String>of())) {
                    routes.add(VnsRoute.parse(v.name(), r));
                }
            } catch (ConfigException e) {
                throw new IllegalArgumentException("VNS " + v.name() + ": " + e.getMessage(), e);
            }
        }
        return new DatapathConfig(base, u.port(), DatapathConfig.routes(u.routes()), u.gatewayMac(), vnics, mode, cpus,
                or(dp.localRing(), mode == ThreadingMode.DEDICATED ? Defaults.dedicatedLocalRing(base.burstSize(), cpus.size())
                        : Defaults.LOCAL_RING), or(dp.forwardingRing(), Defaults.FORWARDING_RING),
                classifier, dp.idle(), vnses, routes, new PrioritySettings(
                        or(dp.connections(), PrioritySettings.DEFAULT.connections()),
                        or(dp.lowestShare(), PrioritySettings.DEFAULT.lowestShare()), levels(d)), aggregations(d));
    }

    /** The file's tls-offload section, or null when there is none (the daemon serves no offload). */
    static TlsOffloadOptions tlsOffload(Document d) {
        TlsOffload t = d.tlsOffload();
        if (t == null) {
            return null;
        }
        TlsOffloadOptions defaults = TlsOffloadOptions.defaults(t.socket() == null ? TlsOffloadOptions.DEFAULT_SOCKET
                : Path.of(t.socket()));
        OffloadConfiguration engine = defaults.engine();
        if (t.backend() != null) {
            engine = engine.withBackend(choice(CryptoBackends.Choice.class, t.backend(), "tls-offload.backend"));
        }
        if (t.waitStrategy() != null) {
            engine = engine.withWaitStrategy(choice(OffloadConfiguration.WaitStrategyChoice.class, t.waitStrategy(),
                    "tls-offload.waitStrategy"));
        }
        if (t.ringSize() != null) {
            engine = engine.withRingSize(t.ringSize());
        }
        if (t.maxConnections() != null) {
            engine = engine.withMaxConnections(t.maxConnections());
        }
        int mode = defaults.socketMode();
        if (t.socketMode() != null) {
            try {
                mode = Integer.parseInt(t.socketMode(), 8);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("tls-offload.socketMode must be octal, such as \"0660\", not '" + t.socketMode() + "'");
            }
        }
        TlsOffloadOptions.ClientLimits hosts = limits(t.hosts() == null ? null
                : new Limits(t.hosts().maxSessions(), t.hosts().maxPending(), t.hosts().requestsPerSecond()),
                TlsOffloadOptions.ClientLimits.HOST_DEFAULTS);
        Guests g = t.guests();
        TlsOffloadOptions.ClientLimits guests = limits(g == null ? null
                : new Limits(g.maxSessions(), g.maxPending(), g.requestsPerSecond()), TlsOffloadOptions.ClientLimits.GUEST_DEFAULTS);
        TlsOffloadOptions.Policy policy = g == null ? defaults.policy()
                : new TlsOffloadOptions.Policy(or(g.offloadByDefault(), false), g.vnics(), g.ports());
        return new TlsOffloadOptions(defaults.socket(), mode, t.socketGroup(), g == null || or(g.enabled(), true), engine,
                hosts, guests, policy);
    }

    private static TlsOffloadOptions.ClientLimits limits(Limits l, TlsOffloadOptions.ClientLimits defaults) {
        return l == null ? defaults : new TlsOffloadOptions.ClientLimits(or(l.maxSessions(), defaults.maxSessions()),
                or(l.maxPending(), defaults.maxPending()), or(l.requestsPerSecond(), defaults.requestsPerSecond()));
    }

    private static <E extends Enum<E>> E choice(Class<E> type, String text, String key) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(text.replace('-', '_'))) {
                return e;
            }
        }
        throw new IllegalArgumentException(key + " must be one of " + java.util.Arrays.toString(type.getEnumConstants())
                .toLowerCase() + ", not '" + text + "'");
    }

    /** The file's fabric section, or null when there is none (the appliance runs alone). */
    static FabricOptions fabric(Document d) {
        Fabric f = d.fabric();
        if (f == null) {
            return null;
        }
        String appliance = f.appliance() != null ? f.appliance() : hostName();
        int vtep = f.vtep() == null ? 0 : UdpFrameBuilder.parseIpv4(f.vtep());
        FabricSettings settings = new FabricSettings(appliance, vtep, or(f.vxlanPort(), FabricSettings.VXLAN_PORT),
                or(f.vniBase(), FabricSettings.DEFAULT_VNI_BASE));
        FabricOptions.EtcdOptions etcd = null;
        if (f.etcd() != null) {
            Etcd e = f.etcd();
            etcd = new FabricOptions.EtcdOptions(e.endpoints(), e.prefix(), or(e.leaseTtl(), FabricOptions.EtcdOptions.DEFAULT_LEASE_TTL),
                    e.ca(), e.cert(), e.key());
        }
        List<FabricOptions.StaticPeer> peers = new ArrayList<>();
        for (Peer p : or(f.peers(), List.<Peer>of())) {
            if (p.name() == null || p.vtep() == null || p.mac() == null) {
                throw new IllegalArgumentException("every fabric peer needs 'name', 'vtep' and 'mac' (its VTEP's MAC on the uplink)");
            }
            if (p.name().equals(appliance)) {
                throw new IllegalArgumentException("fabric peer " + p.name() + " has this appliance's own name");
            }
            List<VnicConfig> vnics = new ArrayList<>();
            for (PeerVnic v : or(p.vnics(), List.<PeerVnic>of())) {
                vnics.add(vnicConfig(v.asVnic()));
            }
            peers.add(new FabricOptions.StaticPeer(new FabricPeer(p.name(), UdpFrameBuilder.parseIpv4(p.vtep()),
                    Ethernet.macToLong(Ethernet.parseMac(p.mac())), -1), vnics));
        }
        return new FabricOptions(settings, etcd, peers, or(f.memif(), false));
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9_.-]", "-");
        } catch (java.net.UnknownHostException e) {
            return "quiver";
        }
    }

    /** The file's aggregations, each field checked by {@link AggregationConfig}'s parsers. */
    static List<AggregationConfig> aggregations(Document d) {
        List<AggregationConfig> out = new ArrayList<>();
        for (Aggregation a : or(d.aggregations(), List.<Aggregation>of())) {
            if (a.name() == null || a.ports() == null) {
                throw new IllegalArgumentException("every aggregation needs a 'name' and 'ports'");
            }
            try {
                out.add(aggregation(a.name(), a.ports(), a.policy(), a.lacp(), a.lacpTimer(), a.mac(), a.mode(), a.primary(),
                        a.lacpFallback()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("aggregation " + a.name() + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** An aggregation from {@code create-aggr}'s texts; null texts take the defaults ({@link AggregationConfig#of}). */
    public static AggregationConfig aggregation(String name, List<String> ports, String policy, String lacp, String timer, String mac,
                                                String mode, String primary, String fallback) {
        AggregationConfig base = AggregationConfig.of(name, ports);
        return new AggregationConfig(name, ports, policy == null ? base.policy() : HashPolicy.parse(policy),
                lacp == null ? base.lacp() : AggregationConfig.Lacp.parse(lacp),
                timer == null ? base.timer() : AggregationConfig.Timer.parse(timer),
                mac == null ? 0 : AggregationConfig.parseMac(mac), mode == null ? base.mode() : AggregationConfig.Mode.parse(mode),
                primary, fallback == null ? base.fallback() : AggregationConfig.parseFallback(fallback));
    }

    /** The file's subscription levels and flows, in rank order (as the datapath tries them). */
    static List<Subscription> levels(Document d) {
        List<Subscription> out = new ArrayList<>();
        for (SubscriptionLevel s : or(d.subscriptions(), List.<SubscriptionLevel>of())) {
            try {
                if (s.name() == null || s.rules() == null || s.rules().isEmpty()) {
                    throw new ConfigException("every subscription level needs a 'name' and 'rules'");
                }
                out.add(Subscription.create(s.name(), Subscription.Kind.SUBSCRIPTION,
                        s.priority() == null ? PriorityClass.HIGH : PriorityClass.parse(s.priority()),
                        Subscription.parseBandwidth(s.maxbw()), Subscription.parsePackets(s.maxpps()),
                        or(s.rank(), Subscription.DEFAULT_RANK), s.rules().stream().map(IdentificationRule::parse).toList()));
            } catch (ConfigException e) {
                throw new IllegalArgumentException("subscription level " + s.name() + ": " + e.getMessage(), e);
            }
        }
        for (Flow f : or(d.flows(), List.<Flow>of())) {
            try {
                if (f.name() == null || f.vnic() == null) {
                    throw new ConfigException("every flow needs a 'name' and a 'vnic'");
                }
                String match = f.match() == null || f.match().isBlank() ? "" : "," + f.match();
                out.add(Subscription.create(f.name(), Subscription.Kind.FLOW,
                        f.priority() == null ? PriorityClass.HIGH : PriorityClass.parse(f.priority()),
                        Subscription.parseBandwidth(f.maxbw()), Subscription.parsePackets(f.maxpps()),
                        or(f.rank(), Subscription.DEFAULT_RANK), List.of(IdentificationRule.parse("vnic=" + f.vnic() + match))));
            } catch (ConfigException e) {
                throw new IllegalArgumentException("flow " + f.name() + ": " + e.getMessage(), e);
            }
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Subscription s : out) {
            if (!names.add(s.name())) { // the store would keep only the last one of the name
                throw new IllegalArgumentException("two subscription levels or flows are named '" + s.name() + "'");
            }
        }
        out.sort(java.util.Comparator.comparingInt(Subscription::rank).thenComparing(Subscription::name));
        return out;
    }

    /**
     * How each VNIC that names no port is attached: its VM's vhost-user socket or its container's TAP. Every VNIC
     * has exactly one of {@code port}, {@code vhostUser} and {@code tap}.
     */
    static Map<String, GuestInterface> interfaces(Document d) {
        Map<String, GuestInterface> out = new LinkedHashMap<>();
        for (Vnic v : or(d.vnics(), List.<Vnic>of())) {
            if (v.name() == null || v.mac() == null) {
                throw new IllegalArgumentException("every VNIC needs 'name' and 'mac'");
            }
            int given = (v.port() != null ? 1 : 0) + (v.vhostUser() != null ? 1 : 0) + (v.tap() != null ? 1 : 0);
            if (given != 1) {
                throw new IllegalArgumentException("VNIC " + v.name() + ": give exactly one of 'port' (a configured port),"
                        + " 'vhostUser' (a VM's socket) and 'tap' (a container's interface)");
            }
            try {
                if (v.vhostUser() != null) {
                    if (v.vhostUser().socket() == null) {
                        throw new IllegalArgumentException("a vhost-user interface needs a 'socket'");
                    }
                    out.put(v.name(), new GuestInterface.VhostUser(Path.of(v.vhostUser().socket()), or(v.vhostUser().queues(), 1)));
                } else if (v.tap() != null) {
                    out.put(v.name(), new GuestInterface.Tap(v.tap().name(), v.tap().namespace()));
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("VNIC " + v.name() + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * The ports Quiver makes for VNICs attached by vhost-user or TAP: named after the VNIC, each device numbered
     * after those the configured ports use, sized for the VNIC's MTU.
     */
    private static List<PortConfig> interfacePorts(Document d, List<PortConfig> configured) {
        if (d.uplink() == null) {
            return List.of();
        }
        java.util.Set<String> devices = new java.util.HashSet<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        configured.forEach(p -> {
            devices.add(p.deviceName());
            names.add(p.name());
        });
        List<PortConfig> out = new java.util.ArrayList<>();
        Map<String, GuestInterface> interfaces = interfaces(d);
        for (Vnic v : or(d.vnics(), List.<Vnic>of())) {
            GuestInterface gi = interfaces.get(v.name());
            if (gi == null) {
                continue;
            }
            if (names.contains(v.name())) {
                throw new IllegalArgumentException("VNIC " + v.name() + ": its " + (gi instanceof GuestInterface.Tap ? "TAP" : "vhost-user")
                        + " port would be named '" + v.name() + "', which a configured port already is");
            }
            int index = 0;
            String mac = vnicConfig(v).mac().toString();
            while (devices.contains(deviceName(gi.devargs(index, mac)))) {
                index++;
            }
            String devargs = gi.devargs(index, mac);
            devices.add(deviceName(devargs));
            out.add(new PortConfig(v.name(), devargs, gi.queues(), 1, Defaults.DESCRIPTORS, Defaults.DESCRIPTORS, true,
                    Math.max(Defaults.MTU, or(v.mtu(), Defaults.MTU))));
        }
        return out;
    }

    private static String deviceName(String devargs) {
        int comma = devargs.indexOf(',');
        return comma < 0 ? devargs : devargs.substring(0, comma);
    }

    /** The VNIC's configuration from the file's fields, each checked by the model's parser. */
    static VnicConfig vnicConfig(Vnic v) {
        try {
            VnicConfig c = VnicConfig.create(v.name(), v.mac());
            c = withList(c, VnicParameter.SECONDARY_MACS, v.secondaryMacs());
            c = withList(c, VnicParameter.IPV4_ADDRESSES, v.ipv4());
            c = withList(c, VnicParameter.IPV6_ADDRESSES, v.ipv6());
            c = withList(c, VnicParameter.PROTECTION, v.protection());
            if (v.vlan() != null && v.vlan() != 0) {
                c = c.with(VnicParameter.VLAN, v.vlan().toString());
            }
            if (v.mtu() != null) {
                c = c.with(VnicParameter.MTU, v.mtu().toString());
            }
            if (v.router() != null) {
                c = c.with(VnicParameter.ROUTER, v.router() ? "yes" : "no");
            }
            for (Map.Entry<String, String> e : or(v.properties(), Map.<String, String>of()).entrySet()) {
                c = c.with(VnicParameter.byName(e.getKey()), e.getValue());
            }
            return c;
        } catch (ConfigException e) {
            throw new IllegalArgumentException("VNIC " + v.name() + ": " + e.getMessage(), e);
        }
    }

    private static VnicConfig withList(VnicConfig c, VnicParameter p, List<String> values) {
        return values == null ? c : c.with(p, values.isEmpty() ? "none" : String.join(",", values));
    }

    static Map<String, String> guestPolicies(Document d) {
        Map<String, String> policies = new LinkedHashMap<>();
        for (Vnic v : or(d.vnics(), List.<Vnic>of())) {
            if (v.guestPolicy() != null) {
                try {
                    policies.put(v.name(), GuestPolicy.parse(v.guestPolicy()).toText());
                } catch (ConfigException e) {
                    throw new IllegalArgumentException("VNIC " + v.name() + ": guestPolicy: " + e.getMessage(), e);
                }
            }
        }
        return policies;
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String text, String field) {
        try {
            return Enum.valueOf(type, text.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": '" + text + "' is not one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(java.util.Locale.ROOT));
        }
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
