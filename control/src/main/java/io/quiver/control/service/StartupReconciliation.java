package io.quiver.control.service;

import io.quiver.configstore.ChangeResult;
import io.quiver.configstore.ConfigStore;
import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.model.VnicParameter;
import io.quiver.configstore.policy.GuestPolicy;
import io.quiver.dataplane.vnic.AttachedVnic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the configuration file and the database agree before any port forwards a packet. The rule (docs/configuration.md):
 * the file is the operator's intent; a value changed at run time (by a guest within its policy, or by the host's CLI or
 * REST API) persists across a restart unless the operator changed that parameter in the file since the last start,
 * and then the file wins. Every disagreement is logged and audited ({@code RECONCILE} records) with the VNIC, the
 * parameter, both values and which won. With {@code reset} the database is made to hold the file alone.
 */
public final class StartupReconciliation {
    private static final Logger LOG = LoggerFactory.getLogger(StartupReconciliation.class);
    private static final Requester FROM_FILE = Requester.admin("config-file");

    private StartupReconciliation() {
    }

    /**
     * @param fromFile    the VNICs the configuration file names, with their ports
     * @param filePolicies guest policies the file gives, by VNIC name (text; VNICs without one are absent)
     * @param ports       the ports the datapath will open
     * @return every VNIC the datapath starts with, as the database now holds it: the file's, then those created at
     *         run time whose port is still configured
     */
    static List<AttachedVnic> run(List<AttachedVnic> fromFile, Map<String, String> filePolicies, ConfigStore store,
                                  Attachments attachments, FileIntent intent, List<String> ports, boolean reset) {
        Map<String, Map<String, String>> saidNow = new LinkedHashMap<>();
        Set<String> named = new LinkedHashSet<>();
        for (AttachedVnic f : fromFile) {
            named.add(f.name());
            VnicConfig file = f.config();
            Map<String, String> said = new LinkedHashMap<>();
            for (VnicParameter p : VnicParameter.values()) {
                said.put(p.wireName(), file.get(p));
            }
            String policyText = filePolicies.get(f.name());
            GuestPolicy filePolicy = policyText == null ? null : GuestPolicy.parse(policyText);
            if (filePolicy != null) {
                said.put(FileIntent.POLICY, filePolicy.toText());
            }
            saidNow.put(f.name(), said);
            VnicConfig stored = store.vnic(f.name()).orElse(null);
            if (stored == null || reset) {
                store.putVnic(Requester.admin(reset ? "config-file (--reset-state)" : "config-file"), file).orThrow();
                if (filePolicy != null || reset) {
                    store.setPolicy(FROM_FILE, f.name(), filePolicy == null ? GuestPolicy.NONE : filePolicy).orThrow();
                }
            } else {
                Map<String, String> last = intent.lastSaid(f.name());
                for (VnicParameter p : VnicParameter.values()) {
                    reconcile(store, f.name(), p.wireName(), file.get(p), stored.get(p), last, p);
                }
                if (filePolicy != null) {
                    String storedPolicy = store.policy(f.name()).map(GuestPolicy::toText).orElse("");
                    reconcile(store, f.name(), FileIntent.POLICY, filePolicy.toText(), storedPolicy, last, null);
                }
            }
            attachments.put(f.name(), f.port());
        }
        if (reset) {
            for (String name : store.vnicNames()) {
                if (!named.contains(name)) {
                    store.deleteVnic(Requester.admin("config-file (--reset-state)"), name).orThrow();
                    attachments.remove(name);
                    LOG.info("VNIC {}: deleted (--reset-state: the configuration file does not name it)", name);
                }
            }
        }
        intent.save(saidNow);
        List<AttachedVnic> start = new ArrayList<>();
        for (AttachedVnic f : fromFile) {
            start.add(new AttachedVnic(store.vnic(f.name()).orElseThrow(), f.port()));
        }
        for (String name : store.vnicNames()) {
            if (named.contains(name)) {
                continue;
            }
            String port = attachments.port(name);
            if (port == null || !ports.contains(port)) {
                LOG.warn("VNIC {} is in the database but its port '{}' is not configured: left out until it is", name, port);
                continue;
            }
            start.add(new AttachedVnic(store.vnic(name).orElseThrow(), port));
        }
        return start;
    }

    /** One parameter (or, with {@code parameter} null, the guest policy) where file and store may disagree. */
    private static void reconcile(ConfigStore store, String vnic, String what, String fileValue, String storedValue,
                                  Map<String, String> lastSaid, VnicParameter parameter) {
        if (fileValue.equals(storedValue)) {
            return;
        }
        String before = lastSaid == null ? null : lastSaid.get(what);
        boolean fileChanged = before != null && !before.equals(fileValue);
        String why = fileChanged
                ? "the configuration file changed " + what + " since the last start (from " + before + " to " + fileValue
                        + "): the file's " + fileValue + " replaces the stored " + storedValue
                : "the configuration file's " + what + " is " + (before == null ? "as at the last start" : "unchanged since the last start")
                        + ": the stored " + storedValue + " (changed at run time) stays, not the file's " + fileValue;
        ChangeResult r = parameter != null ? store.reconcile(FROM_FILE, vnic, parameter, fileValue, fileChanged, why)
                : store.reconcilePolicy(FROM_FILE, vnic, GuestPolicy.parse(fileValue), fileChanged, why);
        if (fileChanged && !r.committed()) {
            LOG.error("VNIC {}: {}: the file's value {} was refused ({}); the stored {} stays", vnic, what, fileValue,
                    r.decision().message(), storedValue);
        } else {
            LOG.warn("VNIC {}: {}: file {} against stored {}: {} wins ({})", vnic, what, fileValue, storedValue,
                    fileChanged ? "the file" : "the stored value", why);
        }
    }
}
