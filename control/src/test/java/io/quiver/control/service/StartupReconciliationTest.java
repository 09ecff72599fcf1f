package io.quiver.control.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.ConfigStore;
import io.quiver.configstore.journal.Action;
import io.quiver.configstore.journal.AuditRecord;
import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.model.VnicParameter;
import io.quiver.configstore.policy.GuestPolicy;
import io.quiver.dataplane.vnic.AttachedVnic;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart with an edited configuration file (no EAL needed: the database and the reconciliation are plain Java).
 * The file is the operator's intent; a value changed at run time stays unless the file changed that parameter; every
 * disagreement is audited; --reset-state starts from the file alone.
 */
class StartupReconciliationTest {
    @TempDir
    Path state;

    static AttachedVnic fileVnic(String mtu) {
        return new AttachedVnic(AttachedVnic.of("g1", "02:00:00:00:00:01", List.of(), List.of("10.0.0.1/24"), 0, "guests")
                .config().with(VnicParameter.MTU, mtu), "guests");
    }

    private List<AttachedVnic> start(AttachedVnic fromFile, Map<String, String> policies, boolean reset) {
        try (QuiverService.Prepared p = QuiverService.prepare(state, List.of(fromFile), policies, List.of("guests"), reset)) {
            return p.vnics();
        }
    }

    private static List<AuditRecord> reconciled(ConfigStore store) {
        return store.audit().after(0, 1000).stream().filter(a -> a.action() == Action.RECONCILE).toList();
    }

    @Test
    void runTimeChangesPersistUnlessTheFileChangesThatParameter() {
        assertEquals(1500, start(fileVnic("1500"), Map.of(), false).getFirst().config().mtu(), "the first start stores the file");
        try (ConfigStore store = ConfigStore.open(state)) { // a guest (or the host) changes it at run time
            store.adminChange(Requester.admin("test"), "g1", "mtu", "1400").orThrow();
            store.adminChange(Requester.admin("test"), "g1", "priority", "3").orThrow();
        }
        List<AttachedVnic> again = start(fileVnic("1500"), Map.of(), false);
        assertEquals(1400, again.getFirst().config().mtu(), "the file did not change mtu: the run-time value stays");
        assertEquals(3, again.getFirst().config().priority());
        try (ConfigStore store = ConfigStore.open(state)) {
            List<AuditRecord> r = reconciled(store);
            assertEquals(2, r.size(), "both disagreements are audited: " + r);
            assertTrue(r.stream().allMatch(a -> !a.committed() && a.reason().contains("stays")), r.toString());
            assertTrue(r.stream().anyMatch(a -> a.parameter().equals("mtu") && a.value().equals("1500") && a.reason().contains("1400")), r.toString());
        }

        List<AttachedVnic> edited = start(fileVnic("9000"), Map.of(), false);
        assertEquals(9000, edited.getFirst().config().mtu(), "the operator edited mtu in the file: the file wins");
        assertEquals(3, edited.getFirst().config().priority(), "what the file did not change stays");
        try (ConfigStore store = ConfigStore.open(state)) {
            AuditRecord last = reconciled(store).stream().filter(AuditRecord::committed).reduce((a, b) -> b).orElseThrow();
            assertTrue(last.committed() && last.parameter().equals("mtu") && last.value().equals("9000"), last.toString());
            assertTrue(last.reason().contains("from 1500 to 9000") && last.reason().contains("replaces the stored 1400"), last.reason());
            assertEquals(9000, store.vnic("g1").orElseThrow().mtu());
        }
    }

    @Test
    void theFilesPolicyFollowsTheSameRuleAndResetStartsFromTheFileAlone() {
        start(fileVnic("1500"), Map.of("g1", "mtu=68..1500"), false);
        try (ConfigStore store = ConfigStore.open(state)) {
            assertEquals("mtu=68..1500", store.policy("g1").orElseThrow().toText());
            store.setPolicy(Requester.admin("test"), "g1", GuestPolicy.parse("mtu=68..9000")).orThrow();
            store.adminChange(Requester.admin("test"), "g1", "mtu", "1400").orThrow();
            store.putVnic(Requester.admin("test"), VnicConfig.create("runtime", "02:00:00:00:00:09")).orThrow();
        }
        start(fileVnic("1500"), Map.of("g1", "mtu=68..1500"), false);
        try (ConfigStore store = ConfigStore.open(state)) {
            assertEquals("mtu=68..9000", store.policy("g1").orElseThrow().toText(), "an unchanged file keeps the run-time policy");
        }
        List<AttachedVnic> reset = start(fileVnic("1500"), Map.of("g1", "mtu=68..1500"), true);
        assertEquals(List.of("g1"), reset.stream().map(AttachedVnic::name).toList(), "the VNIC created at run time is gone");
        assertEquals(1500, reset.getFirst().config().mtu());
        try (ConfigStore store = ConfigStore.open(state)) {
            assertEquals("mtu=68..1500", store.policy("g1").orElseThrow().toText());
            assertFalse(store.vnic("runtime").isPresent());
            assertTrue(store.audit().after(0, 1000).stream().anyMatch(a -> a.requester().toString().contains("--reset-state")));
        }
    }
}
