package io.quiver.configstore;

import io.quiver.configstore.files.DiskSync;
import io.quiver.configstore.files.WriterLock;
import io.quiver.configstore.journal.Action;
import io.quiver.configstore.journal.ChangeListener;
import io.quiver.configstore.journal.Journal;
import io.quiver.configstore.journal.JournalRecord;
import io.quiver.configstore.journal.Snapshot;
import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.DenialReason;
import io.quiver.configstore.model.Ipv4Prefix;
import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.model.VnicParameter;
import io.quiver.configstore.model.Subscription;
import io.quiver.configstore.model.VnsConfig;
import io.quiver.configstore.model.VnsNames;
import io.quiver.configstore.model.VnsRoute;
import io.quiver.configstore.policy.GuestPolicy;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VNIC configuration database, opened for writing: one process (the daemon) holds it; others read the same files
 * live through {@link ConfigStoreReader}.
 * <p>
 * Every request, allowed or not, becomes one journal record (the audit log); a commit's record carries the whole
 * resulting VNIC config or policy, is written before the VNIC or policy map is updated, and is replayed on the next
 * open if the process died in between. Commits are serialised by one lock, so a guest request and an administrator's
 * change to the same VNIC never interleave: each sees the other's complete result. A method that returned has its
 * change in the memory-mapped files, which survive the death of the process ({@code kill -9}); see
 * {@code docs/configstore.md} for what they do not survive.
 * <p>
 * {@link #check} answers from an in-memory copy of the committed state, without locks or allocation when it allows.
 */
public final class ConfigStore extends OpenStore {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigStore.class);
    private static final int MAX_PARAMETER_CHARS = 64;
    /** Routes the store holds over all VNSes (its route map is sized for them). */
    public static final int MAX_STORED_ROUTES = 65_536;
    private static final Comparator<Ipv4Prefix> PREFIX_ORDER = Comparator
            .comparingLong((Ipv4Prefix p) -> Integer.toUnsignedLong(p.network().bits())).thenComparingInt(Ipv4Prefix::length);

    /** Test hook: where to stop the process dead inside a commit. Never set outside tests. */
    static volatile CrashPoints crashPoints;

    private final StoreOptions options;
    private final WriterLock writerLock;
    private final RecoveryReport recovery;
    private final ConcurrentHashMap<String, VnicState> states = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, VnsConfig> vnses = new ConcurrentHashMap<>();
    /** By VNS: its routes by prefix (a VNS without routes may have no entry). */
    private final ConcurrentHashMap<String, ConcurrentSkipListMap<Ipv4Prefix, VnsRoute>> routes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final ReentrantLock commitLock = new ReentrantLock();
    private final CopyOnWriteArrayList<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    private final ThreadLocal<long[]> scratch = ThreadLocal.withInitial(() -> new long[VnicParameter.MAX_WORDS]);
    /** Flushes the maps before a checkpoint or a clean close vouches for them; null under {@link Durability#PROCESS}. */
    private final DiskSync mapSync;
    private long commitsSinceCheckpoint;
    private volatile String failure;
    private volatile boolean closed;

    ConfigStore(Path dir, StoreOptions options, WriterLock writerLock, StateMaps maps, Journal journal,
                RecoveryReport recovery) {
        super(dir, maps, journal);
        this.options = options;
        this.writerLock = writerLock;
        this.recovery = recovery;
        this.mapSync = options.durability() == Durability.POWER_LOSS ? new DiskSync() : null;
    }

    /** Opens (creating it if the directory holds no store) the store in {@code dir} with default options. */
    public static ConfigStore open(Path dir) {
        return open(dir, StoreOptions.defaults());
    }

    /**
     * Opens the store in {@code dir} for writing, creating it when the directory holds none. Fails with a
     * {@link ConfigException} when another process has it open for writing, and with a {@link SchemaVersionException}
     * when its files have another schema version. When the last writer died, runs Chronicle's recovery and replays
     * the journal from the last checkpoint first (see {@link #recoveryReport()}).
     */
    public static ConfigStore open(Path dir, StoreOptions options) {
        return StoreOpening.open(dir, options);
    }

    /** Reads the committed state into memory (once, at open). */
    void load() {
        for (String name : maps.vnicNames()) {
            VnicConfig config = maps.vnic(name);
            GuestPolicy policy = maps.policy(name);
            states.put(name, new VnicState(config, policy == null ? GuestPolicy.NONE : policy));
        }
        for (String name : maps.vnsNames()) {
            vnses.put(name, maps.vns(name));
        }
        vnses.putIfAbsent(VnsNames.DEFAULT, VnsConfig.create(VnsNames.DEFAULT)); // stored once first changed
        for (VnsRoute r : maps.routes()) {
            routesOf(r.vns()).put(r.prefix(), r);
        }
        for (String name : maps.subscriptionNames()) {
            subscriptions.put(name, maps.subscription(name));
        }
        for (String name : maps.policyNames()) {
            if (!states.containsKey(name)) {
                LOG.warn("configstore {}: a policy exists for VNIC {}, which does not", dir, name);
            }
        }
    }

    public RecoveryReport recoveryReport() {
        return recovery;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Reading

    @Override
    public Optional<VnicConfig> vnic(String name) {
        VnicState s = name == null ? null : states.get(name);
        return s == null ? Optional.empty() : Optional.of(s.config());
    }

    @Override
    public List<String> vnicNames() {
        return states.keySet().stream().sorted().toList();
    }

    @Override
    public Optional<GuestPolicy> policy(String vnic) {
        VnicState s = vnic == null ? null : states.get(vnic);
        return s == null ? Optional.empty() : Optional.of(s.policy());
    }

    /** The VNS named {@code name}; {@code default} always exists. */
    public Optional<VnsConfig> vns(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(vnses.get(name));
    }

    public List<String> vnsNames() {
        return vnses.keySet().stream().sorted().toList();
    }

    /** The routes of VNS {@code vns}, by prefix (address, then length); empty for an unknown VNS. */
    public List<VnsRoute> routes(String vns) {
        ConcurrentSkipListMap<Ipv4Prefix, VnsRoute> r = vns == null ? null : routes.get(vns);
        return r == null ? List.of() : List.copyOf(r.values());
    }

    private ConcurrentSkipListMap<Ipv4Prefix, VnsRoute> routesOf(String vns) {
        return routes.computeIfAbsent(vns, k -> new ConcurrentSkipListMap<>(PREFIX_ORDER));
    }

    private List<VnsRoute> allRoutes() {
        List<VnsRoute> all = new ArrayList<>();
        routes.values().forEach(m -> all.addAll(m.values()));
        return all;
    }

    /** Tells {@code listener} about every later commit, in order, before the committing call returns. */
    public void addListener(ChangeListener listener) {
        listeners.add(listener);
    }

    public void removeListener(ChangeListener listener) {
        listeners.remove(listener);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Permission check: no lock, no Chronicle Map access, no allocation when allowed

    /**
     * Whether {@code requester} may set {@code parameter} (a wire name) of {@code vnic} to {@code value}, against the
     * committed state. Commits nothing and audits nothing: {@link #requestChange} does both.
     */
    public Decision check(Requester requester, String vnic, String parameter, CharSequence value) {
        return check(requester, vnic, parameter, VnicParameter.lookup(parameter), value);
    }

    /** As {@link #check(Requester, String, String, CharSequence)}, for a parameter already resolved. */
    public Decision check(Requester requester, String vnic, VnicParameter parameter, CharSequence value) {
        return check(requester, vnic, parameter == null ? null : parameter.wireName(), parameter, value);
    }

    private Decision check(Requester requester, String vnic, String name, VnicParameter parameter,
                           CharSequence value) {
        VnicState state = vnic == null ? null : states.get(vnic);
        return PermissionChecker.check(requester, vnic, name, parameter, value, state, scratch.get());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Commits: each one check + journal + apply, under the commit lock

    /**
     * A guest's request to set one parameter of its VNIC: checked against its policy and, if allowed, committed;
     * audited either way. {@code guest} is the VNIC the request arrived on ({@link Requester#guest}).
     */
    public ChangeResult requestChange(Requester guest, String vnic, String parameter, String value) {
        if (guest == null || !guest.isGuest()) {
            throw new IllegalArgumentException("requestChange is for guests; use adminChange for " + guest);
        }
        return changeParameter(guest, Action.GUEST_CHANGE, vnic, parameter, value);
    }

    /** An administrator sets one parameter of a VNIC: validated, committed, audited; no guest policy applies. */
    public ChangeResult adminChange(Requester admin, String vnic, String parameter, String value) {
        requireAdmin(admin);
        return changeParameter(admin, Action.ADMIN_CHANGE, vnic, parameter, value);
    }

    private ChangeResult changeParameter(Requester requester, Action action, String vnic, String parameterName,
                                         String value) {
        VnicParameter parameter = VnicParameter.lookup(parameterName);
        commitLock.lock();
        try {
            ensureWritable();
            VnicState state = vnic == null ? null : states.get(vnic);
            Decision decision = PermissionChecker.check(requester, vnic, parameterName, parameter, value, state,
                    scratch.get());
            if (!decision.allowed()) {
                return deny(requester, action, vnic, parameterName, value, decision);
            }
            VnicConfig next;
            try {
                next = state.config().with(parameter, value);
            } catch (ConfigException e) {
                return deny(requester, action, vnic, parameterName, value,
                        Decision.denied(DenialReason.MALFORMED_VALUE, e.getMessage()));
            }
            Decision conflict = MacConflicts.find(next, states.values());
            if (conflict == null) {
                conflict = VnsRules.checkVnic(next, state.config(), vnses, allRoutes());
            }
            if (conflict != null) {
                return deny(requester, action, vnic, parameterName, value, conflict);
            }
            String reason = requester.isGuest()
                    ? "allowed by the guest policy " + parameter.wireName() + "="
                    + state.policy().allowed(parameter).toText()
                    : "administrator's change";
            return commit(requester, action, vnic, parameterName, value, next, null, reason);
        } finally {
            commitLock.unlock();
        }
    }

    /** An administrator creates a VNIC, or replaces all of an existing one's parameters. */
    public ChangeResult putVnic(Requester admin, VnicConfig config) {
        requireAdmin(admin);
        if (config == null) {
            throw new IllegalArgumentException("putVnic needs a config");
        }
        String value = JournalRecord.clip(config.toString(), JournalRecord.MAX_VALUE_CHARS);
        commitLock.lock();
        try {
            ensureWritable();
            VnicState current = states.get(config.name());
            if (current == null && states.size() >= options.maxVnics()) {
                return deny(admin, Action.VNIC_PUT, config.name(), "", value, Decision.denied(DenialReason.STORE_FULL,
                        "the store holds " + states.size() + " VNICs, as many as it was created for ("
                                + options.maxVnics() + "): delete one, or create a store with a larger maxVnics"));
            }
            Decision conflict = MacConflicts.find(config, states.values());
            if (conflict == null) {
                conflict = VnsRules.checkVnic(config, current == null ? null : current.config(), vnses, allRoutes());
            }
            if (conflict != null) {
                return deny(admin, Action.VNIC_PUT, config.name(), "", value, conflict);
            }
            return commit(admin, Action.VNIC_PUT, config.name(), "", value, config, null,
                    current == null ? "administrator created the VNIC" : "administrator replaced the VNIC");
        } finally {
            commitLock.unlock();
        }
    }

    /**
     * At start: the configuration file says {@code fileValue} for {@code parameter} of {@code vnic} where the store
     * holds another value. With {@code fileWins} the file's value is committed, else the stored one is kept; the
     * record says which, and {@code why}, either way.
     */
    public ChangeResult reconcile(Requester admin, String vnic, VnicParameter parameter, String fileValue, boolean fileWins,
                                  String why) {
        requireAdmin(admin);
        commitLock.lock();
        try {
            ensureWritable();
            VnicState state = vnic == null ? null : states.get(vnic);
            if (state == null) {
                return deny(admin, Action.RECONCILE, vnic, parameter.wireName(), fileValue, Decision.unknownVnic(vnic));
            }
            if (!fileWins) {
                return deny(admin, Action.RECONCILE, vnic, parameter.wireName(), fileValue, Decision.denied(DenialReason.CONFLICT, why));
            }
            VnicConfig next;
            try {
                next = state.config().with(parameter, fileValue);
            } catch (ConfigException e) {
                return deny(admin, Action.RECONCILE, vnic, parameter.wireName(), fileValue,
                        Decision.denied(DenialReason.MALFORMED_VALUE, e.getMessage()));
            }
            Decision conflict = MacConflicts.find(next, states.values());
            if (conflict == null) {
                conflict = VnsRules.checkVnic(next, state.config(), vnses, allRoutes());
            }
            if (conflict != null) {
                return deny(admin, Action.RECONCILE, vnic, parameter.wireName(), fileValue, conflict);
            }
            return commit(admin, Action.RECONCILE, vnic, parameter.wireName(), fileValue, next, null, why);
        } finally {
            commitLock.unlock();
        }
    }

    /** At start: the configuration file's guest policy for {@code vnic} against the stored one, as {@link #reconcile}. */
    public ChangeResult reconcilePolicy(Requester admin, String vnic, GuestPolicy filePolicy, boolean fileWins, String why) {
        requireAdmin(admin);
        String value = JournalRecord.clip(filePolicy.toText(), JournalRecord.MAX_VALUE_CHARS);
        commitLock.lock();
        try {
            ensureWritable();
            if (vnic == null || !states.containsKey(vnic)) {
                return deny(admin, Action.RECONCILE, vnic, "guest-policy", value, Decision.unknownVnic(vnic));
            }
            if (!fileWins) {
                return deny(admin, Action.RECONCILE, vnic, "guest-policy", value, Decision.denied(DenialReason.CONFLICT, why));
            }
            return commit(admin, Action.RECONCILE, vnic, "guest-policy", value, null, filePolicy, why);
        } finally {
            commitLock.unlock();
        }
    }

    /** An administrator deletes a VNIC and the policy of its guest. */
    public ChangeResult deleteVnic(Requester admin, String vnic) {
        requireAdmin(admin);
        commitLock.lock();
        try {
            ensureWritable();
            if (vnic == null || !states.containsKey(vnic)) {
                return deny(admin, Action.VNIC_DELETE, vnic, "", "", Decision.unknownVnic(vnic));
            }
            Decision inUse = VnsRules.checkVnic(null, states.get(vnic).config(), vnses, allRoutes());
            if (inUse == null) {
                inUse = SubscriptionRules.checkVnicDelete(vnic, subscriptions.values());
            }
            if (inUse != null) {
                return deny(admin, Action.VNIC_DELETE, vnic, "", "", inUse);
            }
            return commit(admin, Action.VNIC_DELETE, vnic, "", "", null, null, "administrator deleted the VNIC");
        } finally {
            commitLock.unlock();
        }
    }

    /** An administrator sets what the guest on {@code vnic} may change ({@link GuestPolicy#NONE}: nothing). */
    public ChangeResult setPolicy(Requester admin, String vnic, GuestPolicy policy) {
        requireAdmin(admin);
        if (policy == null) {
            throw new IllegalArgumentException("setPolicy needs a policy (GuestPolicy.NONE allows nothing)");
        }
        String value = JournalRecord.clip(policy.toText(), JournalRecord.MAX_VALUE_CHARS);
        commitLock.lock();
        try {
            ensureWritable();
            if (vnic == null || !states.containsKey(vnic)) {
                return deny(admin, Action.POLICY_SET, vnic, "", value, Decision.unknownVnic(vnic));
            }
            return commit(admin, Action.POLICY_SET, vnic, "", value, null, policy, "administrator set the policy");
        } finally {
            commitLock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // VNSes and their routes

    /** An administrator creates a VNS, or replaces all its properties (which must still suit its routes). */
    public ChangeResult putVns(Requester admin, VnsConfig vns) {
        requireAdmin(admin);
        if (vns == null) {
            throw new IllegalArgumentException("putVns needs a VNS");
        }
        String value = JournalRecord.clip(vns.toString(), JournalRecord.MAX_VALUE_CHARS);
        commitLock.lock();
        try {
            ensureWritable();
            boolean exists = vnses.containsKey(vns.name());
            if (!exists && vnses.size() >= options.maxVnics()) {
                return deny(admin, Action.VNS_PUT, vns.name(), "", value, Decision.denied(DenialReason.LIMIT_EXCEEDED,
                        "the store holds " + vnses.size() + " VNSes, as many as it was created for"));
            }
            Decision d = VnsRules.checkVnsChange(vns, routes(vns.name()), vnses.values());
            if (d != null) {
                return deny(admin, Action.VNS_PUT, vns.name(), "", value, d);
            }
            return commitVns(admin, Action.VNS_PUT, vns.name(), "", value, vns.withRevision(journal.lastSequence() + 1),
                    null, exists ? "administrator changed the VNS" : "administrator created the VNS");
        } finally {
            commitLock.unlock();
        }
    }

    /** An administrator sets one property of a VNS. */
    public ChangeResult setVnsProperty(Requester admin, String vns, String property, String value) {
        requireAdmin(admin);
        commitLock.lock();
        try {
            ensureWritable();
            VnsConfig current = vns == null ? null : vnses.get(vns);
            if (current == null) {
                return deny(admin, Action.VNS_PUT, vns, property, value, VnsRules.unknownVns(vns));
            }
            VnsConfig next;
            try {
                next = current.with(property, value);
            } catch (ConfigException e) {
                return deny(admin, Action.VNS_PUT, vns, property, value,
                        Decision.denied(DenialReason.MALFORMED_VALUE, e.getMessage()));
            }
            Decision d = VnsRules.checkVnsChange(next, routes(vns), vnses.values());
            if (d != null) {
                return deny(admin, Action.VNS_PUT, vns, property, value, d);
            }
            return commitVns(admin, Action.VNS_PUT, vns, property, value, next.withRevision(journal.lastSequence() + 1),
                    null, "administrator's change");
        } finally {
            commitLock.unlock();
        }
    }

    /** An administrator deletes a VNS that no VNIC belongs to and no other VNS routes to; its own routes go with it. */
    public ChangeResult deleteVns(Requester admin, String vns) {
        requireAdmin(admin);
        commitLock.lock();
        try {
            ensureWritable();
            if (vns == null || !vnses.containsKey(vns)) {
                return deny(admin, Action.VNS_DELETE, vns, "", "", VnsRules.unknownVns(vns));
            }
            List<VnsRoute> others = allRoutes().stream().filter(r -> !r.vns().equals(vns)).toList();
            Decision d = VnsRules.checkVnsDelete(vns, states, others);
            if (d != null) {
                return deny(admin, Action.VNS_DELETE, vns, "", "", d);
            }
            for (VnsRoute r : routes(vns)) { // each its own record, so a replay removes them from the route map too
                commitVns(admin, Action.ROUTE_DELETE, vns, r.prefix().toString(), r.nextHopText(), null, null,
                        "deleted with its VNS");
            }
            return commitVns(admin, Action.VNS_DELETE, vns, "", "", null, null, "administrator deleted the VNS");
        } finally {
            commitLock.unlock();
        }
    }

    /** An administrator adds a route to a VNS. */
    public ChangeResult addRoute(Requester admin, VnsRoute route) {
        requireAdmin(admin);
        String value = JournalRecord.clip(route.nextHopText(), JournalRecord.MAX_VALUE_CHARS);
        commitLock.lock();
        try {
            ensureWritable();
            Decision d = VnsRules.checkRouteAdd(route, vnses.get(route.vns()), routesOf(route.vns()), vnses, states);
            if (d == null && allRoutes().size() >= MAX_STORED_ROUTES) {
                d = Decision.denied(DenialReason.LIMIT_EXCEEDED, "the store holds " + MAX_STORED_ROUTES
                        + " routes over all VNSes, as many as it has room for");
            }
            if (d != null) {
                return deny(admin, Action.ROUTE_ADD, route.vns(), route.prefix().toString(), value, d);
            }
            return commitVns(admin, Action.ROUTE_ADD, route.vns(), route.prefix().toString(), value, null,
                    route.withRevision(journal.lastSequence() + 1), "administrator added the route");
        } finally {
            commitLock.unlock();
        }
    }

    /** An administrator deletes the route of {@code vns} to exactly {@code prefix}. */
    public ChangeResult deleteRoute(Requester admin, String vns, Ipv4Prefix prefix) {
        requireAdmin(admin);
        commitLock.lock();
        try {
            ensureWritable();
            if (vns == null || !vnses.containsKey(vns)) {
                return deny(admin, Action.ROUTE_DELETE, vns, String.valueOf(prefix), "", VnsRules.unknownVns(vns));
            }
            VnsRoute r = routesOf(vns).get(prefix);
            if (r == null) {
                return deny(admin, Action.ROUTE_DELETE, vns, prefix.toString(), "", Decision.denied(
                        DenialReason.INVALID_REQUEST, "VNS " + vns + " has no route to " + prefix));
            }
            return commitVns(admin, Action.ROUTE_DELETE, vns, prefix.toString(), r.nextHopText(), null, null,
                    "administrator deleted the route");
        } finally {
            commitLock.unlock();
        }
    }

    /** Journal, maps, memory and listeners for a VNS or route change, as {@link #commit} does for a VNIC's. */
    private ChangeResult commitVns(Requester requester, Action action, String vns, String parameter, String value,
                                   VnsConfig vnsAfter, VnsRoute routeAfter, String reason) {
        long seq = journal.lastSequence() + 1;
        JournalRecord record = new JournalRecord(seq, nowMicros(), requester, action, vns,
                JournalRecord.clip(parameter, MAX_PARAMETER_CHARS), JournalRecord.clip(value, JournalRecord.MAX_VALUE_CHARS),
                null, JournalRecord.clip(reason, JournalRecord.MAX_REASON_CHARS), null, null, vnsAfter, routeAfter);
        append(record);
        try {
            maps.apply(record, crashPoints);
        } catch (RuntimeException e) {
            fail("commit " + seq + " is in the journal but was not applied to the maps (" + e + ")", e);
        }
        switch (action) {
            case VNS_PUT -> vnses.put(vns, vnsAfter);
            case VNS_DELETE -> {
                vnses.remove(vns);
                routes.remove(vns);
            }
            case ROUTE_ADD -> routesOf(vns).put(routeAfter.prefix(), routeAfter);
            case ROUTE_DELETE -> routesOf(vns).remove(Ipv4Prefix.parse(parameter));
            default -> throw new IllegalArgumentException(action + " is not a VNS action");
        }
        afterCommit(record, seq);
        return new ChangeResult(Decision.ALLOWED, seq, null, null);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Subscription levels and flows

    public Optional<Subscription> subscription(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(subscriptions.get(name));
    }

    /** Every level and flow, by rank and then name: the order the datapath tries them in. */
    public List<Subscription> subscriptions() {
        return subscriptions.values().stream()
                .sorted(java.util.Comparator.comparingInt(Subscription::rank).thenComparing(Subscription::name)).toList();
    }

    /** An administrator creates a subscription level or flow, or replaces one of the same kind. */
    public ChangeResult putSubscription(Requester admin, Subscription level) {
        requireAdmin(admin);
        if (level == null) {
            throw new IllegalArgumentException("putSubscription needs a subscription level");
        }
        String value = JournalRecord.clip(level.toString(), JournalRecord.MAX_VALUE_CHARS);
        commitLock.lock();
        try {
            ensureWritable();
            boolean exists = subscriptions.containsKey(level.name());
            Decision d = SubscriptionRules.checkPut(level, subscriptions.values(), states);
            if (d != null) {
                return deny(admin, Action.SUBSCRIPTION_PUT, level.name(), level.kind().word(), value, d);
            }
            return commitSubscription(admin, Action.SUBSCRIPTION_PUT, level.name(), level.kind().word(), value,
                    level.withRevision(journal.lastSequence() + 1),
                    (exists ? "administrator changed the " : "administrator created the ") + level.kind().word());
        } finally {
            commitLock.unlock();
        }
    }

    /** An administrator deletes a subscription level or flow; {@code kind} must be what it is. */
    public ChangeResult deleteSubscription(Requester admin, String name, Subscription.Kind kind) {
        requireAdmin(admin);
        commitLock.lock();
        try {
            ensureWritable();
            Subscription s = name == null ? null : subscriptions.get(name);
            if (s == null || s.kind() != kind) {
                return deny(admin, Action.SUBSCRIPTION_DELETE, name, kind.word(), "", Decision.denied(
                        DenialReason.INVALID_REQUEST, "no " + kind.word() + " named " + name));
            }
            return commitSubscription(admin, Action.SUBSCRIPTION_DELETE, name, kind.word(), "", null,
                    "administrator deleted the " + kind.word());
        } finally {
            commitLock.unlock();
        }
    }

    private ChangeResult commitSubscription(Requester requester, Action action, String name, String parameter,
                                            String value, Subscription after, String reason) {
        long seq = journal.lastSequence() + 1;
        JournalRecord record = new JournalRecord(seq, nowMicros(), requester, action, name,
                JournalRecord.clip(parameter, MAX_PARAMETER_CHARS), JournalRecord.clip(value, JournalRecord.MAX_VALUE_CHARS),
                null, JournalRecord.clip(reason, JournalRecord.MAX_REASON_CHARS), null, null, null, null, after);
        append(record);
        try {
            maps.apply(record, crashPoints);
        } catch (RuntimeException e) {
            fail("commit " + seq + " is in the journal but was not applied to the maps (" + e + ")", e);
        }
        if (action == Action.SUBSCRIPTION_PUT) {
            subscriptions.put(name, after);
        } else {
            subscriptions.remove(name);
        }
        afterCommit(record, seq);
        return new ChangeResult(Decision.ALLOWED, seq, null, null);
    }

    /**
     * Audits an administrator's change of the uplink's aggregation ({@code command}: create-aggr, add-aggr, ...),
     * committed with {@code value} (the aggregation after) or refused by {@code denial}: the journal gets the record,
     * the maps nothing (aggregations are ports, kept by the control side).
     */
    public ChangeResult auditAggregation(Requester admin, String name, String command, String value, Decision denial) {
        requireAdmin(admin);
        commitLock.lock();
        try {
            ensureWritable();
            if (denial != null) {
                return deny(admin, Action.AGGREGATION_PUT, name, command, value, denial);
            }
            long seq = journal.lastSequence() + 1;
            JournalRecord record = new JournalRecord(seq, nowMicros(), admin, Action.AGGREGATION_PUT, text(name),
                    JournalRecord.clip(command, MAX_PARAMETER_CHARS), JournalRecord.clip(value, JournalRecord.MAX_VALUE_CHARS),
                    null, "administrator " + (command.startsWith("create") ? "created" : "changed") + " the aggregation",
                    null, null, null, null);
            append(record);
            afterCommit(record, seq);
            return new ChangeResult(Decision.ALLOWED, seq, null, null);
        } finally {
            commitLock.unlock();
        }
    }

    /**
     * Audits a refusal of the TLS handshake offload service: the guest of {@code vnic} asked for an offload its
     * policy does not allow. Only the journal gets the record.
     */
    public ChangeResult auditTlsOffloadRefusal(String vnic, String message) {
        commitLock.lock();
        try {
            ensureWritable();
            return deny(Requester.guest(vnic), Action.TLS_OFFLOAD_REFUSED, vnic, "tls-offload", null,
                    Decision.denied(DenialReason.NOT_PERMITTED, message));
        } finally {
            commitLock.unlock();
        }
    }

    private static void requireAdmin(Requester admin) {
        if (admin == null || !admin.isAdmin()) {
            throw new IllegalArgumentException("only an administrator may do this, not " + admin);
        }
    }

    private ChangeResult deny(Requester requester, Action action, String vnic, String parameter, String value,
                              Decision decision) {
        long seq = journal.lastSequence() + 1;
        JournalRecord record = new JournalRecord(seq, nowMicros(), requester, action, text(vnic),
                JournalRecord.clip(parameter, MAX_PARAMETER_CHARS), JournalRecord.clip(value, JournalRecord.MAX_VALUE_CHARS),
                decision.reason(), JournalRecord.clip(decision.message(), JournalRecord.MAX_REASON_CHARS), null, null, null,
                null);
        append(record);
        return new ChangeResult(decision, seq, null, null);
    }

    private ChangeResult commit(Requester requester, Action action, String vnic, String parameter, String value,
                                VnicConfig config, GuestPolicy policy, String reason) {
        long seq = journal.lastSequence() + 1;
        VnicConfig vnicAfter = config == null ? null : config.withRevision(seq);
        GuestPolicy policyAfter = policy == null ? null : policy.withRevision(seq);
        JournalRecord record = new JournalRecord(seq, nowMicros(), requester, action, vnic,
                JournalRecord.clip(parameter, MAX_PARAMETER_CHARS), JournalRecord.clip(value, JournalRecord.MAX_VALUE_CHARS),
                null, JournalRecord.clip(reason, JournalRecord.MAX_REASON_CHARS), vnicAfter, policyAfter, null, null);
        append(record);
        CrashPoints crash = crashPoints;
        if (crash != null) {
            crash.reached(CrashPoints.JOURNAL_APPENDED, seq);
        }
        try {
            maps.apply(record, crash);
        } catch (RuntimeException e) {
            fail("commit " + seq + " is in the journal but was not applied to the maps (" + e + ")", e);
        }
        if (action == Action.VNIC_DELETE) {
            states.remove(vnic);
        } else if (policyAfter != null) {
            states.computeIfPresent(vnic, (k, s) -> new VnicState(s.config(), policyAfter));
        } else {
            states.compute(vnic, (k, s) -> new VnicState(vnicAfter, s == null ? GuestPolicy.NONE : s.policy()));
        }
        afterCommit(record, seq);
        return new ChangeResult(Decision.ALLOWED, seq, vnicAfter, policyAfter);
    }

    /** The checkpoint when one is due, then the listeners. */
    private void afterCommit(JournalRecord record, long seq) {
        if (++commitsSinceCheckpoint >= options.checkpointInterval()) {
            commitsSinceCheckpoint = 0;
            try {
                if (mapSync != null) {
                    maps.force(mapSync); // a checkpoint on disk before the maps it vouches for would skip their replay
                }
                writerLock.mark(WriterLock.State.OPEN, seq);
            } catch (RuntimeException e) {
                // the change is committed and applied; the checkpoint only shortens a recovery's replay, so a failed
                // one keeps the previous checkpoint rather than reporting a done change as failed
                LOG.warn("configstore {}: checkpoint at commit {} not saved ({}); recovery replays from the previous one", dir, seq,
                        e.toString());
            }
        }
        if (journal.segmentCount() > options.journalFilesKept()) {
            compact(seq);
        }
        if (!listeners.isEmpty()) {
            var change = record.toChange();
            for (ChangeListener l : listeners) {
                try {
                    l.onChange(change);
                } catch (RuntimeException e) {
                    LOG.error("configstore {}: change listener {} failed on commit {}", dir, l, seq, e);
                }
            }
        }
    }

    /**
     * Keeps the journal to {@link StoreOptions#journalFilesKept} files: the state at {@code seq} goes into a snapshot,
     * {@code seq} becomes a checkpoint on disk, and only then do the oldest files go, so neither a recovery nor
     * {@link #verify()} ever needs what was dropped. A failure leaves the files as they were, for the next commit
     * to try again: the change itself is committed and applied.
     */
    private void compact(long seq) {
        try {
            boolean sync = options.durability() == Durability.POWER_LOSS;
            Snapshot.write(dir, new Snapshot.State(seq, maps.snapshotRecords(seq, options.clock())), sync);
            if (mapSync != null) {
                maps.force(mapSync);
            }
            writerLock.mark(WriterLock.State.OPEN, seq, true);
            commitsSinceCheckpoint = 0;
            long dropped = journal.dropOldest(seq, options.journalFilesKept());
            Snapshot.deleteOlderThan(dir, seq);
            LOG.info("configstore {}: compacted the journal: state at {} in a snapshot, {} older records dropped; it now "
                    + "starts at {}", dir, seq, dropped, journal.firstSequence());
        } catch (RuntimeException e) {
            LOG.warn("configstore {}: journal compaction at {} failed ({}); the files stay, the next commit tries again", dir, seq,
                    e.toString());
        }
    }

    private void append(JournalRecord record) {
        try {
            journal.append(record);
        } catch (RuntimeException e) {
            fail("journal record " + record.sequence() + " could not be written (" + e + ")", e);
        }
    }

    /** Stops all further commits: the files stay as they are and the next open recovers them. */
    private void fail(String what, RuntimeException cause) {
        failure = what;
        try {
            writerLock.mark(WriterLock.State.FAILED, 0);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
        LOG.error("configstore {}: {}; refusing further changes until it is reopened", dir, what, cause);
        throw new ConfigException("configstore " + dir + ": " + what + "; it refuses further changes until it is "
                + "reopened, which recovers it", cause);
    }

    private void ensureWritable() {
        if (closed) {
            throw new ConfigException("configstore " + dir + " is closed");
        }
        String f = failure;
        if (f != null) {
            throw new ConfigException("configstore " + dir + " refuses changes after an earlier failure (" + f
                    + "): reopen it to recover");
        }
    }

    private long nowMicros() {
        Instant now = options.clock().instant();
        return ChronoUnit.MICROS.between(Instant.EPOCH, now);
    }

    private static String text(String s) {
        return s == null ? "" : JournalRecord.clip(s, 64);
    }

    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Checks the whole store: the journal is complete and readable, and the VNIC and policy maps hold exactly what it
     * committed last for each VNIC. Returns the problems found; empty for a consistent store. Reads the whole journal.
     */
    public List<String> verify() {
        commitLock.lock();
        try {
            List<String> problems = new ArrayList<>(StoreVerifier.verify(dir, journal, maps));
            for (String name : maps.vnicNames()) {
                VnicState s = states.get(name);
                if (s == null || !s.config().equals(maps.vnic(name))) {
                    problems.add("VNIC " + name + " in memory differs from its map entry");
                }
            }
            if (states.size() != maps.vnicNames().size()) {
                problems.add("memory holds " + states.size() + " VNICs, the map " + maps.vnicNames().size());
            }
            return problems;
        } finally {
            commitLock.unlock();
        }
    }

    /** Files flushed to disk so far: a journal file per commit and the maps per checkpoint under {@link Durability#POWER_LOSS}. */
    public long diskFlushes() {
        return journal.diskFlushes() + (mapSync == null ? 0 : mapSync.flushes());
    }

    /** Closes the files and marks the store closed cleanly (unless a commit failed: then the next open recovers). */
    @Override
    public void close() {
        commitLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            long last = journal.lastSequence();
            try {
                journal.close();
                maps.close();
                if (failure == null) {
                    if (mapSync != null) {
                        maps.force(mapSync); // "closed" means no recovery at the next open: the maps must be on disk
                    }
                    writerLock.mark(WriterLock.State.CLOSED, last);
                }
            } finally {
                if (mapSync != null) {
                    mapSync.close();
                }
                writerLock.close();
            }
        } finally {
            commitLock.unlock();
        }
    }
}
