package io.quiver.control.service;

import io.quiver.configstore.ChangeResult;
import io.quiver.configstore.ConfigStore;
import io.quiver.configstore.StoreOptions;
import io.quiver.configstore.journal.AuditRecord;
import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.model.VnicParameter;
import io.quiver.configstore.model.Ipv4Address;
import io.quiver.configstore.model.Ipv4Prefix;
import io.quiver.configstore.model.Subscription;
import io.quiver.configstore.model.VnsConfig;
import io.quiver.dataplane.priority.Levels;
import io.quiver.configstore.model.VnsRoute;
import io.quiver.dataplane.vns.NeighbourTable;
import io.quiver.dataplane.vns.VnsCounters;
import io.quiver.configstore.policy.GuestPolicy;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.datapath.Datapath;
import io.quiver.dataplane.datapath.DatapathConfig;
import io.quiver.dataplane.port.Port;
import io.quiver.dataplane.port.QueueCounters;
import io.quiver.dataplane.vnic.AttachedVnic;
import io.quiver.dataplane.vnic.Vnic;
import io.quiver.dataplane.vnic.VnicCounters;
import io.quiver.dataplane.vnic.WireAddresses;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one service layer under the CLI, the REST API and the guest request service. Every change goes to the VNIC
 * configuration database first (checked, committed, audited) and then to the live datapath, under one lock, so the
 * database and the dataplane never disagree about a VNIC; the lcores pick a change up at their next burst.
 */
