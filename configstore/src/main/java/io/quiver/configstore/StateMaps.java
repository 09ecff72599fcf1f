package io.quiver.configstore;

import io.quiver.configstore.files.ChronicleFiles;
import io.quiver.configstore.files.DiskSync;
import io.quiver.configstore.files.GuestPolicyCodec;
import io.quiver.configstore.files.SchemaVersion.Role;
import io.quiver.configstore.files.VnicConfigCodec;
import io.quiver.configstore.files.SubscriptionCodec;
import io.quiver.configstore.files.VnsCodec;
import io.quiver.configstore.model.Subscription;
import io.quiver.configstore.model.Ipv4Prefix;
import io.quiver.configstore.model.VnsConfig;
import io.quiver.configstore.model.VnsNames;
import io.quiver.configstore.model.VnsRoute;
import io.quiver.configstore.journal.Action;
import io.quiver.configstore.journal.JournalRecord;
import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.model.VnicNames;
import io.quiver.configstore.policy.GuestPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;

/**
 * The current state in two Chronicle Maps: {@code vnics.cm3} (VNIC name -> config) and {@code policies.cm3} (VNIC
 * name -> the policy of the guest on it). {@link #apply} writes what a journal record committed, only over an older
 * revision, so replaying a record twice changes nothing.
 */
final class StateMaps implements AutoCloseable {
    private final Path dir;
    private final ChronicleMap<CharSequence, byte[]> vnics;
    private final ChronicleMap<CharSequence, byte[]> policies;
    /** Null only for a reader of a store no writer has opened since VNSes existed. */
    private final ChronicleMap<CharSequence, byte[]> vns;
    private final ChronicleMap<CharSequence, byte[]> routes;
    /** Null only for a reader of a store no writer has opened since subscription levels existed. */
    private final ChronicleMap<CharSequence, byte[]> subscriptions;

    private StateMaps(Path dir, ChronicleMap<CharSequence, byte[]> vnics, ChronicleMap<CharSequence, byte[]> policies,
                      ChronicleMap<CharSequence, byte[]> vns, ChronicleMap<CharSequence, byte[]> routes,
                      ChronicleMap<CharSequence, byte[]> subscriptions) {
        this.dir = dir;
        this.vnics = vnics;
        this.policies = policies;
        this.vns = vns;
        this.routes = routes;
        this.subscriptions = subscriptions;
    }

    /** Creates the subscription map where a store lacks it (new, or made before subscription levels existed). */
    static void createSubscriptionMapIfMissing(Path dir, int maxSubscriptions) {
        if (!java.nio.file.Files.exists(dir.resolve(ChronicleFiles.SUBSCRIPTIONS))) {
            ChronicleFiles.createNamed(dir.resolve(ChronicleFiles.SUBSCRIPTIONS), Role.SUBSCRIPTIONS, maxSubscriptions);
        }
    }

    /** Creates the VNS and route maps where a store lacks them (new, or made before VNSes existed). */
    static void createVnsMapsIfMissing(Path dir, int maxVnses, int maxRoutes) {
        if (!java.nio.file.Files.exists(dir.resolve(ChronicleFiles.VNS))) {
            ChronicleFiles.createNamed(dir.resolve(ChronicleFiles.VNS), Role.VNS, maxVnses);
        }
        if (!java.nio.file.Files.exists(dir.resolve(ChronicleFiles.ROUTES))) {
            ChronicleFiles.createNamed(dir.resolve(ChronicleFiles.ROUTES), Role.ROUTES, maxRoutes);
        }
    }

    static void createPolicies(Path dir, int maxVnics) {
        ChronicleFiles.createNamed(dir.resolve(ChronicleFiles.POLICIES), Role.POLICIES, maxVnics);
    }

    static void createVnics(Path dir, int maxVnics) {
        ChronicleFiles.createNamed(dir.resolve(ChronicleFiles.VNICS), Role.VNICS, maxVnics);
    }

    static StateMaps open(Path dir, boolean recover, List<String> recoveryLog) {
        ChronicleMap<CharSequence, byte[]> vnics =
                ChronicleFiles.openNamed(dir.resolve(ChronicleFiles.VNICS), Role.VNICS, recover, recoveryLog);
        try {
            ChronicleMap<CharSequence, byte[]> policies =
                    ChronicleFiles.openNamed(dir.resolve(ChronicleFiles.POLICIES), Role.POLICIES, recover, recoveryLog);
            ChronicleMap<CharSequence, byte[]> vns = null;
            ChronicleMap<CharSequence, byte[]> routes = null;
            try {
                if (java.nio.file.Files.exists(dir.resolve(ChronicleFiles.VNS))) {
                    vns = ChronicleFiles.openNamed(dir.resolve(ChronicleFiles.VNS), Role.VNS, recover, recoveryLog);
                }
                routes = java.nio.file.Files.exists(dir.resolve(ChronicleFiles.ROUTES))
                        ? ChronicleFiles.openNamed(dir.resolve(ChronicleFiles.ROUTES), Role.ROUTES, recover, recoveryLog)
                        : null;
                ChronicleMap<CharSequence, byte[]> subscriptions = java.nio.file.Files.exists(dir.resolve(ChronicleFiles.SUBSCRIPTIONS))
                        ? ChronicleFiles.openNamed(dir.resolve(ChronicleFiles.SUBSCRIPTIONS), Role.SUBSCRIPTIONS, recover, recoveryLog)
                        : null;
                return new StateMaps(dir, vnics, policies, vns, routes, subscriptions);
            } catch (RuntimeException e) {
                policies.close();
                if (vns != null) {
                    vns.close();
                }
                if (routes != null) {
                    routes.close();
                }
                throw e;
            }
        } catch (RuntimeException e) {
            vnics.close();
            throw e;
        }
    }

