package io.quiver.control.service;

import io.quiver.configstore.ConfigStore;
import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.Subscription;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the database hold the configuration file's subscription levels and flows at start, as {@link VnsReconciliation}
 * does VNSes: what the file names has the file's settings (audited), what was made at run time stays unless the start
 * resets the state.
 */
final class SubscriptionReconciliation {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionReconciliation.class);

    private SubscriptionReconciliation() {
    }

    /** With {@code reset}, the levels the file does not name go first (before the VNICs they may name are reset). */
    static void deleteUnnamed(List<Subscription> fromFile, ConfigStore store, boolean reset) {
        if (!reset) {
            return;
        }
        Set<String> named = fromFile.stream().map(Subscription::name).collect(Collectors.toSet());
        for (Subscription s : store.subscriptions()) {
            if (!named.contains(s.name())) {
                VnsReconciliation.orFail(store.deleteSubscription(Requester.admin("config-file (--reset-state)"), s.name(), s.kind()), s.name());
            }
        }
    }

    /** The file's levels and flows, as the file says them (after the VNICs, which their rules may name). */
    static void put(List<Subscription> fromFile, ConfigStore store, boolean reset) {
        Requester who = Requester.admin(reset ? "config-file (--reset-state)" : "config-file");
        for (Subscription file : fromFile) {
            Subscription stored = store.subscription(file.name()).orElse(null);
            if (stored != null && stored.withRevision(0).equals(file.withRevision(0))) {
                continue;
            }
            if (stored != null) {
                LOG.info("{} {}: the configuration file's settings replace the stored ones ({} -> {})", file.kind().word(),
                        file.name(), stored, file);
                if (stored.kind() != file.kind()) {
                    VnsReconciliation.orFail(store.deleteSubscription(who, stored.name(), stored.kind()), stored.name());
                }
            }
            VnsReconciliation.orFail(store.putSubscription(who, file), file.kind().word() + " " + file.name());
        }
    }
}