public final class QuiverService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QuiverService.class);

    private final Datapath datapath;
    private final ConfigStore store;
    private final Attachments attachments;
    private final Object changes = new Object();
    private final Aggregations aggregations;
    private volatile Consumer<Notification> notifier = n -> { };
    /** Where committed VNIC changes are published beyond this appliance (the fabric's directory). */
    private volatile VnicPublication publication = VnicPublication.NONE;

    /** A committed host-side change the VNIC's guest is told about. */
    public record Notification(Vnic vnic, List<String> guestIps, long guestMac, long sequence, String parameter, String value) {
    }

    /** What became of a guest's request. */
    public record GuestOutcome(boolean accepted, String value, String denial, String message, long sequence,
                               long commitNanos, long applyNanos) {
    }

    private QuiverService(Datapath datapath, ConfigStore store, Attachments attachments, Path stateDir) {
        this.datapath = datapath;
        this.store = store;
        this.attachments = attachments;
        this.aggregations = new Aggregations(datapath, store, stateDir);
    }

    /**
     * The service over a running datapath and its open database, whose VNICs {@link #prepare} made agree with the
     * configuration file before the datapath started.
     */
    public static QuiverService over(Datapath datapath, Prepared prepared) {
        return new QuiverService(datapath, prepared.store, prepared.attachments, prepared.stateDir);
    }

    /** The database opened and reconciled with the configuration file, and the VNICs the datapath is to start with. */
    public static final class Prepared implements AutoCloseable {
        private final ConfigStore store;
        private final Attachments attachments;
        private final List<AttachedVnic> vnics;
        private final Path stateDir;

        private Prepared(ConfigStore store, Attachments attachments, List<AttachedVnic> vnics, Path stateDir) {
            this.stateDir = stateDir;
            this.store = store;
            this.attachments = attachments;
            this.vnics = vnics;
        }

        public List<AttachedVnic> vnics() {
            return vnics;
        }

        /** Every VNS as the database holds it, for the datapath's start. */
        public List<VnsConfig> vnses() {
            return store.vnsNames().stream().map(n -> store.vns(n).orElseThrow()).toList();
        }

        /** Every subscription level and flow, in rank order, for the datapath's start. */
        public List<Subscription> subscriptions() {
            return store.subscriptions();
        }

        /** Every route of every VNS. */
        public List<VnsRoute> routes() {
            return store.vnsNames().stream().flatMap(n -> store.routes(n).stream()).toList();
        }

        /** Closes the database (when the datapath did not start). */
        @Override
        public void close() {
            store.close();
        }
    }

    /**
     * Opens the configuration database in {@code stateDir} and makes it agree with the configuration file's VNICs
     * ({@link StartupReconciliation}), before any port forwards; {@code reset} makes it hold the file alone.
     */
    public static Prepared prepare(Path stateDir, List<AttachedVnic> fromFile, Map<String, String> filePolicies,
                                   List<String> ports, boolean reset) {
        return prepare(stateDir, fromFile, filePolicies, ports, reset, List.of(), List.of());
    }

    /** As above, with the file's VNSes and routes: VNSes before the VNICs that name them, routes after. */
    public static Prepared prepare(Path stateDir, List<AttachedVnic> fromFile, Map<String, String> filePolicies,
                                   List<String> ports, boolean reset, List<VnsConfig> fileVnses, List<VnsRoute> fileRoutes) {
        return prepare(stateDir, fromFile, filePolicies, ports, reset, fileVnses, fileRoutes, List.of(), StoreOptions.defaults());
    }

    /**
     * As above, with the file's subscription levels and flows, which go in after the VNICs they may name, and the
     * store's options (its durability).
     */
    public static Prepared prepare(Path stateDir, List<AttachedVnic> fromFile, Map<String, String> filePolicies,
                                   List<String> ports, boolean reset, List<VnsConfig> fileVnses, List<VnsRoute> fileRoutes,
                                   List<Subscription> fileLevels, StoreOptions storeOptions) {
        ConfigStore store = ConfigStore.open(stateDir, storeOptions);
        try {
            Attachments attachments = new Attachments(stateDir);
            VnsReconciliation.putVnses(fileVnses, fileRoutes, store, reset);
            SubscriptionReconciliation.deleteUnnamed(fileLevels, store, reset);
            List<AttachedVnic> vnics = StartupReconciliation.run(fromFile, filePolicies, store, attachments,
                    new FileIntent(stateDir), ports, reset);
            VnsReconciliation.putRoutes(fileVnses, fileRoutes, store, reset);
            SubscriptionReconciliation.put(fileLevels, store, reset);
            return new Prepared(store, attachments, vnics, stateDir);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** Who gets told about host-side changes (the guest request service sends the notification datagram). */
    /** From now on, every VNIC change must also be published to {@code p} (the fabric's directory), or it is undone. */
    public void publishVnicsTo(VnicPublication p) {
        synchronized (changes) {
            publication = p;
        }
    }

    public void onNotification(Consumer<Notification> consumer) {
        this.notifier = consumer;
    }

    // ---- VNICs ------------------------------------------------------------------------------------------------

    public List<Views.Vnic> vnics() {
        return datapath.vnics().stream().map(this::view).toList();
    }

    public Views.Vnic vnic(String name) {
        return view(liveVnic(name));
    }

    public Views.Vnic createVnic(Views.CreateVnic request, String who) {
        if (request == null || request.name() == null || request.port() == null || request.mac() == null) {
            throw ServiceException.badRequest("a VNIC needs 'name', 'port' and 'mac'");
        }
        AttachedVnic spec;
        try {
            VnicConfig c = AttachedVnic.of(request.name(), request.mac(), request.secondaryMacs(), request.ipv4(),
                    request.vlan() == null ? 0 : request.vlan(), request.port()).config();
            if (request.ipv6() != null && !request.ipv6().isEmpty()) {
                c = c.with(VnicParameter.IPV6_ADDRESSES, String.join(",", request.ipv6()));
            }
            for (Map.Entry<String, String> e : (request.properties() == null ? Map.<String, String>of() : request.properties()).entrySet()) {
                c = c.with(VnicParameter.byName(e.getKey()), e.getValue());
            }
            spec = new AttachedVnic(c, request.port());
        } catch (IllegalArgumentException | ConfigException e) {
            throw ServiceException.badRequest(e.getMessage());
        }
        synchronized (changes) {
            if (store.vnic(spec.name()).isPresent() || datapath.vnicNames().contains(spec.name())) {
                throw ServiceException.conflict("a VNIC named '" + spec.name() + "' exists already");
            }
            if (!datapath.ports().containsKey(spec.port())) {
                throw ServiceException.badRequest("no port named '" + spec.port() + "' (ports: " + datapath.ports().keySet() + ")");
            }
            ChangeResult r = store.putVnic(Requester.admin(who), spec.config());
            if (!r.committed()) {
                throw refused(r);
            }
            try {
                datapath.addVnic(spec);
            } catch (RuntimeException e) {
                store.deleteVnic(Requester.admin(who), spec.name());
                throw ServiceException.conflict(e.getMessage());
            }
            try {
                publication.publish(null, spec.config());
            } catch (ServiceException e) {
                datapath.removeVnic(spec.name());
                store.deleteVnic(Requester.admin("quiver-revert"), spec.name());
                throw e;
            }
            attachments.put(spec.name(), spec.port());
            return view(datapath.vnic(spec.name()));
        }
    }

    public void deleteVnic(String name, String who) {
        synchronized (changes) {
            publication.withdraw(liveVnic(name).config());
            ChangeResult r = store.deleteVnic(Requester.admin(who), name);
            if (!r.committed()) {
                throw refused(r);
            }
            datapath.removeVnic(name);
            attachments.remove(name);
        }
    }

    /** Every parameter of a VNIC as the database holds it (defaults included). */
    public Map<String, String> properties(String name) {
        VnicConfig c = storedVnic(name);
        Map<String, String> p = new LinkedHashMap<>();
        for (VnicParameter parameter : VnicParameter.values()) {
            p.put(parameter.wireName(), c.get(parameter));
        }
        return p;
    }

    /** Audits a guest's TLS offload that its policy refused (the journal's TLS_OFFLOAD_REFUSED). */
    public void auditTlsOffloadRefusal(String vnic, String message) {
        store.auditTlsOffloadRefusal(vnic, message);
    }

    /** A host-side change: committed, applied live, audited, and the guest is told. */
    public Views.Vnic setProperty(String name, String parameter, String value, String who) {
        Notification notification;
        synchronized (changes) {
            Vnic live = liveVnic(name);
            List<String> oldIps = live.config().ipv4Addresses().stream().map(Object::toString).toList();
            long oldMac = WireAddresses.primaryMac(live.config());
            VnicConfig previous = store.vnic(name).orElse(null); // absent: the change is refused below
            ChangeResult r = store.adminChange(Requester.admin(who), name, parameter, value);
            if (!r.committed()) {
                throw refused(r);
            }
            apply(name, previous, r.vnic());
            String newValue = r.vnic().get(VnicParameter.byName(parameter));
            notification = new Notification(live, oldIps, oldMac, r.sequence(), parameter, newValue);
        }
        notifier.accept(notification);
        return vnic(name);
    }

    /** A guest's request, identified by the VNIC it arrived on: checked against its policy, committed, applied. */
    public GuestOutcome guestRequest(Vnic from, String parameter, String value) {
        synchronized (changes) {
            long t0 = System.nanoTime();
            VnicConfig previous = store.vnic(from.name()).orElse(null); // absent: the request is denied below
            ChangeResult r = store.requestChange(Requester.guest(from.name()), from.name(), parameter, value);
            long t1 = System.nanoTime();
            if (!r.committed()) {
                return new GuestOutcome(false, null, r.decision().reason().name().toLowerCase(java.util.Locale.ROOT),
                        r.decision().message(), r.sequence(), t1 - t0, 0);
            }
            apply(from.name(), previous, r.vnic());
            return new GuestOutcome(true, r.vnic().get(VnicParameter.byName(parameter)), null, null, r.sequence(),
                    t1 - t0, System.nanoTime() - t1);
        }
    }

    /** The current value of a parameter, for a guest's "get". */
    public String guestRead(Vnic from, String parameter) {
        VnicParameter p = VnicParameter.lookup(parameter);
        if (p == null) {
            throw ServiceException.badRequest(VnicParameter.unknownMessage(parameter));
        }
        return storedVnic(from.name()).get(p);
    }

    /**
     * Moves the live VNIC to the committed parameters; should the datapath refuse them (a clash the database cannot
     * see, e.g. a MAC used on another VLAN), the database is put back to {@code previous}, its record before the
     * change, every parameter as it was, and the change fails.
     */
    private void apply(String name, VnicConfig previous, VnicConfig committed) {
        VnicConfig running = datapath.vnic(name).config();
        try {
            datapath.updateVnic(name, committed);
        } catch (RuntimeException e) {
            store.putVnic(Requester.admin("quiver-revert"), previous);
            throw ServiceException.conflict("the dataplane refused the change (" + e.getMessage() + "); nothing changed");
        }
        try {
            publication.publish(running, committed);
        } catch (ServiceException e) { // the directory must never miss what runs: undone, both live and stored
            datapath.updateVnic(name, running);
            store.putVnic(Requester.admin("quiver-revert"), previous);
            throw new ServiceException(e.status(), e.getMessage() + "; nothing changed");
        }
    }

    public void setPolicy(String name, String policyText, String who) {
        GuestPolicy policy;
        try {
            policy = GuestPolicy.parse(policyText == null ? "" : policyText);
        } catch (RuntimeException e) {
            throw ServiceException.badRequest("policy: " + e.getMessage());
        }
        synchronized (changes) {
            storedVnic(name);
            ChangeResult r = store.setPolicy(Requester.admin(who), name, policy);
            if (!r.committed()) {
                throw refused(r);
            }
        }
    }

    public String policy(String name) {
        storedVnic(name);
        return store.policy(name).map(GuestPolicy::toText).orElse("");
    }

    /** The sequence of the last audit record (0 when there is none): where a feed of what happens next starts. */
    public long lastAuditSequence() {
        return store.audit().lastSequence();
    }

    public List<Views.Audit> audit(long after, int limit) {
        if (limit < 1 || limit > 10_000) {
            throw ServiceException.badRequest("limit must be 1..10000");
        }
        List<Views.Audit> out = new ArrayList<>();
        for (AuditRecord a : store.audit().after(after, limit)) {
            out.add(new Views.Audit(a.sequence(), a.time().toString(), a.requester().toString(), a.action().name(), a.vnic(),
                    a.parameter(), a.value(), a.committed(), a.denial() == null ? null : a.denial().name(), a.reason()));
        }
        return out;
    }

    // ---- VNSes --------------------------------------------------------------------------------------------------

    public List<Views.Vns> vnses() {
        return store.vnsNames().stream().map(this::vnsView).toList();
    }

    public Views.Vns vns(String name) {
        storedVns(name);
        return vnsView(name);
    }

    /** Creates a VNS with the given properties: committed, then live (its connected subnets in its FIB). */
    public Views.Vns createVns(Views.CreateVns request, String who) {
        if (request == null || request.name() == null) {
            throw ServiceException.badRequest("a VNS needs a 'name'");
        }
        VnsConfig config;
        try {
            config = VnsConfig.create(request.name());
            for (Map.Entry<String, String> e : (request.properties() == null ? Map.<String, String>of() : request.properties()).entrySet()) {
                config = config.with(e.getKey(), e.getValue());
            }
        } catch (ConfigException e) {
            throw ServiceException.badRequest(e.getMessage());
        }
        synchronized (changes) {
            if (store.vns(config.name()).isPresent()) {
                throw ServiceException.conflict("a VNS named '" + config.name() + "' exists already");
            }
            ChangeResult r = store.putVns(Requester.admin(who), config);
            if (!r.committed()) {
                throw refused(r);
            }
            try {
                datapath.putVns(store.vns(config.name()).orElseThrow(), store.routes(config.name()));
            } catch (RuntimeException e) {
                store.deleteVns(Requester.admin("quiver-revert"), config.name());
                throw ServiceException.conflict("the dataplane refused VNS " + config.name() + " (" + e.getMessage() + "); nothing changed");
            }
            return vnsView(config.name());
        }
    }

    public Views.Vns setVnsProperty(String name, String property, String value, String who) {
        synchronized (changes) {
            VnsConfig previous = storedVns(name);
            ChangeResult r = store.setVnsProperty(Requester.admin(who), name, property, value);
            if (!r.committed()) {
                throw refused(r);
            }
            try {
                datapath.putVns(store.vns(name).orElseThrow(), store.routes(name));
            } catch (RuntimeException e) { // the database goes back to what runs, every property as it was
                store.putVns(Requester.admin("quiver-revert"), previous);
                datapath.putVns(previous, store.routes(name));
                throw ServiceException.conflict("the dataplane refused the change (" + e.getMessage() + "); nothing changed");
            }
            return vnsView(name);
        }
    }

    /** Every property of a VNS as the database holds it. */
    public Map<String, String> vnsProperties(String name) {
        return storedVns(name).properties();
    }

    public void deleteVns(String name, String who) {
        synchronized (changes) {
            storedVns(name);
            ChangeResult r = store.deleteVns(Requester.admin(who), name);
            if (!r.committed()) {
                throw refused(r);
            }
            datapath.removeVns(name);
        }
    }

    public List<Views.Route> routes(String vns) {
        storedVns(vns);
        return store.routes(vns).stream().map(r -> new Views.Route(vns, r.prefix().toString(), r.nextHopText())).toList();
    }

    /** Adds a route ({@code PREFIX via ADDRESS|dev VNIC|vns OTHER}): committed, then in the VNS's FIB in place. */
    public Views.Route addRoute(String vns, String route, String who) {
        VnsRoute r;
        try {
            r = VnsRoute.parse(vns, route);
        } catch (ConfigException e) {
            throw ServiceException.badRequest(e.getMessage());
        }
        synchronized (changes) {
            storedVns(vns);
            ChangeResult result = store.addRoute(Requester.admin(who), r);
            if (!result.committed()) {
                throw refused(result);
            }
            datapath.addRoute(r);
            return new Views.Route(vns, r.prefix().toString(), r.nextHopText());
        }
    }

    public void deleteRoute(String vns, String prefix, String who) {
        Ipv4Prefix p;
        try {
            p = prefix.equalsIgnoreCase("default") ? Ipv4Prefix.parse("0.0.0.0/0") : Ipv4Prefix.parse(prefix);
        } catch (ConfigException e) {
            throw ServiceException.badRequest(e.getMessage());
        }
        synchronized (changes) {
            storedVns(vns);
            ChangeResult r = store.deleteRoute(Requester.admin(who), vns, p);
            if (!r.committed()) {
                throw refused(r);
            }
            datapath.deleteRoute(vns, p);
        }
    }

    /** The VNS's neighbours as its router knows them now (read while the routing lcore changes them: a snapshot). */
    public List<Views.Neighbour> neighbours(String vns) {
        storedVns(vns);
        List<Views.Neighbour> out = new ArrayList<>();
        for (Object[] n : datapath.neighbours(vns).snapshot()) {
            out.add(new Views.Neighbour(vns, Ipv4Address.format(Integer.toUnsignedLong((int) n[0])), (String) n[1],
                    (long) n[2] == 0 ? "" : io.quiver.dataplane.packet.Ethernet.formatMac((long) n[2])));
        }
        out.sort(java.util.Comparator.comparing(Views.Neighbour::address));
        return out;
    }

    private VnsConfig storedVns(String name) {
        return store.vns(name).orElseThrow(() -> ServiceException.notFound("no VNS named '" + name + "'"));
    }

    private Views.Vns vnsView(String name) {
        VnsConfig c = storedVns(name);
        VnsCounters k = datapath.vnsCounters(name);
        NeighbourTable n = datapath.neighbours(name);
        return new Views.Vns(name, c.routerMac().toString(), c.properties(), store.routes(name).size(), datapath.fibSize(name),
                n.size(), new Views.VnsCounters(k.routed, k.local, k.noRoute, k.ttlExceeded, k.tooBig, k.icmpSent, k.rateLimited,
                k.malformed, k.loops, k.full, n.arpMisses, n.held, n.heldDropped, n.probesSent, n.dropped));
    }

    // ---- subscription levels and flows ------------------------------------------------------------------------

    /** The levels ({@code kind} subscription) or flows, in the order they are tried (rank, then name). */
    public List<Views.Subscription> subscriptions(Subscription.Kind kind) {
        Levels live = datapath.levels();
        return store.subscriptions().stream().filter(s -> s.kind() == kind).map(s -> Priorities.view(s, live)).toList();
    }

    public Views.Subscription subscription(String name, Subscription.Kind kind) {
        Subscription s = store.subscription(name).filter(x -> x.kind() == kind)
                .orElseThrow(() -> ServiceException.notFound("no " + kind.word() + " named '" + name + "'"));
        return Priorities.view(s, datapath.levels());
    }

    public Views.Subscription createSubscription(Views.CreateSubscription request, String who) {
        return putLevel(Priorities.level(request), false, who);
    }

    /** Replaces a level's settings and rules (its connections keep it: a change of class or limits applies to them). */
    public Views.Subscription replaceSubscription(String name, Views.CreateSubscription request, String who) {
        if (request != null && request.name() != null && !request.name().equals(name)) {
            throw ServiceException.badRequest("the body names " + request.name() + ", the path " + name);
        }
        return putLevel(Priorities.level(request == null ? null : new Views.CreateSubscription(name, request.priority(),
                request.maxbw(), request.maxpps(), request.rank(), request.rules())), true, who);
    }

    public Views.Subscription addFlow(Views.CreateFlow request, String who) {
        return putLevel(Priorities.flow(request), false, who);
    }

    private Views.Subscription putLevel(Subscription level, boolean replace, String who) {
        synchronized (changes) {
            Subscription previous = store.subscription(level.name()).orElse(null);
            if (previous != null && !replace) {
                throw ServiceException.conflict("a " + previous.kind().word() + " named '" + level.name() + "' exists already");
            }
            if (previous == null && replace) {
                throw ServiceException.notFound("no " + level.kind().word() + " named '" + level.name() + "'");
            }
            ChangeResult r = store.putSubscription(Requester.admin(who), level);
            if (!r.committed()) {
                throw refused(r);
            }
            try {
                datapath.putSubscriptions(store.subscriptions());
            } catch (RuntimeException e) { // the database goes back to what runs
                if (previous == null) {
                    store.deleteSubscription(Requester.admin("quiver-revert"), level.name(), level.kind());
                } else {
                    store.putSubscription(Requester.admin("quiver-revert"), previous);
                }
                throw ServiceException.conflict("the dataplane refused " + level.name() + " (" + e.getMessage() + "); nothing changed");
            }
            return subscription(level.name(), level.kind());
        }
    }

    public void deleteSubscription(String name, Subscription.Kind kind, String who) {
        synchronized (changes) {
            ChangeResult r = store.deleteSubscription(Requester.admin(who), name, kind);
            if (!r.committed()) {
                throw ServiceException.notFound(r.decision().message());
            }
            datapath.putSubscriptions(store.subscriptions());
        }
    }

    /** The live connection table, filtered by level and by an endpoint's address, at most {@code limit} entries. */
    public Views.ConnectionTable connections(String level, String address, int limit) {
        if (limit < 0 || limit > 100_000) {
            throw ServiceException.badRequest("limit is 0..100000, not " + limit);
        }
        return Priorities.connections(datapath.identifier(), datapath.levels(), datapath.connectionRules(), datapath.vnsNamesByIndex(),
                level, address, limit);
    }

    // ---- the uplink's aggregation -------------------------------------------------------------------------------

    /**
     * The datapath to start from the configuration file's {@code fromFile}: with the aggregation a live change left in
     * the state folder, while the file's uplink is what it was then ({@link Aggregations}).
     */
    public static DatapathConfig aggregationAtStart(Path stateDir, DatapathConfig fromFile, boolean reset) {
        return Aggregations.atStart(stateDir, fromFile, reset);
    }

    public List<Views.Aggregation> aggregations() {
        return aggregations.list();
    }

    public Views.Aggregation aggregation(String name) {
        return aggregations.get(name);
    }

    public Views.Aggregation createAggregation(Views.AggregationRequest request, String who) {
        return aggregations.create(request, who);
    }

    public Views.Aggregation modifyAggregation(String name, Views.AggregationRequest request, String who) {
        return aggregations.modify(name, request, who);
    }

    public Views.Aggregation addAggregationMember(String name, String port, String who) {
        return aggregations.addMember(name, port, who);
    }

    public Views.Aggregation removeAggregationMember(String name, String port, String who) {
        return aggregations.removeMember(name, port, who);
    }

    // ---- ports and statistics ---------------------------------------------------------------------------------

    public List<Views.Port> ports() {
        List<Views.Port> out = new ArrayList<>();
        for (Port p : datapath.ports().values()) {
            io.quiver.dataplane.aggr.Aggregation aggregation = datapath.aggregation();
            boolean member = aggregation != null && aggregation.config().members().contains(p.name());
            boolean uplink = member || (aggregation == null && p.name().equals(datapath.config().uplink()));
            QueueCounters.Totals rx = p.rxTotals();
            QueueCounters.Totals tx = p.txTotals();
            out.add(new Views.Port(p.name(), p.id(), p.config().devargs(), p.driver(), p.config().mtu(),
                    member ? "uplink (aggregation " + aggregation.config().name() + ")" : uplink ? "uplink" : "guests",
                    uplink ? datapath.classifierName() + " (" + datapath.classifierReason() + ")" : "software (guest egress)",
                    p.linkUp(), p.linkChanges, rx.packets(), rx.bytes(), rxByQueue(p), tx.packets(), tx.bytes(), rx.dropped(), p.deviceStats().rxNoMbuf(), dropMap(p.drops()),
                    dropMap(rx.drops()), dropMap(tx.drops()), malformedMap(rx.malformed())));
        }
        return out;
    }

    /** What each RX queue received: a multi-queue device (a VM's vhost-user with queues=N, RSS) spreads over them. */
    private static List<Long> rxByQueue(Port p) {
        List<Long> out = new ArrayList<>(p.rxQueues());
        for (int q = 0; q < p.rxQueues(); q++) {
            out.add(p.rxCounters(q).packets);
        }
        return out;
    }

    /** The packet pool: buffers in use now (in rings, bursts, frames held for resolution) and its size. */
    public Views.Mbufs mbufs() {
        var pool = datapath.runtime().pool();
        return new Views.Mbufs(pool.inUse(), pool.capacity());
    }

    public Views.Stats stats(GuestRequestStats guests) {
        Views.Latency latency = latencyOf(guests.latency());
        java.util.Map<String, Views.Latency> stages = new LinkedHashMap<>();
        org.HdrHistogram.Histogram[] hs = guests.stageLatency();
        for (int i = 0; i < hs.length; i++) {
            stages.put(GuestRequestStats.STAGES[i], latencyOf(hs[i]));
        }
        return new Views.Stats(ports(), vnics(), guests.accepted, guests.denied, guests.rateLimited, guests.malformed,
                datapath.guestRequests().overflows, latency, stages, vnses(), subscriptions(Subscription.Kind.SUBSCRIPTION),
                subscriptions(Subscription.Kind.FLOW), datapath.identifier() == null ? 0 : datapath.identifier().table().size(),
                datapath.identifier() == null ? 0 : datapath.identifier().table().full, Priorities.steering(datapath.connectionRules()),
                aggregations());
    }

    private static Views.Latency latencyOf(org.HdrHistogram.Histogram h) {
        return h.getTotalCount() == 0 ? new Views.Latency(0, 0, 0, 0, 0)
                : new Views.Latency(h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                        h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0);
    }

    public Datapath datapath() {
        return datapath;
    }

    // ---- mapping ----------------------------------------------------------------------------------------------

    private Views.Vnic view(Vnic v) {
        VnicConfig s = v.config();
        VnicCounters c = v.counters();
        Map<String, String> props = store.vnic(v.name()).isPresent() ? properties(v.name()) : Map.of();
        return new Views.Vnic(v.name(), v.port(), s.mac().toString(), texts(s.secondaryMacs()), texts(s.ipv4Addresses()),
                texts(s.ipv6Addresses()), s.vlan(), props,
                new Views.Counters(c.rxPackets, c.rxBytes, c.txPackets, c.txBytes, c.forwarded, c.guestRequests, dropMap(c.drops())));
    }

    /** Malformed frames by why the parser refused them (docs/datapath.md), the reasons with a count only. */
    private static Map<String, Long> malformedMap(long[] counts) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (io.quiver.dataplane.packet.MalformedReason r : io.quiver.dataplane.packet.MalformedReason.values()) {
            if (counts[r.ordinal()] != 0) {
                m.put(r.label(), counts[r.ordinal()]);
            }
        }
        return m;
    }

    private static Map<String, Long> dropMap(long[] drops) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (DropReason r : DropReason.values()) {
            if (drops[r.ordinal()] != 0) {
                m.put(r.label(), drops[r.ordinal()]);
            }
        }
        return m;
    }

    private static List<String> texts(List<?> values) {
        return values.stream().map(Object::toString).toList();
    }

    private Vnic liveVnic(String name) {
        try {
            return datapath.vnic(name);
        } catch (IllegalArgumentException e) {
            throw ServiceException.notFound(e.getMessage());
        }
    }

    private VnicConfig storedVnic(String name) {
        return store.vnic(name).orElseThrow(() -> ServiceException.notFound("no VNIC named '" + name + "'"));
    }

    private static ServiceException refused(ChangeResult r) {
        String reason = r.decision().reason() == null ? "" : r.decision().reason().name();
        int status = switch (reason) {
            case "UNKNOWN_VNIC", "UNKNOWN_VNS" -> 404;
            case "CONFLICT", "IN_USE" -> 409;
            default -> 400;
        };
        return new ServiceException(status, r.decision().message());
    }

    @Override
    public void close() {
        store.close();
    }
}