    VnicConfig vnic(String name) {
        if (!VnicNames.isValid(name)) {
            return null;
        }
        byte[] bytes = vnics.get(name);
        return bytes == null ? null : VnicConfigCodec.decode(bytes, "VNIC " + name + " in " + dir);
    }

    GuestPolicy policy(String name) {
        if (!VnicNames.isValid(name)) {
            return null;
        }
        byte[] bytes = policies.get(name);
        return bytes == null ? null : GuestPolicyCodec.decode(bytes, "policy of VNIC " + name + " in " + dir);
    }

    VnsConfig vns(String name) {
        byte[] bytes = vns == null || !VnsNames.isValid(name) ? null : vns.get(name);
        return bytes == null ? null : VnsCodec.decodeVns(bytes, "VNS " + name + " in " + dir);
    }

    List<String> vnsNames() {
        return vns == null ? List.of() : names(vns);
    }

    /** Every stored route, in no particular order. */
    List<VnsRoute> routes() {
        List<VnsRoute> out = new ArrayList<>();
        if (routes != null) {
            for (String key : names(routes)) {
                out.add(VnsCodec.decodeRoute(routes.get(key), "route " + key + " in " + dir));
            }
        }
        return out;
    }

    Subscription subscription(String name) {
        byte[] bytes = subscriptions == null || !VnicNames.isValid(name) ? null : subscriptions.get(name);
        return bytes == null ? null : SubscriptionCodec.decode(bytes, "subscription level " + name + " in " + dir);
    }

    List<String> subscriptionNames() {
        return subscriptions == null ? List.of() : names(subscriptions);
    }

    List<String> vnicNames() {
        return names(vnics);
    }

    /**
     * The whole state as puts, one per VNIC, policy, VNS, route and subscription level, each carrying its own revision
     * and all stamped {@code sequence}: the content of a {@link io.quiver.configstore.journal.Snapshot}.
     */
    List<JournalRecord> snapshotRecords(long sequence, java.time.InstantSource clock) {
        long micros = clock.millis() * 1000;
        Requester who = Requester.admin("snapshot");
        List<JournalRecord> out = new ArrayList<>();
        for (String n : vnicNames()) {
            out.add(new JournalRecord(sequence, micros, who, Action.VNIC_PUT, n, "", "", null, "", vnic(n), null, null, null));
        }
        for (String n : policyNames()) {
            out.add(new JournalRecord(sequence, micros, who, Action.POLICY_SET, n, "", "", null, "", null, policy(n), null, null));
        }
        for (String n : vnsNames()) {
            out.add(new JournalRecord(sequence, micros, who, Action.VNS_PUT, n, "", "", null, "", null, null, vns(n), null));
        }
        for (VnsRoute r : routes()) {
            out.add(new JournalRecord(sequence, micros, who, Action.ROUTE_ADD, r.vns(), "", "", null, "", null, null, null, r));
        }
        for (String n : subscriptionNames()) {
            out.add(new JournalRecord(sequence, micros, who, Action.SUBSCRIPTION_PUT, n, "", "", null, "", null, null, null, null,
                    subscription(n)));
        }
        return out;
    }

    List<String> policyNames() {
        return names(policies);
    }

    private static List<String> names(ChronicleMap<CharSequence, byte[]> map) {
        List<String> out = new ArrayList<>();
        for (CharSequence k : map.keySet()) {
            String s = k.toString();
            if (!s.equals(ChronicleFiles.HEADER_KEY)) {
                out.add(s);
            }
        }
        out.sort(null);
        return out;
    }

