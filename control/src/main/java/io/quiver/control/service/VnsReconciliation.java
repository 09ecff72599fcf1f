package io.quiver.control.service;

import io.quiver.configstore.ChangeResult;
import io.quiver.configstore.ConfigStore;
import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.VnsConfig;
import io.quiver.configstore.model.VnsNames;
import io.quiver.configstore.model.VnsRoute;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the database hold the configuration file's VNSes and routes at start, before any port forwards. The file is
 * the operator's intent for what it names: a VNS it names has the file's properties (every change audited), a route it
 * lists is installed as written. What was created at run time and the file does not name stays, unless the start
 * resets the state. VNSes go in before the VNICs that name them, routes after (a {@code dev} route needs its VNIC).
 */
final class VnsReconciliation {
    private static final Logger LOG = LoggerFactory.getLogger(VnsReconciliation.class);

    private VnsReconciliation() {
    }

    /** The file's VNSes, as the file says them; with {@code reset}, first every route the file does not list goes. */
    static void putVnses(List<VnsConfig> fromFile, List<VnsRoute> fileRoutes, ConfigStore store, boolean reset) {
        Requester who = Requester.admin(reset ? "config-file (--reset-state)" : "config-file");
        if (reset) { // before the VNICs are reset: a dev route would keep its VNIC from being deleted
            Set<String> listed = fileRoutes.stream().map(VnsRoute::key).collect(Collectors.toSet());
            for (String vns : store.vnsNames()) {
                for (VnsRoute r : store.routes(vns)) {
                    if (!listed.contains(r.key())) {
                        orFail(store.deleteRoute(who, vns, r.prefix()), "route " + r.key());
                    }
                }
            }
        }
        for (VnsConfig file : fromFile) {
            VnsConfig stored = store.vns(file.name()).orElse(null);
            if (stored == null || !stored.sameSettings(file)) {
                if (stored != null) {
                    LOG.info("VNS {}: the configuration file's properties replace the stored ones ({} -> {})", file.name(), stored, file);
                }
                orFail(store.putVns(who, file), "VNS " + file.name());
            }
        }
    }

    /** The file's routes; with {@code reset}, VNSes the file does not name are deleted. */
    static void putRoutes(List<VnsConfig> fileVnses, List<VnsRoute> fromFile, ConfigStore store, boolean reset) {
        Requester who = Requester.admin(reset ? "config-file (--reset-state)" : "config-file");
        for (VnsRoute r : fromFile) {
            VnsRoute stored = store.routes(r.vns()).stream().filter(s -> s.prefix().equals(r.prefix())).findFirst().orElse(null);
            if (stored != null && stored.nextHopText().equals(r.nextHopText())) {
                continue;
            }
            if (stored != null) {
                orFail(store.deleteRoute(who, r.vns(), r.prefix()), "route " + r.key());
            }
            orFail(store.addRoute(who, r), "VNS " + r.vns() + " route " + r);
        }
        if (reset) {
            Set<String> named = fileVnses.stream().map(VnsConfig::name).collect(Collectors.toSet());
            for (String vns : store.vnsNames()) {
                if (!named.contains(vns) && !vns.equals(VnsNames.DEFAULT)) {
                    orFail(store.deleteVns(who, vns), "VNS " + vns);
                }
            }
        }
    }

    /** Stops the start with the store's reason when it refused what the configuration file asked for. */
    static void orFail(ChangeResult r, String what) {
        if (!r.committed()) {
            throw new ConfigException("configuration file: " + what + ": " + r.decision().message());
        }
    }
}
