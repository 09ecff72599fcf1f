package io.quiver.dataplane.datapath;

import io.quiver.dataplane.classify.Classifier;
import io.quiver.dataplane.classify.FlowRuleClassifier;
import io.quiver.dataplane.classify.FlowRulePlan;
import io.quiver.dataplane.classify.SoftwareClassifier;
import io.quiver.dataplane.guest.GuestRequestQueue;
import io.quiver.dataplane.guest.InjectionQueue;
import io.quiver.dataplane.lcore.LcoreLoop;
import io.quiver.dataplane.lcore.PollTask;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.port.Port;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.ring.VnicRing;
import io.quiver.dataplane.runtime.Dataplane;
import io.quiver.dataplane.runtime.DataplaneConfig;
import io.quiver.dataplane.vnic.Ipv4Cidr;
import io.quiver.dataplane.vnic.Vnic;
import io.quiver.dataplane.vnic.VnicSpec;
import io.quiver.dpdk.EthDev;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running VNIC datapath: the uplink and guest ports, a local and a forwarding ring per VNIC, the classifier,
 * and the lcores (shared or dedicated). Configuration changes ({@link #updateVnic}) build a new
 * {@link DatapathState} and publish it; the lcores pick it up at their next burst.
 */
public final class Datapath implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Datapath.class);
    /** The most VNICs one datapath holds (indexes are never reused while it runs). */
    public static final int MAX_VNICS = PendingVnics.MAX_VNICS;

    private final DatapathConfig config;
    private final Dataplane dataplane;
    private final AtomicReference<DatapathState> state = new AtomicReference<>();
    private final Map<String, Vnic> vnics = new LinkedHashMap<>();
    /** VNICs by index, null where a VNIC was removed; indexes are never reused while the datapath runs. */
    private final List<Vnic> slots = new ArrayList<>();
    private final List<Ipv4Cidr> uplinkRoutes;
    private final long gatewayMac;
    private final GuestRequestQueue guestRequests = new GuestRequestQueue(1024);
    private final InjectionQueue injections = new InjectionQueue(1024);
    private final SpoofWarnings spoofWarnings;
    private Classifier classifier = SoftwareClassifier.INSTANCE;
    private FlowRuleClassifier flowRules;
    /** Written under this object's lock, read by the API without it. */
    private volatile String classifierReason = "";

    private Datapath(DatapathConfig config, Dataplane dataplane) {
        this.config = config;
        this.dataplane = dataplane;
        this.spoofWarnings = new SpoofWarnings(this::vnics);
        this.uplinkRoutes = config.uplinkRoutes().stream().map(Ipv4Cidr::parse).toList();
        this.gatewayMac = config.gatewayMac() == null ? 0 : Ethernet.macToLong(Ethernet.parseMac(config.gatewayMac()));
    }

    public static Datapath start(DatapathConfig config) {
        int lcores = config.lcores();
        List<PortConfig> ports = config.base().ports().stream()
                .map(p -> new PortConfig(p.name(), p.devargs(), 1, lcores, p.rxDescriptors(), p.txDescriptors(), p.promiscuous()))
                .toList();
        DataplaneConfig base = config.base();
        Dataplane dp = Dataplane.start(new DataplaneConfig(base.eal(), base.poolMbufs(), base.poolCache(), base.burstSize(), ports, List.of()));
        Datapath datapath = new Datapath(config, dp);
        try {
            datapath.matchRxQueuesToDriver();
            datapath.createVnics();
            datapath.chooseClassifier();
            datapath.startLoops();
            datapath.spoofWarnings.start();
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
        for (Port p : List.copyOf(dataplane.ports().values())) {
            int queues = Math.min(lcores, EthDev.info(p.id()).maxRxQueues());
            if (queues > p.rxQueues()) {
                PortConfig pc = p.config();
                dataplane.reopen(new PortConfig(pc.name(), pc.devargs(), queues, pc.txQueues(), pc.rxDescriptors(),
                        pc.txDescriptors(), pc.promiscuous()));
            }
        }
    }

    private void createVnics() {
        boolean multi = config.mode() == ThreadingMode.DEDICATED;
        if (config.vnics().size() > PendingVnics.MAX_VNICS) {
            throw new IllegalArgumentException("at most " + PendingVnics.MAX_VNICS + " VNICs, not " + config.vnics().size());
        }
        for (VnicSpec spec : config.vnics()) {
            newVnic(spec, multi);
        }
        publishState();
    }

    private Vnic newVnic(VnicSpec spec, boolean multi) {
        int port = dataplane.port(spec.port()).id();
        Vnic v = new Vnic(slots.size(), spec, port, new VnicRing(config.localRingSize(), multi),
                new VnicRing(config.forwardingRingSize(), false));
        vnics.put(spec.name(), v);
        slots.add(v);
        return v;
    }

    private void publishState() {
        state.set(buildState());
    }

    /** A state built from every VNIC (sharing the current one's flood domains where no VLAN changed). */
    private DatapathState buildState() {
        int maxPort = dataplane.ports().values().stream().mapToInt(Port::id).max().orElse(0);
        return new DatapathState(slots.toArray(Vnic[]::new), maxPort, uplinkRoutes, gatewayMac, state.get());
    }

    private void chooseClassifier() {
        if (config.classifier() == ClassifierChoice.SOFTWARE) {
            classifierReason = "chosen in the configuration";
            return;
        }
        Port uplink = dataplane.port(config.uplink());
        FlowRulePlan plan = new FlowRulePlan(config.vnics());
        EthDev.Info info = EthDev.info(uplink.id());
        String refusal;
        if (plan.queues() > info.maxRxQueues()) {
            refusal = info.driverName() + " has " + info.maxRxQueues() + " RX queues; rte_flow steering needs " + plan.queues();
        } else {
            PortConfig pc = uplink.config();
            Port multi = dataplane.reopen(new PortConfig(pc.name(), pc.devargs(), plan.queues(), pc.txQueues(),
                    pc.rxDescriptors(), pc.txDescriptors(), pc.promiscuous()));
            StringBuilder why = new StringBuilder();
            Optional<FlowRuleClassifier> programmed = FlowRuleClassifier.program(multi.id(), plan, why);
            if (programmed.isPresent()) {
                flowRules = programmed.get();
                classifier = flowRules;
                classifierReason = flowRules.ruleCount() + " rte_flow rules on " + info.driverName();
                LOG.info("uplink {}: hardware classification, {}", config.uplink(), classifierReason);
                return;
            }
            refusal = why.toString();
            dataplane.reopen(pc);
        }
        if (config.classifier() == ClassifierChoice.RTE_FLOW) {
            throw new IllegalStateException("uplink " + config.uplink() + ": rte_flow classification was required but refused: " + refusal);
        }
        classifierReason = "rte_flow refused: " + refusal;
        LOG.info("uplink {}: software classification ({})", config.uplink(), classifierReason);
    }

    private void startLoops() {
        Port uplink = dataplane.port(config.uplink());
        long pool = dataplane.pool().address();
        int burst = config.base().burstSize();
        var arena = dataplane.arena();
        List<Integer> cpus = config.cpus();
        LcoreTx rxTx = new LcoreTx(dataplane.ports().values(), 0, arena, burst);
        PendingVnics pending = config.mode() == ThreadingMode.SHARED ? new PendingVnics() : null;
        List<PollTask> rxTasks = new ArrayList<>();
        for (Port p : dataplane.ports().values()) {
            boolean isUplink = p.id() == uplink.id();
            var counters = new io.quiver.dataplane.port.QueueCounters[p.rxQueues()];
            for (int q = 0; q < counters.length; q++) {
                counters[q] = p.rxCounters(q);
            }
            rxTasks.add(new PortIngress(p.id(), p.rxQueues(), isUplink, uplink.id(), pool, state, classifier, counters, rxTx, pending, guestRequests, arena, burst));
        }
        rxTasks.add(new InjectTask(injections, state, pool, pending));
        if (config.mode() == ThreadingMode.SHARED) {
            rxTasks.add(new RingDelivery(state, 0, 1, uplink.id(), rxTx, pending, arena, burst));
            dataplane.addLoop(new LcoreLoop("datapath", cpus.get(0), rxTasks).start());
            return;
        }
        dataplane.addLoop(new LcoreLoop("rx", cpus.get(0), rxTasks).start());
        int workers = cpus.size() - 1;
        for (int w = 0; w < workers; w++) {
            LcoreTx workerTx = new LcoreTx(dataplane.ports().values(), 1 + w, arena, burst);
            dataplane.addLoop(new LcoreLoop("worker" + w, cpus.get(1 + w),
                    List.of(new RingDelivery(state, w, workers, uplink.id(), workerTx, null, arena, burst))).start());
        }
    }

    /**
     * Replaces a VNIC's addresses (MAC, secondary MACs, IPv4, VLAN) live: the classifier (tables, or the NIC's rules)
     * and the anti-spoof sets move with it at the lcores' next burst. A change that would clash with another VNIC
     * is refused and nothing changes.
     */
    public synchronized VnicSpec updateVnic(String name, UnaryOperator<VnicSpec> change) {
        Vnic v = vnic(name);
        VnicSpec before = v.spec();
        VnicSpec after = change.apply(before);
        v.spec(after);
        DatapathState current = state.get();
        try {
            if (flowRules != null) { // the NIC must accept every new rule before anything is published
                Optional<String> refused = FlowRuleClassifier.refusal(dataplane.port(config.uplink()).id(), currentFlowPlan());
                if (refused.isPresent()) {
                    throw new IllegalStateException("uplink " + config.uplink() + " refuses the updated rules: " + refused.get());
                }
            }
            state.set(current.withChangedVnic(v.index()).orElseGet(this::buildState));
        } catch (RuntimeException e) {
            v.spec(before);
            throw e;
        }
        if (flowRules != null) {
            try {
                reprogramFlowRules();
            } catch (RuntimeException e) { // validated, yet creating failed: go back to what runs, rules included
                v.spec(before);
                state.set(current);
                restoreFlowRules();
                throw e;
            }
        }
        LOG.debug("VNIC {} updated: mac {}, secondary {}, ipv4 {}, vlan {}", name, after.mac(), after.secondaryMacs(), after.ipv4(), after.vlan());
        return after;
    }

    private FlowRulePlan currentFlowPlan() {
        return new FlowRulePlan(slots.stream().map(v -> v == null ? null : v.spec()).toList());
    }

    private void reprogramFlowRules() {
        Port uplink = dataplane.port(config.uplink());
        flowRules.remove();
        StringBuilder why = new StringBuilder();
        // queue 0 keeps working through the software classifier while the rules are replaced
        flowRules = FlowRuleClassifier.program(uplink.id(), currentFlowPlan(), why).orElseThrow(
                () -> new IllegalStateException("uplink " + config.uplink() + " refused the updated rules: " + why));
    }

    /**
     * After a failed reprogramming, the rules of the VNICs as they are again. Should the NIC refuse even those, no
     * rule is left and every frame arrives on queue 0, which the software classifier serves: slower, still correct.
     */
    private void restoreFlowRules() {
        StringBuilder why = new StringBuilder();
        Optional<FlowRuleClassifier> restored = FlowRuleClassifier.program(dataplane.port(config.uplink()).id(), currentFlowPlan(), why);
        if (restored.isPresent()) {
            flowRules = restored.get();
            return;
        }
        classifierReason = "rte_flow rules lost after a refused update (" + why + "): queue 0, software classification";
        LOG.error("uplink {}: {}", config.uplink(), classifierReason);
    }

    /**
     * Adds a VNIC on one of the configured ports while the datapath runs: its rings are made, the classifier and
     * anti-spoof tables are rebuilt with it, and the lcores see it from their next burst.
     */
    public synchronized Vnic addVnic(VnicSpec spec) {
        if (vnics.containsKey(spec.name())) {
            throw new IllegalArgumentException("a VNIC named '" + spec.name() + "' exists already");
        }
        if (spec.port().equals(config.uplink())) {
            throw new IllegalArgumentException("VNIC " + spec.name() + " cannot be attached to the uplink '" + config.uplink() + "'");
        }
        if (slots.size() >= PendingVnics.MAX_VNICS) {
            throw new IllegalStateException("at most " + PendingVnics.MAX_VNICS + " VNICs");
        }
        if (flowRules != null) {
            throw new IllegalStateException("the uplink classifies in hardware with a queue per VNIC: adding VNICs live needs a restart");
        }
        dataplane.port(spec.port());
        Vnic v = newVnic(spec, config.mode() == ThreadingMode.DEDICATED);
        try {
            publishState();
        } catch (RuntimeException e) {
            vnics.remove(spec.name());
            slots.set(v.index(), null);
            throw e;
        }
        LOG.info("VNIC {} added on port {}: mac {}, ipv4 {}, vlan {}", spec.name(), spec.port(), spec.mac(), spec.ipv4(), spec.vlan());
        return v;
    }

    /**
     * Removes a VNIC: it leaves the tables at the lcores' next burst; once every lcore has passed a burst boundary
     * without it, what is left in its rings is freed.
     */
    public synchronized void removeVnic(String name) {
        Vnic v = vnic(name);
        if (flowRules != null) {
            throw new IllegalStateException("the uplink classifies in hardware with a queue per VNIC: removing VNICs live needs a restart");
        }
        vnics.remove(name);
        slots.set(v.index(), null);
        publishState();
        awaitBurstBoundary();
        drainRing(v.localRing());
        drainRing(v.forwardingRing());
        LOG.info("VNIC {} removed", name);
    }

    /** Waits until every running lcore has started a new loop iteration (so none still uses an older state). */
    private void awaitBurstBoundary() {
        List<LcoreLoop> loops = dataplane.loops();
        long[] seen = loops.stream().mapToLong(LcoreLoop::iterationsSeen).toArray();
        long deadline = System.nanoTime() + 1_000_000_000L;
        for (int i = 0; i < seen.length; i++) {
            while (loops.get(i).isRunning() && loops.get(i).iterationsSeen() < seen[i] + 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }
    }

    /** Requests guests sent to the configuration service, for the control side to poll. */
    public GuestRequestQueue guestRequests() {
        return guestRequests;
    }

    /** Frames for guests (replies, notifications), delivered through the lcore. */
    public InjectionQueue injections() {
        return injections;
    }

    /** The VNIC with index {@code index}, if it still exists. */
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

    public Map<String, Port> ports() {
        return dataplane.ports();
    }

    public Port port(String name) {
        return dataplane.port(name);
    }

    public Port uplink() {
        return dataplane.port(config.uplink());
    }

    public Dataplane dataplane() {
        return dataplane;
    }

    public DatapathConfig config() {
        return config;
    }

    /** "software" or "rte_flow". */
    public String classifierName() {
        return classifier.name();
    }

    /** Why that classifier runs (e.g. DPDK's refusal of a rule). */
    public String classifierReason() {
        return classifierReason;
    }

    /** Stops the lcores; ports and counters stay readable. */
    public void stopLoops() {
        dataplane.stopLoops();
    }

    @Override
    public void close() {
        spoofWarnings.close();
        dataplane.stopLoops();
        for (Vnic v : vnics.values()) {
            drainRing(v.localRing());
            drainRing(v.forwardingRing());
        }
        if (flowRules != null) {
            flowRules.remove();
        }
        dataplane.close();
    }

    /** Frees what is still queued in a ring once no lcore runs. */
    private static void drainRing(VnicRing ring) {
        ring.drain(io.quiver.dpdk.Mbufs::free);
    }

    public List<String> vnicNames() {
        return Collections.unmodifiableList(new ArrayList<>(vnics.keySet()));
    }
}
