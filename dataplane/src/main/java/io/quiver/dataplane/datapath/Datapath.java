package io.quiver.dataplane.datapath;

import io.quiver.dataplane.capture.CaptureTap;
import io.quiver.dataplane.fabric.FabricPeer;
import io.quiver.dataplane.fabric.FabricSettings;
import io.quiver.dataplane.fabric.FabricState;
import io.quiver.dataplane.fabric.PeerCounters;
import io.quiver.dataplane.fabric.RemoteVnic;
import io.quiver.dataplane.fabric.Vxlan;

import io.quiver.configstore.model.PriorityClass;
import io.quiver.configstore.model.Subscription;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.dataplane.priority.Identifier;
import io.quiver.dataplane.priority.Levels;
import io.quiver.dataplane.priority.SteeringRequests;
import io.quiver.dataplane.aggr.Aggregation;
import io.quiver.dataplane.aggr.AggregationConfig;
import io.quiver.dataplane.antispoof.SpoofWarnings;
import io.quiver.dataplane.packet.Announcements;
import io.quiver.dataplane.vnic.WireAddresses;
import io.quiver.dataplane.classify.ConnectionRules;
import io.quiver.dataplane.classify.FlowRulePlan;
import io.quiver.dataplane.classify.UplinkClassification;
import io.quiver.dataplane.config.Defaults;
import io.quiver.dataplane.guest.GuestRequestQueue;
import io.quiver.dataplane.guest.InjectionQueue;
import io.quiver.dataplane.lcore.IdleStrategy;
import io.quiver.dataplane.lcore.LcoreLoop;
import io.quiver.dataplane.lcore.LcoreStalledException;
import io.quiver.dataplane.lcore.PollTask;
import io.quiver.dataplane.lcore.Quiescence;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.port.LcoreTx;
import io.quiver.dataplane.port.LinkMonitor;
import io.quiver.dataplane.port.Port;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.port.QueueCounters;
import io.quiver.dataplane.ring.PendingVnics;
import io.quiver.dataplane.ring.VnicRing;
import io.quiver.dataplane.runtime.DpdkRuntime;
import io.quiver.dataplane.vnic.AttachedVnic;
import io.quiver.dataplane.vnic.Vnic;
import io.quiver.dataplane.vnic.VnicCounters;
import io.quiver.configstore.model.Ipv4Prefix;
import io.quiver.configstore.model.VnsConfig;
import io.quiver.configstore.model.VnsNames;
import io.quiver.configstore.model.VnsRoute;
import io.quiver.dataplane.port.MbufBurst;
import io.quiver.dataplane.vns.NeighbourTable;
import io.quiver.dataplane.vns.VnsCounters;
import io.quiver.dataplane.vns.VnsState;
import io.quiver.dataplane.vns.VnsTable;
import io.quiver.dpdk.EthDev;
import io.quiver.dpdk.Mbufs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running VNIC datapath: the uplink and guest ports, a local and a forwarding ring per VNIC, the uplink's
 * classification, and the lcores (shared or dedicated). A configuration change builds a new {@link DatapathState}
 * and publishes it; the lcores pick it up at their next burst.
 */
