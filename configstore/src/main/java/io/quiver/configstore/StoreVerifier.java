package io.quiver.configstore;

import io.quiver.configstore.journal.Action;
import io.quiver.configstore.journal.Journal;
import io.quiver.configstore.journal.JournalRecord;
import io.quiver.configstore.journal.Snapshot;
import io.quiver.configstore.model.Ipv4Prefix;
import io.quiver.configstore.model.Subscription;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.model.VnsConfig;
import io.quiver.configstore.model.VnsRoute;
import io.quiver.configstore.policy.GuestPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Checks a store end to end: the journal is dense from its first to its last sequence and every record decodes; the
 * snapshot, where retention dropped the journal's oldest files, holds their state; the
 * VNIC, policy, VNS, route and subscription maps hold exactly what the last committed record of each says (nothing missing, nothing
 * extra, no other value). Reads the whole journal.
 */
final class StoreVerifier {
    private StoreVerifier() {
    }

    static List<String> verify(Path dir, Journal journal, StateMaps maps) {
        List<String> problems = new ArrayList<>();
        Map<String, VnicConfig> vnics = new HashMap<>();
        Map<String, GuestPolicy> policies = new HashMap<>();
        Map<String, VnsConfig> vnses = new HashMap<>();
        Map<String, VnsRoute> routes = new HashMap<>();
        Map<String, Subscription> subscriptions = new HashMap<>();
        long last = journal.lastSequence();
        long first = journal.firstSequence();
        long replayFrom = first;
        if (first > 1) { // retention dropped the oldest files: their state is in the snapshot taken when they went
            Optional<Snapshot.State> snapshot;
            try {
                snapshot = Snapshot.newest(dir);
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
                snapshot = Optional.empty();
            }
            if (snapshot.isEmpty() || snapshot.get().sequence() < first - 1) {
                problems.add("the journal starts at " + first + " and no snapshot holds the state its dropped files committed");
            } else {
                replayFrom = snapshot.get().sequence() + 1;
                for (JournalRecord r : snapshot.get().records()) {
                    switch (r.action()) {
                        case VNIC_PUT -> vnics.put(r.vnic(), r.vnicAfter());
                        case POLICY_SET -> policies.put(r.vnic(), r.policyAfter());
                        case VNS_PUT -> vnses.put(r.vnic(), r.vnsAfter());
                        case ROUTE_ADD -> routes.put(r.routeAfter().key(), r.routeAfter());
                        case SUBSCRIPTION_PUT -> subscriptions.put(r.vnic(), r.subscriptionAfter());
                        default -> problems.add("the snapshot at " + snapshot.get().sequence() + " holds a " + r.action() + " record");
                    }
                }
            }
        }
        for (long s = first; s >= 1 && s <= last; s++) {
            JournalRecord r;
            try {
                r = journal.read(s);
            } catch (RuntimeException e) {
                problems.add("journal record " + s + " cannot be read: " + e.getMessage());
                continue;
            }
            if (r == null) {
                problems.add("journal record " + s + " is missing (last is " + last + ")");
                continue;
            }
            if (!r.committed() || s < replayFrom) { // a record the snapshot already holds the result of
                continue;
            }
            Action action = r.action() == Action.RECONCILE ? (r.policyAfter() != null ? Action.POLICY_SET : Action.ADMIN_CHANGE) : r.action();
            switch (action) {
                case GUEST_CHANGE, ADMIN_CHANGE, VNIC_PUT -> {
                    if (r.vnicAfter() == null || r.vnicAfter().revision() != s || !r.vnicAfter().name().equals(r.vnic())) {
                        problems.add("journal record " + s + " commits " + r.action() + " without its VNIC state");
                    }
                    vnics.put(r.vnic(), r.vnicAfter());
                }
                case VNIC_DELETE -> {
                    vnics.remove(r.vnic());
                    policies.remove(r.vnic());
                }
                case POLICY_SET -> {
                    if (r.policyAfter() == null || r.policyAfter().revision() != s) {
                        problems.add("journal record " + s + " commits a policy without the policy");
                    }
                    if (!vnics.containsKey(r.vnic())) {
                        problems.add("journal record " + s + " sets a policy for VNIC " + r.vnic() + ", which does not exist");
                    }
                    policies.put(r.vnic(), r.policyAfter());
                }
                case VNS_PUT -> {
                    if (r.vnsAfter() == null || r.vnsAfter().revision() != s) {
                        problems.add("journal record " + s + " commits a VNS without the VNS");
                    }
                    vnses.put(r.vnic(), r.vnsAfter());
                }
                case VNS_DELETE -> vnses.remove(r.vnic());
                case ROUTE_ADD -> {
                    if (r.routeAfter() == null || r.routeAfter().revision() != s) {
                        problems.add("journal record " + s + " adds a route without the route");
                    } else {
                        routes.put(r.routeAfter().key(), r.routeAfter());
                    }
                }
                case ROUTE_DELETE -> routes.remove(VnsRoute.key(r.vnic(), Ipv4Prefix.parse(r.parameter())));
                case SUBSCRIPTION_PUT -> {
                    if (r.subscriptionAfter() == null || r.subscriptionAfter().revision() != s) {
                        problems.add("journal record " + s + " commits a subscription level without it");
                    }
                    subscriptions.put(r.vnic(), r.subscriptionAfter());
                }
                case SUBSCRIPTION_DELETE -> subscriptions.remove(r.vnic());
                default -> { }
            }
        }
        Map<String, VnsRoute> storedRoutes = new HashMap<>();
        maps.routes().forEach(route -> storedRoutes.put(route.key(), route));
        compare("VNS", vnses, maps.vnsNames(), maps::vns, problems);
        compare("route", routes, List.copyOf(storedRoutes.keySet()), storedRoutes::get, problems);
        compare("subscription level", subscriptions, maps.subscriptionNames(), maps::subscription, problems);
        compare("VNIC", vnics, maps.vnicNames(), maps::vnic, problems);
        compare("policy of VNIC", policies, maps.policyNames(), maps::policy, problems);
        return problems;
    }

    private static <T> void compare(String what, Map<String, T> expected, List<String> stored,
                                    java.util.function.Function<String, T> read, List<String> problems) {
        TreeSet<String> names = new TreeSet<>(expected.keySet());
        names.addAll(stored);
        for (String name : names) {
            T want = expected.get(name);
            T have;
            try {
                have = read.apply(name);
            } catch (RuntimeException e) {
                problems.add(what + " " + name + " cannot be read: " + e.getMessage());
                continue;
            }
            if (!Objects.equals(want, have)) {
                problems.add(what + " " + name + " is " + have + " in the map, but the journal says " + want);
            }
        }
    }
}
