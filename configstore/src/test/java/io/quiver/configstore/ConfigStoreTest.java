package io.quiver.configstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.journal.Action;
import io.quiver.configstore.journal.AuditRecord;
import io.quiver.configstore.journal.Change;
import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.DenialReason;
import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.model.VnicParameter;
import io.quiver.configstore.policy.GuestPolicy;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's contract for the control service: requests checked, committed or dropped, and always audited. */
class ConfigStoreTest {
    static final Requester ADMIN = Requester.admin("alice");
    static final Requester GUEST1 = Requester.guest("vm1");

    @TempDir
    Path dir;

    /** A store with VNICs vm1 and vm2; the guest on vm1 may change its IPv4 addresses, MTU and transport protocols. */
    static ConfigStore storeWithTwoVnics(Path dir, StoreOptions options) {
        ConfigStore store = ConfigStore.open(dir, options);
        store.putVnic(ADMIN, VnicConfig.create("vm1", "02:00:00:00:00:01").with("ipv4-addresses", "10.0.0.5/24"))
                .orThrow();
        store.putVnic(ADMIN, VnicConfig.create("vm2", "02:00:00:00:00:02")).orThrow();
        store.setPolicy(ADMIN, "vm1",
                GuestPolicy.parse("ipv4-addresses=10.0.0.0/24; mtu=68..1500; transport-protocols=tcp,udp")).orThrow();
        return store;
    }

    @Test
    void anAllowedGuestRequestIsCommittedAuditedAndFed() {
        try (ConfigStore store = storeWithTwoVnics(dir, StoreOptions.defaults())) {
            long before = store.lastSequence();
            ChangeResult r = store.requestChange(GUEST1, "vm1", "mtu", "1400");
            assertTrue(r.committed(), r.decision().toString());
            assertEquals(before + 1, r.sequence());
            assertEquals(1400, r.vnic().mtu());
            assertEquals(r.sequence(), r.vnic().revision());
            assertEquals(1400, store.vnic("vm1").orElseThrow().mtu());

            AuditRecord a = store.audit().get(r.sequence());
            assertEquals(GUEST1, a.requester());
            assertEquals(Action.GUEST_CHANGE, a.action());
            assertEquals("vm1", a.vnic());
            assertEquals("mtu", a.parameter());
            assertEquals("1400", a.value());
            assertTrue(a.committed());
            assertNull(a.denial());
            assertTrue(a.reason().contains("mtu=68..1500"), a.reason());

            List<Change> changes = store.changes().since(before);
            assertEquals(1, changes.size());
            assertEquals(r.vnic(), changes.getFirst().vnicAfter());
        }
    }

    @Test
    void deniedRequestsAreDroppedAndAuditedWithTheirReason() {
        try (ConfigStore store = storeWithTwoVnics(dir, StoreOptions.defaults())) {
            VnicConfig vm1 = store.vnic("vm1").orElseThrow();
            VnicConfig vm2 = store.vnic("vm2").orElseThrow();
            long before = store.lastSequence();
            record Case(String vnic, String parameter, String value, DenialReason reason, String inMessage) {
            }
            List<Case> cases = List.of(
                    new Case("vm1", "speed", "10G", DenialReason.UNKNOWN_PARAMETER, "unknown parameter 'speed'"),
                    new Case("vm1", "mtu", "fifteen hundred", DenialReason.MALFORMED_VALUE, "invalid mtu"),
                    new Case("vm1", "mtu", "9000", DenialReason.VALUE_NOT_ALLOWED, "its policy allows mtu 68..1500"),
                    new Case("vm1", "ipv4-addresses", "10.0.0.6/24,10.9.0.6/24", DenialReason.VALUE_NOT_ALLOWED,
                            "10.9.0.6/24 in ipv4-addresses"),
                    new Case("vm1", "transport-protocols", "tcp,sctp", DenialReason.VALUE_NOT_ALLOWED, "sctp"),
                    new Case("vm1", "mac", "02:00:00:00:00:99", DenialReason.NOT_PERMITTED,
                            "may not change mac (its policy allows changing only ipv4-addresses, mtu, transport-protocols)"),
                    new Case("vm2", "mtu", "1400", DenialReason.OTHER_VNIC,
                            "guest on VNIC vm1 may change only its own VNIC, and the request names VNIC vm2"),
                    new Case("vm1", "mtu", null, DenialReason.MALFORMED_VALUE, "no value given"),
                    new Case("vm1", null, "1", DenialReason.UNKNOWN_PARAMETER, "names no parameter"),
                    new Case(null, "mtu", "1400", DenialReason.UNKNOWN_VNIC, "names no VNIC"));
            for (Case c : cases) {
                Decision checked = store.check(GUEST1, c.vnic(), c.parameter(), c.value());
                assertEquals(c.reason(), checked.reason(), c.toString());
                ChangeResult r = store.requestChange(GUEST1, c.vnic(), c.parameter(), c.value());
                assertFalse(r.committed(), c.toString());
                assertEquals(c.reason(), r.decision().reason(), c.toString());
                assertTrue(r.decision().message().contains(c.inMessage()), r.decision().message());
                AuditRecord a = store.audit().get(r.sequence());
                assertFalse(a.committed());
                assertEquals(c.reason(), a.denial());
                assertEquals(r.decision().message(), a.reason());
                assertEquals(GUEST1, a.requester());
                RequestDeniedException e = assertThrows(RequestDeniedException.class, r::orThrow);
                assertEquals(r.sequence(), e.sequence());
            }
            assertEquals(before + cases.size(), store.lastSequence(), "every request is audited");
            assertTrue(store.changes().since(before).isEmpty(), "nothing was committed");
            assertEquals(vm1, store.vnic("vm1").orElseThrow());
            assertEquals(vm2, store.vnic("vm2").orElseThrow());
        }
    }