public final class Datapath implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Datapath.class);

    private final DatapathConfig config;
    private final DpdkRuntime runtime;
    private final AtomicReference<DatapathState> state = new AtomicReference<>();
    private final Map<String, Vnic> vnics = new LinkedHashMap<>();
    /** VNICs by index, null where a VNIC was removed; indexes are never reused while the datapath runs. */
    private final List<Vnic> slots = new ArrayList<>();
    /** Rings of removed VNICs whose lcores have not yet been seen past a burst boundary: freed once they have. */
    private final List<VnicRing> retired = new ArrayList<>();
    /** VNSes by name, and by index (null where one was removed; indexes are never reused while the datapath runs). */
    private final Map<String, VnsTable> vnses = new LinkedHashMap<>();
    private final List<VnsTable> vnsSlots = new ArrayList<>();
    private final List<Ipv4Prefix> uplinkRoutes;
    private final long gatewayMac;
    /** The routing lcore's: its TX queues, the delivery walk it marks, and its router. */
    private LcoreTx routingTx;
    private LcoreTx rxTx;
    private PendingVnics pending;
    private Router router;
    private final GuestRequestQueue guestRequests = new GuestRequestQueue(Defaults.GUEST_REQUEST_QUEUE);
    /** Served only while the daemon runs the TLS offload service (its section in the configuration file). */
    private final GuestRequestQueue tlsRequests = unserved(new GuestRequestQueue(Defaults.TLS_OFFLOAD_QUEUE,
            Defaults.TLS_OFFLOAD_MAX_DATAGRAM));
    private final InjectionQueue injections = new InjectionQueue(Defaults.INJECTION_QUEUE);
    private final SpoofWarnings spoofWarnings;
    private final LinkMonitor linkMonitor;
    private UplinkClassification classification;
    /** Subscription levels and flows: as configured (rank order), each one's index (kept while the datapath runs), compiled. */
    private List<Subscription> subscriptions = List.of();
    private final Map<String, Integer> levelIndexes = new LinkedHashMap<>();
    private Levels levels;
    /** Made with the first level: the RX lcore's connection table and inspection buffers. */
    private Identifier identifier;
    /** Identified connections' rte_flow rules, where the uplink classifies in hardware; null otherwise. */
    private ConnectionRules connectionRules;
    /** Inspection buffers (2 KiB each): connections whose first payload bytes are looked at, at once. */
    private static final int INSPECTION_BUFFERS = 512;
    /** Connections identified at once that may wait for their rte_flow rule (the control thread drains every ms). */
    private static final int STEERING_REQUESTS = 4096;
    /** What the uplink is: its port, or the aggregation that took its place (at start or live). */
    private UplinkTarget uplinkTarget;
    /** Runs the aggregation's control: its members' links, LACP, who distributes. */
    private ScheduledExecutorService aggregationTimer;
    /** The RX lcore's injections: where port frames that found no mbuf are counted. */
    private InjectTask injectTask;
    /** Every task's choice of uplink port: where frames without a member are counted. */
    private final List<UplinkChoice> uplinkChoices = new ArrayList<>();
    /** The fabric: this appliance's settings (null: it runs alone), the directory's peers and remote VNICs. */
    private FabricSettings fabricSettings;
    private List<FabricPeer> fabricPeers = List.of();
    private List<RemoteVnic> remoteVnics = List.of();
    /** The RX lcore's receive tasks of the fabric's memif links. */
    private final FabricLinks fabricLinks = new FabricLinks();
    /** Each peer's counters, by appliance name, kept while it comes and goes. */
    private final Map<String, PeerCounters> peerCounters = new java.util.concurrent.ConcurrentHashMap<>();

    private Datapath(DatapathConfig config, DpdkRuntime runtime) {
        this.config = config;
        this.runtime = runtime;
        this.spoofWarnings = new SpoofWarnings(this::vnics, this::guestPorts);
        this.linkMonitor = new LinkMonitor(() -> runtime.ports().values());
        this.gatewayMac = config.gatewayMac() == null ? 0 : Ethernet.macToLong(Ethernet.parseMac(config.gatewayMac()));
        this.uplinkRoutes = config.uplinkRoutes();
    }

    public static Datapath start(DatapathConfig config) {
        int lcores = config.lcores();
        // RX queues as configured (a VM's multi-queue device sends on all of them), a TX queue per lcore
        List<PortConfig> ports = config.runtime().ports().stream().map(p -> p.withQueues(p.rxQueues(), lcores)).toList();
        DpdkRuntime runtime = DpdkRuntime.start(config.runtime().withPorts(ports), lcores, 0);
        Datapath datapath = new Datapath(config, runtime);
        try {
            datapath.matchRxQueuesToDriver();
            datapath.createAggregation();
            datapath.createRouter();
            datapath.createVnses();
            datapath.createVnics();
            datapath.installVnsRoutes();
            datapath.putSubscriptions(config.priority().levels());
            datapath.classification = datapath.uplinkTarget.aggregation != null
                    ? UplinkClassification.inSoftware(config.uplink(), "the uplink is an aggregation: its members are classified alike")
                    : UplinkClassification.choose(runtime, config.uplink(), config.classifier(),
                            config.vnics().stream().map(AttachedVnic::config).toList());
            datapath.steerConnectionsInHardware();
            datapath.startLoops();
            datapath.spoofWarnings.start();
            datapath.linkMonitor.start();
            datapath.startAggregationTimer();
            return datapath;
        } catch (RuntimeException e) {
            datapath.close();
            throw e;
        }
    }

    /**
     * Some drivers spread received packets over every queue they have (af_packet's fanout sockets with qpairs > 1,
     * a multi-queue TAP): a port whose driver offers more RX queues than the one opened gets up to one per lcore,
     * and its ingress polls them all.
     */
    private void matchRxQueuesToDriver() {
        int lcores = config.lcores();
        if (lcores == 1) {
            return;
        }
        for (Port p : List.copyOf(runtime.ports().values())) {
            int queues = Math.min(lcores, EthDev.info(p.id()).maxRxQueues());
            if (queues > p.rxQueues()) {
                runtime.reopen(p.config().withRxQueues(queues));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The uplink's aggregation

    private void createAggregation() {
        AggregationConfig a = config.uplinkAggregation();
        if (a == null) {
            uplinkTarget = new UplinkTarget(runtime.port(config.uplink()).id(), null);
            return;
        }
        if (config.classifier() == io.quiver.dataplane.classify.ClassifierChoice.RTE_FLOW) {
            throw new IllegalArgumentException("aggregation " + a.name() + ": the uplink is classified in software"
                    + " (rte_flow rules would be needed on every member alike); classifier: rte_flow cannot be required");
        }
        uplinkTarget = new UplinkTarget(-1, newAggregation(a));
    }

    private Aggregation newAggregation(AggregationConfig a) {
        int maxPort = runtime.ports().values().stream().mapToInt(Port::id).max().orElse(0);
        return new Aggregation(a, a.members().stream().map(runtime::port).toList(), injections::offerToPort,
                this::announcements, maxPort);
    }

    private void startAggregationTimer() {
        Aggregation aggregation = uplinkTarget.aggregation;
        if (aggregation == null) {
            return;
        }
        aggregationTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "quiver-aggregation");
            t.setDaemon(true);
            return t;
        });
        long every = Defaults.AGGREGATION_TICK.toNanos();
        aggregationTimer.scheduleAtFixedRate(() -> {
            try {
                aggregation.tick(System.nanoTime());
            } catch (RuntimeException e) {
                LOG.warn("aggregation {}: {}", aggregation.config().name(), e.toString());
            }
        }, every, every, TimeUnit.NANOSECONDS);
    }

    /**
     * Turns the uplink port into aggregation {@code a}'s member, live (Crossbow's create-aggr over a link in use):
     * the uplink's traffic goes on through the aggregation from the lcores' next packet. The uplink port must be a
     * member; refused where the uplink classifies in hardware (its rules are on that one port) or an aggregation
     * exists already.
     */
    public synchronized AggregationConfig createAggregation(AggregationConfig a) {
        if (uplinkTarget.aggregation != null) {
            throw new IllegalStateException("the uplink is aggregation " + uplinkTarget.aggregation.config().name()
                    + " already: change it with modify-aggr, add-aggr and remove-aggr");
        }
        String uplinkPort = config.uplink();
        if (!a.members().contains(uplinkPort)) {
            throw new IllegalArgumentException("aggregation " + a.name() + ": the uplink port " + uplinkPort + " must be a member"
                    + " (create-aggr turns the uplink into the aggregation), not only " + a.members());
        }
        if (runtime.ports().containsKey(a.name())) {
            throw new IllegalArgumentException("aggregation " + a.name() + ": a port has that name already");
        }
        if (classification.inHardware()) {
            throw new IllegalStateException("the uplink classifies in hardware (rte_flow rules on " + uplinkPort + "):"
                    + " an aggregation needs a restart with it in the configuration file");
        }
        DatapathConfig.checkMembers(config.runtime(), a, liveAttachments());
        uplinkTarget.aggregation = newAggregation(a);
        startAggregationTimer();
        LOG.info("aggregation {} created live: {}", a.name(), a);
        return a;
    }

    private List<AttachedVnic> liveAttachments() {
        return vnics.values().stream().map(v -> new AttachedVnic(v.config(), v.port())).toList();
    }

    /**
     * Every address behind the uplink, announced on an active-backup change: each VNIC's IPv4 addresses (a
     * gratuitous ARP each) and IPv6 addresses, its link-local ones included (an unsolicited neighbour advertisement
     * each, so that even a VNIC without an address moves in the switches' tables), and each VNS router's uplink
     * address.
     */
    private List<byte[]> announcements() {
        // from the published state, not under this datapath's lock: the aggregation's timer calls this holding the
        // aggregation's lock, which updateAggregation takes holding this one
        List<byte[]> out = new ArrayList<>();
        DatapathState s = state.get();
        if (s == null) {
            return out;
        }
        for (Vnic v : s.vnics) {
            if (v == null) {
                continue;
            }
            VnicConfig c = v.config();
            long mac = WireAddresses.primaryMac(c);
            for (int ip : WireAddresses.ipv4(c)) {
                out.add(Announcements.gratuitousArp(mac, ip, c.vlan()));
            }
            long[] v6 = WireAddresses.ipv6(c);
            for (int k = 0; k < v6.length; k += 2) {
                out.add(Announcements.unsolicitedNa(mac, v6[k], v6[k + 1], c.vlan()));
            }
        }
        for (VnsState v : s.vnses) {
            if (v != null && v.uplinkIp != 0) {
                out.add(Announcements.gratuitousArp(v.routerMac, v.uplinkIp, v.uplinkVlan));
            }
        }
        return out;
    }

    /** The uplink's aggregation, or null when the uplink is a port. */
    public Aggregation aggregation() {
        return uplinkTarget.aggregation;
    }

    /**
     * Moves the uplink's aggregation to {@code next} live: members join and leave (only the connections of the
     * entries that move change member), the policy, LACP's settings and the mode change. Refused, with nothing
     * changed, when a new member is not a port, is used by a VNIC, or has another MTU, or when no member would be
     * left.
     */
    public synchronized AggregationConfig updateAggregation(AggregationConfig next) {
        Aggregation aggregation = uplinkTarget.aggregation;
        if (aggregation == null || !aggregation.config().name().equals(next.name())) {
            throw new IllegalArgumentException("no aggregation named '" + next.name() + "'"
                    + (aggregation == null ? " (the uplink is a port)" : " (the uplink's is " + aggregation.config().name() + ")"));
        }
        DatapathConfig.checkMembers(config.runtime(), next, liveAttachments());
        aggregation.apply(next, next.members().stream().map(runtime::port).toList(), System.nanoTime());
        LOG.info("aggregation {}: {}", next.name(), next);
        return next;
    }

    /** Frames no aggregation member could carry (all down, or LACP not agreed), summed over the lcores. */
    public long noMemberDrops() {
        long n = 0;
        for (UplinkChoice c : uplinkChoices) {
            n += c.noMember;
        }
        return n;
    }

    /** Frames the control side built for a port (LACPDUs, announcements) that the lcore found no mbuf for. */
    public long portInjectionsWithoutMbuf() {
        return injectTask == null ? 0 : injectTask.portNoMbuf;
    }

    /** A task's own choice of uplink port (the uplink port, or the aggregation's member by hash). */
    private UplinkChoice uplinkChoice() {
        UplinkChoice c = new UplinkChoice(uplinkTarget, true);
        uplinkChoices.add(c);
        return c;
    }

    /** The routing lcore's TX queues and router: made before the VNSes, whose neighbour tables send through it. */
    private void createRouter() {
        int burst = config.runtime().burstSize();
        rxTx = new LcoreTx(runtime.ports().values(), 0, runtime.arena(), burst);
        boolean shared = config.mode() == ThreadingMode.SHARED;
        pending = shared ? new PendingVnics() : null;
        routingTx = shared ? rxTx : new LcoreTx(runtime.ports().values(), 1, runtime.arena(), burst);
        router = new Router(runtime.pool().address(), uplinkChoice(), routingTx,
                new MbufBurst(runtime.arena(), burst), pending, runtime.arena());
    }

    private void createVnses() {
        Map<String, VnsConfig> wanted = new LinkedHashMap<>();
        wanted.put(VnsNames.DEFAULT, VnsConfig.create(VnsNames.DEFAULT));
        config.vnses().forEach(v -> wanted.put(v.name(), v));
        for (VnsConfig v : wanted.values()) { // every table first: routes may lead from one VNS into another
            VnsTable t = new VnsTable(vnsSlots.size(), v, new VnicRing(config.forwardingRingSize(), false),
                    router.actionsFor(vnsSlots.size()), System.nanoTime());
            vnses.put(v.name(), t);
            vnsSlots.add(t);
        }
        for (VnsTable t : vnses.values()) { // subnets now; routes once the VNICs a dev route names exist
            t.apply(t.config(), List.of(), uplinkRoutesOf(t.name()), gatewayMac, names);
        }
    }

    private void installVnsRoutes() {
        for (VnsTable t : vnses.values()) {
            t.apply(t.config(), routesOf(t.name()), uplinkRoutesOf(t.name()), gatewayMac, names);
        }
        publishState();
    }

    private List<VnsRoute> routesOf(String vns) {
        return config.vnsRoutes().stream().filter(r -> r.vns().equals(vns)).toList();
    }

    /** The uplink's configured routes belong to VNS default. */
    private List<Ipv4Prefix> uplinkRoutesOf(String vns) {
        return vns.equals(VnsNames.DEFAULT) ? uplinkRoutes : List.of();
    }

    private final VnsTable.Resolver names = new VnsTable.Resolver() {
        @Override
        public int vnic(String name) {
            Vnic v = vnics.get(name);
            return v == null ? -1 : v.index();
        }

        @Override
        public int vns(String name) {
            VnsTable t = vnses.get(name);
            return t == null ? -1 : t.index;
        }
    };

    private void createVnics() {
        if (config.vnics().size() > Defaults.MAX_VNICS) {
            throw new IllegalArgumentException("at most " + Defaults.MAX_VNICS + " VNICs, not " + config.vnics().size());
        }
        for (AttachedVnic v : config.vnics()) {
            newVnic(v);
        }
        publishState();
    }

    private Vnic newVnic(AttachedVnic attached) {
        int port = runtime.port(attached.port()).id();
        // dedicated mode: workers forward into each other's local rings, so those have several producers
        Vnic v = new Vnic(slots.size(), attached, port, new VnicRing(config.localRingSize(), config.mode() == ThreadingMode.DEDICATED),
                new VnicRing(config.forwardingRingSize(), false));
        vnics.put(attached.name(), v);
        slots.add(v);
        return v;
    }

    private void publishState() {
        state.set(buildState());
    }

    /** A state built from every VNIC (sharing the current one's flood domains where no VLAN changed). */
    private DatapathState buildState() {
        int maxPort = maxPortId();
        VnsState[] views = new VnsState[vnsSlots.size()];
        Map<String, Integer> indexes = vnsIndexes();
        for (VnsTable t : vnses.values()) {
            views[t.index] = t.snapshot();
        }
        DatapathState built = new DatapathState(slots.toArray(Vnic[]::new), maxPort, views, indexes, state.get(), levels, identifier,
                config.priority().lowestShare(), null);
        return fabricSettings == null ? built : built.withFabric(buildFabric(built.tables));
    }

    private int maxPortId() {
        return runtime.ports().values().stream().mapToInt(Port::id).max().orElse(0);
    }

    private Map<String, Integer> vnsIndexes() {
        Map<String, Integer> indexes = new LinkedHashMap<>();
        for (VnsTable t : vnses.values()) {
            indexes.put(t.name(), t.index);
        }
        return indexes;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The fabric: VNICs of other appliances (docs/fabric.md)

    /**
     * Joins this appliance to a fabric: from now on {@link #putFabric} says which peers and remote VNICs the lcores
     * reach. With a VTEP, every VNIC's MTU must leave room for VXLAN's overhead in the uplink's MTU.
     */
    public synchronized void joinFabric(FabricSettings settings) {
        if (settings.hasVtep()) {
            int room = uplinkMtu() - Vxlan.OVERHEAD;
            for (Vnic v : vnics.values()) {
                if (v.config().mtu() > room) {
                    throw new IllegalArgumentException("fabric: VNIC " + v.name() + " has MTU " + v.config().mtu() + ", but VXLAN over the uplink's MTU "
                            + uplinkMtu() + " leaves room for " + room + " (raise the uplink's mtu to " + (v.config().mtu() + Vxlan.OVERHEAD)
                            + " or lower the VNIC's)");
                }
            }
        }
        fabricSettings = settings;
        publishState();
    }

    /** A VNIC whose MTU VXLAN over the uplink has no room for is refused while this appliance has a VTEP. */
    private void checkFabricMtu(VnicConfig c) {
        int limit = fabricMtuLimit();
        if (c.mtu() > limit) {
            throw new IllegalArgumentException("VNIC " + c.name() + ": MTU " + c.mtu() + " does not fit VXLAN over the uplink: the uplink's MTU "
                    + uplinkMtu() + " leaves room for " + limit + " (docs/fabric.md, MTU planning)");
        }
    }

    /** The fabric's settings, or null while this appliance runs alone. */
    public synchronized FabricSettings fabricSettings() {
        return fabricSettings;
    }

    /** The largest VNIC MTU VXLAN leaves room for on the uplink; Integer.MAX_VALUE where no VTEP is configured. */
    public synchronized int fabricMtuLimit() {
        return fabricSettings == null || !fabricSettings.hasVtep() ? Integer.MAX_VALUE : uplinkMtu() - Vxlan.OVERHEAD;
    }

    /**
     * The fabric's peers and their VNICs, whole (the directory's view, remote VNICs in claim order), live from the
     * lcores' next burst. Returns what the lcores now see, with the remote VNICs left out and why.
     */
    public synchronized FabricState putFabric(List<FabricPeer> peers, List<RemoteVnic> remotes) {
        if (fabricSettings == null) {
            throw new IllegalStateException("this appliance has joined no fabric");
        }
        fabricPeers = List.copyOf(peers);
        remoteVnics = List.copyOf(remotes);
        DatapathState current = state.get();
        FabricState fabric = buildFabric(current.tables);
        state.set(current.withFabric(fabric));
        return fabric;
    }

    /**
     * Opens a memif link to a peer appliance as port {@code name} ({@code devargs}: a {@code net_memif} vdev) while the
     * datapath runs: the RX lcore polls it and may send to it once a {@link #putFabric} names it as the peer's
     * {@link FabricPeer#memifPort()}. A DPDK refusal (a client whose server does not listen yet) is thrown, and
     * nothing is left behind.
     */
    public synchronized Port addFabricLink(String name, String devargs) {
        Port p = runtime.addPort(PortConfig.of(name, devargs));
        rxTx.add(p);
        QueueCounters[] counters = new QueueCounters[p.rxQueues()];
        for (int q = 0; q < counters.length; q++) {
            counters[q] = p.rxCounters(q);
        }
        FabricIngress ingress = new FabricIngress(p.id(), uplinkChoice(), runtime.pool().address(), state, counters, rxTx, pending,
                runtime.arena(), config.runtime().burstSize());
        if (config.mode() == ThreadingMode.SHARED) {
            ingress.routeInline(router);
        }
        fabricLinks.add(ingress);
        LOG.info("fabric: memif link {} is port {} ({})", name, p.id(), devargs);
        return p;
    }

    /**
     * Closes memif link {@code name}, which the fabric no longer names: once every lcore has passed a burst boundary
     * without polling or sending to it, its port is closed.
     */
    public synchronized void removeFabricLink(String name) {
        Port p = runtime.port(name);
        FabricState f = state.get().fabric;
        if (f != null && f.peerOnPort(p.id()) >= 0) {
            throw new IllegalStateException("memif link " + name + " still carries peer " + f.peer(f.peerOnPort(p.id())).appliance());
        }
        fabricLinks.remove(p.id());
        try {
            Quiescence.await(runtime.loops(), Defaults.QUIESCENCE_TIMEOUT);
        } catch (LcoreStalledException e) {
            LOG.error("{}: memif link {} stays open until it does", e.getMessage(), name);
            return;
        }
        rxTx.remove(p.id());
        runtime.removePort(name);
        LOG.info("fabric: memif link {} closed", name);
    }

    /** The fabric as the lcores see it, or null while this appliance runs alone. */
    public FabricState fabric() {
        return state.get().fabric;
    }

    private FabricState buildFabric(io.quiver.dataplane.classify.ClassifierTables local) {
        return FabricState.build(fabricSettings, uplinkMac(), uplinkMtu(), fabricPeers, remoteVnics, local, vnsIndexes(),
                peerCounters, maxPortId());
    }

    /** The uplink's MAC: its port's, or its aggregation's. */
    public long uplinkMac() {
        Aggregation a = uplinkTarget.aggregation;
        if (a != null) {
            return a.system();
        }
        return Ethernet.macToLong(runtime.port(config.uplink()).macAddress());
    }

    private int uplinkMtu() {
        Aggregation a = uplinkTarget.aggregation;
        String port = a != null ? a.config().members().get(0) : config.uplink();
        return runtime.port(port).config().mtu();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Subscription levels and flows

    /**
     * Applies exactly {@code ordered} (rank order) as the subscription levels and flows, live: VNICs get rings for the
     * classes levels can now put their traffic in, and the lcores use the new levels from their next burst. A connection
     * identified before keeps its level (changed, its class and limits change with it; removed, it goes back to its
     * default class); one that no level identified is not looked at again.
     */
    public synchronized void putSubscriptions(List<Subscription> ordered) {
        for (Subscription s : ordered) {
            if (!levelIndexes.containsKey(s.name())) {
                if (levelIndexes.size() >= Short.MAX_VALUE) {
                    throw new IllegalStateException("more than " + Short.MAX_VALUE + " subscription levels made since start");
                }
                levelIndexes.put(s.name(), levelIndexes.size());
            }
        }
        subscriptions = List.copyOf(ordered);
        compileLevels();
        publishState();
    }

    /**
     * Where the NIC classifies, identified connections are re-steered there too: the RX lcore asks, a control thread
     * programs the rules ({@link ConnectionRules}). The identifier may not exist yet (no levels): it gets the ring
     * when it is made.
     */
    private synchronized void steerConnectionsInHardware() {
        if (!classification.inHardware()) {
            return;
        }
        connectionRules = ConnectionRules.start(classification.flows(), new SteeringRequests(STEERING_REQUESTS));
        if (identifier != null) {
            identifier.steerWith(connectionRules.requests());
        }
    }

    /** Identified connections' rules, or null where the uplink classifies in software. */
    public synchronized ConnectionRules connectionRules() {
        return connectionRules;
    }

    /** Compiles the levels against today's VNICs and gives each VNIC the class rings they need. */
    private void compileLevels() {
        if (subscriptions.isEmpty()) {
            levels = null;
            return;
        }
        Map<String, Integer> live = new LinkedHashMap<>();
        subscriptions.forEach(s -> live.put(s.name(), levelIndexes.get(s.name())));
        levels = new Levels(subscriptions, live, name -> {
            Vnic v = vnics.get(name);
            return v == null ? -1 : v.index();
        }, levels, System.nanoTime());
        if (identifier == null) {
            identifier = new Identifier(config.priority().connections(), INSPECTION_BUFFERS);
            if (connectionRules != null) {
                identifier.steerWith(connectionRules.requests());
            }
        }
        for (Vnic v : vnics.values()) {
            addClassRings(v);
        }
    }

    private void addClassRings(Vnic v) {
        for (int c = 1; c < PriorityClass.COUNT; c++) {
            if (levels != null && levels.classUsed(v.index(), c) && v.classRing(c) == null) {
                v.addClassRing(c, new VnicRing(config.localRingSize(), config.mode() == ThreadingMode.DEDICATED));
            }
        }
    }

    public synchronized List<Subscription> subscriptions() {
        return subscriptions;
    }

    /** The compiled levels (counters by level), or null when there are none. */
    public synchronized Levels levels() {
        return levels;
    }

    /** The RX lcore's identifier (its connection table), or null before the first level. */
    public synchronized Identifier identifier() {
        return identifier;
    }

    private void startLoops() {
        Port uplink = uplinkTarget.aggregation == null ? runtime.port(config.uplink()) : null;
        java.util.Set<String> vnicPorts = new java.util.HashSet<>();
        config.vnics().forEach(v -> vnicPorts.add(v.port()));
        long pool = runtime.pool().address();
        int burst = config.runtime().burstSize();
        var arena = runtime.arena();
        List<Integer> cpus = config.cpus();
        List<PollTask> rxTasks = new ArrayList<>();
        for (Port p : runtime.ports().values()) {
            QueueCounters[] counters = new QueueCounters[p.rxQueues()];
            for (int q = 0; q < counters.length; q++) {
                counters[q] = p.rxCounters(q);
            }
            List<PortIngress> ingresses = new ArrayList<>();
            if (uplink != null && p.id() == uplink.id()) {
                ingresses.add(new UplinkIngress(p.id(), classification.inHardware() ? FlowRulePlan.pollOrder(p.rxQueues())
                        : PortIngress.inOrder(p.rxQueues()), pool, state, classification.classifier(), counters, rxTx, pending,
                        arena, burst, uplinkTarget));
            } else if (!vnicPorts.contains(p.name())) {
                // an aggregation's member, or a port that may become one live: the aggregation receives on it while it
                // is a member, and it is a guest port while it is not
                ingresses.add(new UplinkIngress(p.id(), PortIngress.inOrder(p.rxQueues()), pool, state, classification.classifier(),
                        counters, rxTx, pending, arena, burst, uplinkTarget));
                ingresses.add(new GuestEgress(p.id(), p.rxQueues(), uplinkChoice(), uplinkTarget, pool, state, counters, rxTx,
                        pending, guestRequests, tlsRequests, arena, burst));
            } else {
                ingresses.add(new GuestEgress(p.id(), p.rxQueues(), uplinkChoice(), null, pool, state, counters, rxTx, pending,
                        guestRequests, tlsRequests, arena, burst));
            }
            for (PortIngress ingress : ingresses) {
                if (config.mode() == ThreadingMode.SHARED) {
                    ingress.routeInline(router);
                }
                rxTasks.add(ingress);
            }
        }
        rxTasks.add(fabricLinks);
        injectTask = new InjectTask(injections, state, pool, pending, rxTx);
        rxTasks.add(injectTask);
        if (config.mode() == ThreadingMode.SHARED) {
            rxTasks.add(new RingDelivery(state, 0, 1, rxTx, pending, arena, burst, router));
            runtime.addLoop(new LcoreLoop("datapath", cpus.get(0), rxTasks, IdleStrategy.named(config.idle())).start());
            return;
        }
        runtime.addLoop(new LcoreLoop("rx", cpus.get(0), rxTasks, IdleStrategy.named(config.idle())).start());
        int workers = cpus.size() - 1;
        for (int w = 0; w < workers; w++) { // the first worker routes: its TX queues are the router's
            LcoreTx workerTx = w == 0 ? routingTx : new LcoreTx(runtime.ports().values(), 1 + w, arena, burst);
            runtime.addLoop(new LcoreLoop("worker" + w, cpus.get(1 + w),
                    List.of(new RingDelivery(state, w, workers, workerTx, null, arena, burst, w == 0 ? router : null)),
                    IdleStrategy.named(config.idle())).start());
        }
    }

    /**
     * Moves a VNIC to {@code after} live (its MAC, secondary MACs, IPv4 addresses, VLAN): the classifier (tables, or
     * the NIC's rules) and the anti-spoof sets move with it at the lcores' next burst. A change that would clash
     * with another VNIC, or that the NIC refuses, is refused and nothing changes.
     */
    public synchronized VnicConfig updateVnic(String name, VnicConfig after) {
        Vnic v = vnic(name);
        checkFabricMtu(after);
        VnicConfig before = v.config();
        v.config(after);
        DatapathState current = state.get();
        try {
            classification.validate(liveConfigs()); // the NIC must accept every new rule before anything is published
            state.set(current.withChangedVnic(v.index()).orElseGet(this::buildState));
        } catch (RuntimeException e) {
            v.config(before);
            throw e;
        }
        try {
            classification.reprogram(liveConfigs());
        } catch (RuntimeException e) { // validated, yet creating failed: go back to what runs, rules included
            v.config(before);
            state.set(current);
            classification.restore(liveConfigs());
            throw e;
        }
        LOG.debug("VNIC {} updated: {}", name, after);
        return after;
    }

    /** Every VNIC's configuration by index, null for a free index: what the tables and rules are made from. */
    private List<VnicConfig> liveConfigs() {
        return slots.stream().map(v -> v == null ? null : v.config()).toList();
    }

    /**
     * Adds a VNIC on one of the configured ports while the datapath runs: its rings are made, the classifier and
     * anti-spoof tables are rebuilt with it, and the lcores see it from their next burst.
     */
    public synchronized Vnic addVnic(AttachedVnic attached) {
        if (vnics.containsKey(attached.name())) {
            throw new IllegalArgumentException("a VNIC named '" + attached.name() + "' exists already");
        }
        if (attached.port().equals(config.uplink())) {
            throw new IllegalArgumentException("VNIC " + attached.name() + " cannot be attached to the uplink '" + config.uplink() + "'");
        }
        Aggregation aggregation = uplinkTarget.aggregation;
        if (aggregation != null && aggregation.config().members().contains(attached.port())) {
            throw new IllegalArgumentException("VNIC " + attached.name() + ": port " + attached.port() + " is a member of aggregation "
                    + aggregation.config().name());
        }
        if (slots.size() >= Defaults.MAX_VNICS) {
            throw new IllegalStateException("at most " + Defaults.MAX_VNICS + " VNICs");
        }
        if (classification.inHardware()) {
            throw new IllegalStateException("the uplink classifies in hardware with a queue per VNIC: adding VNICs live needs a restart");
        }
        runtime.port(attached.port());
        checkFabricMtu(attached.config());
        Vnic v = newVnic(attached);
        try {
            compileLevels();
            publishState();
        } catch (RuntimeException e) {
            vnics.remove(attached.name());
            slots.set(v.index(), null);
            throw e;
        }
        LOG.info("VNIC {} added on port {}: {}", attached.name(), attached.port(), attached.config());
        return v;
    }

    /**
     * Removes a VNIC: it leaves the tables at the lcores' next burst; once every lcore has passed a burst boundary
     * without it, what is left in its rings is freed. An lcore that does not pass one in time is logged as an error
     * and the rings wait (a leak until it does, never a use after free).
     */
    public synchronized void removeVnic(String name) {
        Vnic v = vnic(name);
        if (classification.inHardware()) {
            throw new IllegalStateException("the uplink classifies in hardware with a queue per VNIC: removing VNICs live needs a restart");
        }
        vnics.remove(name);
        slots.set(v.index(), null);
        compileLevels();
        publishState();
        for (VnicRing ring : v.classRings()) {
            if (ring != null) {
                retired.add(ring);
            }
        }
        retired.add(v.forwardingRing());
        freeRetiredRings();
        LOG.info("VNIC {} removed", name);
    }

    /** Frees the retired rings once no lcore can still be using them. */
    private void freeRetiredRings() {
        try {
            Quiescence.await(runtime.loops(), Defaults.QUIESCENCE_TIMEOUT);
        } catch (LcoreStalledException e) {
            LOG.error("{}: {} ring(s) of removed VNICs are kept until it does", e.getMessage(), retired.size());
            return;
        }
        retired.forEach(Datapath::drainRing);
        retired.clear();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // VNSes

    /**
     * Creates VNS {@code config.name()} or moves it to {@code config}, with exactly {@code routes}: the FIB changes
     * entry by entry in place, everything else at the lcores' next burst.
     */
    public synchronized void putVns(VnsConfig config, List<VnsRoute> routes) {
        VnsTable t = vnses.get(config.name());
        if (t == null) {
            t = new VnsTable(vnsSlots.size(), config, new VnicRing(this.config.forwardingRingSize(), false),
                    router.actionsFor(vnsSlots.size()), System.nanoTime());
            vnses.put(config.name(), t);
            vnsSlots.add(t);
        }
        t.apply(config, routes, uplinkRoutesOf(config.name()), gatewayMac, names);
        publishState();
        reclaim(t);
        LOG.info("VNS {}: {}", config.name(), config);
    }

    /** Removes a VNS no VNIC belongs to and no route leads to (the database checked both). */
    public synchronized void removeVns(String name) {
        VnsTable t = vns(name);
        if (VnsNames.DEFAULT.equals(name)) {
            throw new IllegalArgumentException("VNS default cannot be removed");
        }
        for (Vnic v : vnics.values()) {
            if (v.config().vns().equals(name)) {
                throw new IllegalStateException("VNS " + name + " still has VNIC " + v.name());
            }
        }
        vnses.remove(name);
        vnsSlots.set(t.index, null);
        publishState();
        try {
            Quiescence.await(runtime.loops(), Defaults.QUIESCENCE_TIMEOUT);
            t.close();
        } catch (LcoreStalledException e) {
            LOG.error("{}: VNS {}'s tables are kept", e.getMessage(), name);
        }
        LOG.info("VNS {} removed", name);
    }

    /** Adds a route to a VNS live: in its FIB in place, no pause, no new state unless the FIB is its first. */
    public synchronized void addRoute(VnsRoute route) {
        VnsTable t = vns(route.vns());
        boolean first = !t.hasFib();
        t.addRoute(route, names);
        if (first) {
            publishState();
        }
    }

    /** Deletes a VNS's route to exactly {@code prefix}; its addresses fall to the next longest route at once. */
    public synchronized void deleteRoute(String vns, Ipv4Prefix prefix) {
        VnsTable t = vns(vns);
        t.deleteRoute(prefix);
        reclaim(t);
    }

    /** After the lcores are past a burst boundary: what the VNS's tables let go of is reused or freed. */
    private void reclaim(VnsTable t) {
        try {
            Quiescence.await(runtime.loops(), Defaults.QUIESCENCE_TIMEOUT);
            t.reclaimRetired(Mbufs::free);
        } catch (LcoreStalledException e) {
            LOG.error("{}: VNS {}'s released entries are kept until it does", e.getMessage(), t.name());
        }
    }

    private VnsTable vns(String name) {
        VnsTable t = vnses.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no VNS named '" + name + "' (VNSes: " + vnses.keySet() + ")");
        }
        return t;
    }

    /** Each VNS's name by its index (what the connection table records). */
    public synchronized Map<Integer, String> vnsNamesByIndex() {
        Map<Integer, String> out = new LinkedHashMap<>();
        vnses.values().forEach(t -> out.put(t.index, t.name()));
        return out;
    }

    public synchronized List<String> vnsNames() {
        return List.copyOf(vnses.keySet());
    }

    /** The VNS's counters (the routing lcore writes them; read racily, as every counter). */
    public synchronized VnsCounters vnsCounters(String name) {
        return vns(name).counters();
    }

    /** The VNS's neighbour table (its counters and {@link NeighbourTable#snapshot()} for display). */
    public synchronized NeighbourTable neighbours(String name) {
        return vns(name).neighbours();
    }

    /** Routes in the VNS's FIB, connected subnets included. */
    public synchronized int fibSize(String name) {
        return vns(name).fibSize();
    }

    /** Requests guests sent to the configuration service, for the control side to poll. */
    public GuestRequestQueue guestRequests() {
        return guestRequests;
    }

    private static GuestRequestQueue unserved(GuestRequestQueue queue) {
        queue.served(false);
        return queue;
    }

    /** Requests guests sent to the TLS handshake offload service, for the control side to poll. */
    public GuestRequestQueue tlsRequests() {
        return tlsRequests;
    }

    /** Frames for guests (replies, notifications), delivered through the lcore. */
    public InjectionQueue injections() {
        return injections;
    }

    /**
     * Starts capturing VNIC {@code name} into {@code tap} from the lcores' next packet; closing what this returns stops
     * it. One capture per VNIC at a time.
     *
     * @throws IllegalArgumentException when there is no such VNIC
     * @throws IllegalStateException when it is being captured already
     */
    public synchronized AutoCloseable captureVnic(String name, CaptureTap tap) {
        VnicCounters c = vnic(name).counters();
        if (c.tap != null) {
            throw new IllegalStateException("VNIC " + name + " is being captured already: one capture per VNIC at a time");
        }
        c.tap = tap;
        return () -> {
            synchronized (this) {
                if (c.tap == tap) {
                    c.tap = null;
                }
            }
        };
    }

    /** As {@link #captureVnic}, for port {@code name}: what every queue receives, sends and drops. */
    public synchronized AutoCloseable capturePort(String name, CaptureTap tap) {
        Port p = port(name);
        List<QueueCounters> queues = new ArrayList<>();
        for (int q = 0; q < p.rxQueues(); q++) {
            queues.add(p.rxCounters(q));
        }
        for (int q = 0; q < p.txQueues(); q++) {
            queues.add(p.txCounters(q));
        }
        if (queues.stream().anyMatch(c -> c.tap != null)) {
            throw new IllegalStateException("port " + name + " is being captured already: one capture per port at a time");
        }
        queues.forEach(c -> c.tap = tap);
        return () -> {
            synchronized (this) {
                queues.stream().filter(c -> c.tap == tap).forEach(c -> c.tap = null);
            }
        };
    }

    /** The VNIC with index {@code index}, if it still exists. */
    /**
     * Why {@code frame}, received on port {@code portName}, goes where it goes: the datapath's own steering run on a
     * copy of its state that nothing else reads ({@link PacketTrace}); nothing is sent and no live counter moves.
     *
     * @throws IllegalArgumentException for a port that is not configured (a fabric link is the fabric's) or a frame
     *                                  no mbuf holds
     */
    public synchronized PacketTrace.Result trace(String portName, byte[] frame) {
        if (config.runtime().ports().stream().noneMatch(p -> p.name().equals(portName))) {
            throw new IllegalArgumentException("no port named '" + portName + "' (a trace starts at the uplink, an aggregation's "
                    + "member or a guest port: " + String.join(", ", config.runtime().ports().stream().map(PortConfig::name).toList()) + ")");
        }
        Port p = runtime.port(portName);
        Aggregation aggregation = uplinkTarget.aggregation;
        boolean uplink = aggregation == null ? p.id() == uplinkTarget.port : aggregation.distribution().isMember(p.id());
        return PacketTrace.run(this, state.get(), p, uplink, uplinkTarget, frame, guestRequests, tlsRequests);
    }

    /** The name of port {@code id}, or its number when it has none (closed). */
    String portName(int id) {
        for (Port p : runtime.ports().values()) {
            if (p.id() == id) {
                return p.name();
            }
        }
        return Integer.toString(id);
    }

    public Optional<Vnic> vnicAt(int index) {
        return index >= 0 && index < slots.size() ? Optional.ofNullable(slots.get(index)) : Optional.empty();
    }

    public Vnic vnic(String name) {
        Vnic v = vnics.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no VNIC named '" + name + "' (VNICs: " + vnics.keySet() + ")");
        }
        return v;
    }

    public List<Vnic> vnics() {
        return List.copyOf(vnics.values());
    }

    public List<String> vnicNames() {
        return List.copyOf(vnics.keySet());
    }

    public Map<String, Port> ports() {
        return runtime.ports();
    }

    public Port port(String name) {
        return runtime.port(name);
    }

    /** Every port but the uplink (and its aggregation's members). */
    public List<Port> guestPorts() {
        Aggregation aggregation = uplinkTarget == null ? null : uplinkTarget.aggregation;
        return runtime.ports().values().stream().filter(p -> !p.name().equals(config.uplink())
                && (aggregation == null || !aggregation.config().members().contains(p.name()))).toList();
    }

    /** The uplink port; where the uplink is an aggregation, its first member. */
    public Port uplink() {
        Aggregation aggregation = uplinkTarget.aggregation;
        return aggregation == null ? runtime.port(config.uplink()) : runtime.port(aggregation.config().members().get(0));
    }

    public DpdkRuntime runtime() {
        return runtime;
    }

    public DatapathConfig config() {
        return config;
    }

    /** "software" or "rte_flow". */
    public String classifierName() {
        return classification.name();
    }

    /** Why that classifier runs (e.g. DPDK's refusal of a rule). */
    public String classifierReason() {
        return classification.reason();
    }

    /** Stops the lcores; ports and counters stay readable. */
    public void stopLoops() {
        runtime.stopLoops();
    }

    @Override
    public void close() {
        if (aggregationTimer != null) {
            aggregationTimer.shutdownNow();
        }
        spoofWarnings.close();
        linkMonitor.close();
        runtime.stopLoops();
        for (Vnic v : vnics.values()) {
            for (VnicRing ring : v.classRings()) {
                if (ring != null) {
                    drainRing(ring);
                }
            }
            drainRing(v.forwardingRing());
        }
        retired.forEach(Datapath::drainRing); // no lcore runs any more
        retired.clear();
        vnses.values().forEach(VnsTable::close);
        if (router != null) {
            router.flush();
        }
        if (connectionRules != null) {
            connectionRules.close();
        }
        if (classification != null) {
            classification.close();
        }
        runtime.close();
    }

    /** Frees what is still queued in a ring once no lcore uses it. */
    private static void drainRing(VnicRing ring) {
        ring.drain(Mbufs::free);
    }
}