    /** Writes what {@code record} committed, where the stored revision is older; returns true if anything changed. */
    boolean apply(JournalRecord record, CrashPoints crash) {
        long seq = record.sequence();
        return switch (record.action()) {
            case GUEST_CHANGE, ADMIN_CHANGE, VNIC_PUT -> write(vnics, record.vnic(), seq,
                    VnicConfigCodec.encode(record.vnicAfter()), this::vnicRevision, crash);
            case POLICY_SET -> write(policies, record.vnic(), seq,
                    GuestPolicyCodec.encode(record.policyAfter()), this::policyRevision, crash);
            case VNIC_DELETE -> write(vnics, record.vnic(), seq, null, this::vnicRevision, crash)
                    | write(policies, record.vnic(), seq, null, this::policyRevision, crash);
            case VNS_PUT -> write(vnsMap(), record.vnic(), seq, VnsCodec.encode(record.vnsAfter()),
                    b -> VnsCodec.decodeVns(b, "VNS entry").revision(), crash);
            case VNS_DELETE -> write(vnsMap(), record.vnic(), seq, null, b -> VnsCodec.decodeVns(b, "VNS entry").revision(), crash);
            case ROUTE_ADD -> write(routeMap(), record.routeAfter().key(), seq, VnsCodec.encode(record.routeAfter()),
                    StateMaps::routeRevision, crash);
            case ROUTE_DELETE -> write(routeMap(), VnsRoute.key(record.vnic(), Ipv4Prefix.parse(record.parameter())), seq, null,
                    StateMaps::routeRevision, crash);
            case SUBSCRIPTION_PUT -> write(subscriptionMap(), record.vnic(), seq,
                    SubscriptionCodec.encode(record.subscriptionAfter()), StateMaps::subscriptionRevision, crash);
            case SUBSCRIPTION_DELETE -> write(subscriptionMap(), record.vnic(), seq, null, StateMaps::subscriptionRevision, crash);
            case AGGREGATION_PUT -> false; // audited here, kept in the control side's state folder
            case TLS_OFFLOAD_REFUSED -> false; // a refusal: nothing to keep
            case RECONCILE -> record.policyAfter() != null
                    ? write(policies, record.vnic(), seq, GuestPolicyCodec.encode(record.policyAfter()), this::policyRevision, crash)
                    : write(vnics, record.vnic(), seq, VnicConfigCodec.encode(record.vnicAfter()), this::vnicRevision, crash);
        };
    }

    private ChronicleMap<CharSequence, byte[]> vnsMap() {
        if (vns == null) {
            throw new IllegalStateException("the store in " + dir + " has no VNS map: it is open for reading only");
        }
        return vns;
    }

    private ChronicleMap<CharSequence, byte[]> routeMap() {
        if (routes == null) {
            throw new IllegalStateException("the store in " + dir + " has no route map: it is open for reading only");
        }
        return routes;
    }

    private ChronicleMap<CharSequence, byte[]> subscriptionMap() {
        if (subscriptions == null) {
            throw new IllegalStateException("the store in " + dir + " has no subscription map: it is open for reading only");
        }
        return subscriptions;
    }

    private static long subscriptionRevision(byte[] bytes) {
        return SubscriptionCodec.decode(bytes, "subscription entry").revision();
    }

    private static long routeRevision(byte[] bytes) {
        return VnsCodec.decodeRoute(bytes, "route entry").revision();
    }

    private long vnicRevision(byte[] bytes) {
        return VnicConfigCodec.decode(bytes, "VNIC entry").revision();
    }

    private long policyRevision(byte[] bytes) {
        return GuestPolicyCodec.decode(bytes, "policy entry").revision();
    }

    private interface Revision {
        long of(byte[] bytes);
    }

    /** Puts {@code value} (or removes the entry when null) unless the entry already has revision >= seq. */
    private static boolean write(ChronicleMap<CharSequence, byte[]> map, String key, long seq, byte[] value,
                                 Revision revision, CrashPoints crash) {
        try (ExternalMapQueryContext<CharSequence, byte[], ?> c = map.queryContext(key)) {
            c.updateLock().lock();
            MapEntry<CharSequence, byte[]> entry = c.entry();
            if (entry != null && newer(entry.value().get(), seq, revision)) {
                return false;
            }
            if (crash != null) {
                crash.reached(CrashPoints.MAP_LOCKED, seq);
            }
            if (value == null) {
                if (entry != null) {
                    c.remove(entry);
                    return true;
                }
                return false;
            }
            Data<byte[]> data = c.wrapValueAsData(value);
            if (entry != null) {
                c.replaceValue(entry, data);
            } else {
                c.insert(c.absentEntry(), data);
            }
            return true;
        }
    }

    private static boolean newer(byte[] current, long seq, Revision revision) {
        try {
            return revision.of(current) >= seq;
        } catch (RuntimeException damaged) {
            return false; // a damaged entry is overwritten by the journal's version
        }
    }

    /** Writes every map file to disk ({@link DiskSync}); the files stay usable. */
    void force(DiskSync sync) {
        for (String name : List.of(ChronicleFiles.VNICS, ChronicleFiles.POLICIES, ChronicleFiles.VNS, ChronicleFiles.ROUTES,
                ChronicleFiles.SUBSCRIPTIONS)) {
            Path file = dir.resolve(name);
            if (Files.exists(file)) {
                sync.file(file);
            }
        }
    }

    @Override
    public void close() {
        vnics.close();
        policies.close();
        if (vns != null) {
            vns.close();
        }
        if (routes != null) {
            routes.close();
        }
        if (subscriptions != null) {
            subscriptions.close();
        }
    }
}