    @Test
    void anAdministratorIsNotBoundByTheGuestPolicyButByValidation() {
        try (ConfigStore store = storeWithTwoVnics(dir, StoreOptions.defaults())) {
            assertTrue(store.adminChange(ADMIN, "vm1", "mtu", "9000").committed());
            assertTrue(store.adminChange(ADMIN, "vm2", "vlan", "42").committed());
            ChangeResult bad = store.adminChange(ADMIN, "vm1", "mtu", "10000");
            assertEquals(DenialReason.MALFORMED_VALUE, bad.decision().reason());
            ChangeResult missing = store.adminChange(ADMIN, "vm9", "mtu", "1500");
            assertEquals(DenialReason.UNKNOWN_VNIC, missing.decision().reason());
            assertEquals("no VNIC is named 'vm9'", missing.decision().message());
            assertEquals(Action.ADMIN_CHANGE, store.audit().get(bad.sequence()).action());
            assertEquals(9000, store.vnic("vm1").orElseThrow().mtu());
            assertThrows(IllegalArgumentException.class, () -> store.adminChange(GUEST1, "vm1", "mtu", "1400"));
            assertThrows(IllegalArgumentException.class, () -> store.requestChange(ADMIN, "vm1", "mtu", "1400"));
        }
    }

    @Test
    void aMacCannotBeUsedTwiceOnOneVlan() {
        try (ConfigStore store = storeWithTwoVnics(dir, StoreOptions.defaults())) {
            ChangeResult r = store.adminChange(ADMIN, "vm2", "secondary-macs", "02:00:00:00:00:01");
            assertEquals(DenialReason.CONFLICT, r.decision().reason());
            assertTrue(r.decision().message().contains("already used by VNIC vm1 (untagged)"), r.decision().message());
            assertTrue(store.adminChange(ADMIN, "vm2", "vlan", "7").committed());
            assertTrue(store.adminChange(ADMIN, "vm2", "secondary-macs", "02:00:00:00:00:01").committed(),
                    "on another VLAN the MAC is free");
            ChangeResult back = store.adminChange(ADMIN, "vm2", "vlan", "none");
            assertEquals(DenialReason.CONFLICT, back.decision().reason());
        }
    }

    @Test
    void deletingAVnicDeletesItsPolicyAndIsFed() {
        try (ConfigStore store = storeWithTwoVnics(dir, StoreOptions.defaults())) {
            long before = store.lastSequence();
            assertTrue(store.deleteVnic(ADMIN, "vm1").committed());
            assertTrue(store.vnic("vm1").isEmpty());
            assertTrue(store.policy("vm1").isEmpty());
            assertEquals(List.of("vm2"), store.vnicNames());
            Change c = store.changes().since(before).getFirst();
            assertTrue(c.vnicDeleted());
            assertNull(c.vnicAfter());
            assertEquals(DenialReason.UNKNOWN_VNIC, store.requestChange(GUEST1, "vm1", "mtu", "1400").decision().reason());
            assertEquals(DenialReason.UNKNOWN_VNIC, store.deleteVnic(ADMIN, "vm1").decision().reason());
            // A new VNIC of the same name starts with no policy.
            store.putVnic(ADMIN, VnicConfig.create("vm1", "02:00:00:00:00:01")).orThrow();
            assertEquals(GuestPolicy.NONE, store.policy("vm1").orElseThrow());
            assertTrue(store.verify().isEmpty(), store.verify().toString());
        }
    }

    @Test
    void everythingSurvivesACloseAndReopen() {
        VnicConfig vm1;
        GuestPolicy policy;
        long last;
        try (ConfigStore store = storeWithTwoVnics(dir, StoreOptions.defaults())) {
            store.requestChange(GUEST1, "vm1", "ipv4-addresses", "10.0.0.9/24").orThrow();
            store.requestChange(GUEST1, "vm1", "mtu", "9000");
            vm1 = store.vnic("vm1").orElseThrow();
            policy = store.policy("vm1").orElseThrow();
            last = store.lastSequence();
        }
        try (ConfigStore store = ConfigStore.open(dir)) {
            assertFalse(store.recoveryReport().recovered());
            assertEquals(0, store.recoveryReport().replayedRecords());
            assertEquals(vm1, store.vnic("vm1").orElseThrow());
            assertEquals(policy, store.policy("vm1").orElseThrow());
            assertEquals(last, store.lastSequence());
            assertEquals(DenialReason.VALUE_NOT_ALLOWED, store.audit().get(last).denial());
            assertEquals(last + 1, store.requestChange(GUEST1, "vm1", "mtu", "1280").sequence());
            assertTrue(store.verify().isEmpty(), store.verify().toString());
        }
    }

    @Test
    void listenersHearEachCommitInOrder() {
        try (ConfigStore store = storeWithTwoVnics(dir, StoreOptions.defaults())) {
            List<Change> heard = new ArrayList<>();
            store.addListener(heard::add);
            store.addListener(c -> {
                throw new IllegalStateException("a broken listener does not break commits");
            });
            store.requestChange(GUEST1, "vm1", "mtu", "1400").orThrow();
            store.requestChange(GUEST1, "vm1", "mtu", "14000");
            store.adminChange(ADMIN, "vm2", "priority", "5").orThrow();
            assertEquals(2, heard.size());
            assertEquals(1400, heard.get(0).vnicAfter().mtu());
            assertEquals(5, heard.get(1).vnicAfter().priority());
            assertTrue(heard.get(0).sequence() < heard.get(1).sequence());
        }
    }

    @Test
    void theFeedSkipsDenialsAndAConsumerResumesFromItsCursor() {
        try (ConfigStore store = storeWithTwoVnics(dir, StoreOptions.defaults())) {
            long cursor = store.lastSequence();
            store.requestChange(GUEST1, "vm1", "mtu", "1400").orThrow();
            for (int i = 0; i < 10; i++) {
                store.requestChange(GUEST1, "vm1", "mtu", "99999");
            }
            store.requestChange(GUEST1, "vm1", "mtu", "1300").orThrow();
            List<Change> got = new ArrayList<>();
            cursor = store.changes().poll(cursor, 5, got::add);
            assertEquals(1, got.size());
            assertEquals(store.lastSequence() - 7, cursor, "five records examined");
            cursor = store.changes().poll(cursor, 100, got::add);
            assertEquals(2, got.size());
            assertEquals(1300, got.get(1).vnicAfter().mtu());
            assertEquals(store.lastSequence(), cursor);
            assertEquals(cursor, store.changes().poll(cursor, 100, got::add));
        }
    }

    @Test
    void theStoreRefusesMoreVnicsThanItWasSizedFor() {
        try (ConfigStore store = ConfigStore.open(dir, StoreOptions.defaults().withMaxVnics(2))) {
            store.putVnic(ADMIN, VnicConfig.create("a", "02:00:00:00:00:01")).orThrow();
            store.putVnic(ADMIN, VnicConfig.create("b", "02:00:00:00:00:02")).orThrow();
            ChangeResult r = store.putVnic(ADMIN, VnicConfig.create("c", "02:00:00:00:00:03"));
            assertEquals(DenialReason.STORE_FULL, r.decision().reason());
            assertTrue(store.putVnic(ADMIN, VnicConfig.create("b", "02:00:00:00:00:04")).committed(),
                    "replacing one still works");
        }
    }

    @Test
    void theJournalRollsOverToNewFilesAndStaysReadable() {
        StoreOptions small = StoreOptions.defaults().withJournalSegmentRecords(16);
        try (ConfigStore store = storeWithTwoVnics(dir, small)) {
            for (int i = 0; i < 100; i++) {
                store.requestChange(GUEST1, "vm1", "mtu", Integer.toString(1000 + i)).orThrow();
            }
            assertEquals(103, store.lastSequence());
            assertEquals(1099, store.vnic("vm1").orElseThrow().mtu());
            assertEquals(103, store.audit().after(0, 1000).size());
            assertTrue(store.verify().isEmpty());
        }
        try (var files = java.nio.file.Files.list(dir)) {
            assertEquals(7, files.filter(p -> p.getFileName().toString().startsWith("journal-")).count());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        try (ConfigStore store = ConfigStore.open(dir, small)) {
            assertEquals(103, store.lastSequence());
            assertEquals(1099, store.vnic("vm1").orElseThrow().mtu());
            assertEquals(104, store.adminChange(ADMIN, "vm1", "mtu", "1500").sequence());
        }
    }

    @Test
    void auditRecordsCarryTheClockTimeAndCutLongValues() {
        Instant t = Instant.parse("2030-01-02T03:04:05.123456Z");
        try (ConfigStore store = storeWithTwoVnics(dir, StoreOptions.defaults().withClock(InstantSource.fixed(t)))) {
            String longValue = "9".repeat(600);
            ChangeResult r = store.requestChange(GUEST1, "vm1", "mtu", longValue);
            AuditRecord a = store.audit().get(r.sequence());
            assertEquals(t, a.time());
            assertEquals(256, a.value().length());
            assertTrue(a.value().endsWith("..."));
        }
    }

    @Test
    void largePoliciesAndConfigsFitTheFiles() {
        try (ConfigStore store = ConfigStore.open(dir)) {
            StringBuilder macs = new StringBuilder();
            StringBuilder ips = new StringBuilder();
            for (int i = 0; i < VnicParameter.MAX_LIST; i++) {
                macs.append(i == 0 ? "" : ",").append(String.format("02:00:00:00:01:%02x", i));
                ips.append(i == 0 ? "" : ",").append("10.0.").append(i).append(".5/24");
            }
            VnicConfig big = VnicConfig.create("big", "02:00:00:00:00:01").with("secondary-macs", macs)
                    .with("ipv4-addresses", ips);
            store.putVnic(ADMIN, big).orThrow();
            GuestPolicy.Builder b = GuestPolicy.builder();
            StringBuilder blocks = new StringBuilder();
            for (int i = 0; i < 64; i++) {
                blocks.append(i == 0 ? "" : ",").append("10.").append(i).append(".0.0/16");
            }
            b.allow(VnicParameter.IPV4_ADDRESSES, blocks.toString()).allow(VnicParameter.SECONDARY_MACS, macs.toString())
                    .allow(VnicParameter.MTU, "68..9216").allow(VnicParameter.VLAN, "1..4094");
            store.setPolicy(ADMIN, "big", b.build()).orThrow();
            assertTrue(store.requestChange(Requester.guest("big"), "big", "ipv4-addresses", "10.63.1.1/16").committed());
            assertTrue(store.verify().isEmpty(), store.verify().toString());
        }
        try (ConfigStoreReader reader = ConfigStoreReader.open(dir)) {
            assertEquals(VnicParameter.MAX_LIST, reader.vnic("big").orElseThrow().secondaryMacs().size());
            assertEquals(4, reader.policy("big").orElseThrow().rules().size());
        }
    }

    @Test
    void aSecondWriterInTheSameProcessIsRefused() {
        try (ConfigStore store = ConfigStore.open(dir)) {
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigStore.open(dir));
            assertTrue(e.getMessage().contains("already open for writing in this process"), e.getMessage());
            assertTrue(store.vnicNames().isEmpty());
        }
    }

    @Test
    void aReaderInTheSameProcessSeesCommitsAtOnce() {
        try (ConfigStore store = storeWithTwoVnics(dir, StoreOptions.defaults());
             ConfigStoreReader reader = ConfigStoreReader.open(dir)) {
            assertEquals(store.vnic("vm1"), reader.vnic("vm1"));
            store.requestChange(GUEST1, "vm1", "mtu", "1280").orThrow();
            assertEquals(1280, reader.vnic("vm1").orElseThrow().mtu());
            assertEquals(store.lastSequence(), reader.lastSequence());
            assertEquals(store.policy("vm1"), reader.policy("vm1"));
            assertEquals(List.of("vm1", "vm2"), reader.vnicNames());
            assertEquals(store.audit().after(0, 100), reader.audit().after(0, 100));
        }
    }
}
