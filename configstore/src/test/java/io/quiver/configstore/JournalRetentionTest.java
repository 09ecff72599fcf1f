package io.quiver.configstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.files.ChronicleFiles;
import io.quiver.configstore.journal.AuditRecord;
import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.IdentificationRule;
import io.quiver.configstore.model.PriorityClass;
import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.Subscription;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.model.VnsConfig;
import io.quiver.configstore.model.VnsProperty;
import io.quiver.configstore.model.VnsRoute;
import io.quiver.configstore.policy.GuestPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal, and the audit log that is it, stop growing (docs/configstore.md, "Retention"): beyond
 * {@link StoreOptions#journalFilesKept} files the oldest go, their state compacted into a snapshot, and the store
 * still verifies, reopens, recovers from a kill in the middle of it all, and audits what it kept.
 */
class JournalRetentionTest {
    static final Requester ADMIN = Requester.admin("alice");
    static final StoreOptions SMALL = StoreOptions.defaults().withJournalSegmentRecords(16).withJournalFilesKept(3)
            .withCheckpointInterval(8);
    @TempDir
    Path dir;

    static long count(Path dir, String prefix) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).count();
        }
    }

    @Test
    void theJournalStopsGrowingAndTheStoreStillVerifiesReopensAndAudits() throws Exception {
        Map<String, Integer> mtus = new HashMap<>();
        long journalBytes = -1;
        try (ConfigStore store = ConfigStore.open(dir, SMALL)) {
            for (int v = 0; v < 4; v++) {
                store.putVnic(ADMIN, VnicConfig.create("vm" + v, String.format("02:00:00:00:00:%02x", v + 1))).orThrow();
                store.setPolicy(ADMIN, "vm" + v, GuestPolicy.parse("mtu=68..1500")).orThrow();
            }
            store.putVns(ADMIN, VnsConfig.create("r1").with("addresses", "10.8.1.1/24")).orThrow();
            store.addRoute(ADMIN, VnsRoute.parse("r1", "10.50.0.0/16 via 10.8.1.254")).orThrow();
            store.putSubscription(ADMIN, Subscription.create("gold", Subscription.Kind.SUBSCRIPTION, PriorityClass.HIGH, 0, 0, 1,
                    List.of(IdentificationRule.parse("prefix=10.8.0.0/16")))).orThrow();
            for (int i = 0; i < 400; i++) {
                String vnic = "vm" + (i % 4);
                int mtu = 1000 + i % 500;
                if (i % 3 == 0) {
                    assertTrue(store.requestChange(Requester.guest(vnic), vnic, "mtu", Integer.toString(mtu)).committed());
                } else if (i % 3 == 1) {
                    assertTrue(store.adminChange(ADMIN, vnic, "mtu", Integer.toString(mtu)).committed());
                } else {
                    assertTrue(!store.requestChange(Requester.guest(vnic), vnic, "mtu", "9000").committed(), "denied, audited");
                    continue;
                }
                mtus.put(vnic, mtu);
                assertTrue(count(dir, ChronicleFiles.JOURNAL_PREFIX) <= SMALL.journalFilesKept() + 1,
                        "request " + i + ": the journal is bounded");
                if (i == 199) {
                    journalBytes = journalBytes(dir);
                }
            }
            assertEquals(journalBytes, journalBytes(dir), "the journal's files stopped growing");
            assertEquals(0, deletedStillOpen(), "no descriptor holds a dropped journal file (its space is freed)");
            assertEquals(1, count(dir, ChronicleFiles.SNAPSHOT_PREFIX), "the newest snapshot alone");
            long first = store.audit().firstSequence();
            assertTrue(first > 300, "the oldest records went: the journal starts at " + first);
            List<AuditRecord> audit = store.audit().after(0, 10_000);
            assertEquals(first, audit.getFirst().sequence(), "the audit log starts where the journal does");
            assertEquals(store.lastSequence(), audit.getLast().sequence());
            assertEquals(store.lastSequence() - first + 1, audit.size(), "and holds every request since, denied ones too");
            assertEquals(List.of(), store.verify());
            assertThrows(ConfigException.class, () -> store.changes().poll(0, 10, c -> { }),
                    "a follower that fell behind what was dropped is told to read the whole state again");
        }
        try (ConfigStore store = ConfigStore.open(dir, SMALL)) {
            assertEquals(List.of(), store.verify(), "reopened");
            mtus.forEach((vnic, mtu) -> assertEquals(mtu, store.vnic(vnic).orElseThrow().mtu(), vnic));
            assertEquals("10.8.1.1/24", store.vns("r1").orElseThrow().get(VnsProperty.ADDRESSES));
            assertEquals(1, store.routes("r1").size());
            assertTrue(store.subscription("gold").isPresent());
            assertEquals(GuestPolicy.parse("mtu=68..1500").toString().split("@")[0],
                    store.policy("vm0").orElseThrow().toString().split("@")[0]);
        }
        try (ConfigStoreReader reader = ConfigStoreReader.open(dir)) {
            assertEquals(4, reader.vnicNames().size(), "a reader in another process sees the compacted store");
        }
    }

    @Test
    void killNineWhileTheJournalIsCompactedLosesNoAcknowledgedChange() throws Exception {
        try (ConfigStore store = ConfigStore.open(dir, StoreOptions.defaults().withJournalSegmentRecords(16))) {
            for (int v = 0; v < BurstWriterMain.VNICS; v++) {
                store.putVnic(ADMIN, BurstWriterMain.base(v)).orThrow();
                store.setPolicy(ADMIN, "v" + v, BurstWriterMain.POLICY).orThrow();
            }
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        List<CrashRecoveryTest.Ack> acks = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            int killAfter = 200 + random.nextInt(600); // files of 16 records, two kept: a compaction every few commits
            try (ForkedJvm child = ForkedJvm.start(BurstWriterMain.class, dir.toString(), "16", Integer.toString(round), "2")) {
                child.await("READY", 60);
                int before = acks.size();
                while (acks.size() - before < killAfter) {
                    String line = child.nextLine(30);
                    assertNotNull(line, "the burst stopped; stderr:\n" + child.stderr());
                    acks.add(CrashRecoveryTest.Ack.parse(line));
                }
                child.kill9();
                String line;
                while ((line = child.nextLine(0.5)) != null) {
                    if (line.startsWith("ACK ")) {
                        acks.add(CrashRecoveryTest.Ack.parse(line));
                    }
                }
            }
            try (ConfigStore store = ConfigStore.open(dir, StoreOptions.defaults().withJournalSegmentRecords(16).withJournalFilesKept(2))) {
                assertTrue(store.recoveryReport().recovered());
                assertEquals(List.of(), store.verify(), "round " + round);
                long first = store.audit().firstSequence();
                Map<String, Long> lastCommit = new HashMap<>();
                for (CrashRecoveryTest.Ack ack : acks) {
                    if (ack.seq() >= first) { // what retention kept is audited as it was acknowledged
                        AuditRecord a = store.audit().get(ack.seq());
                        assertNotNull(a, ack.toString());
                        assertEquals(ack.committed(), a.committed(), ack.toString());
                    }
                    if (ack.committed()) {
                        lastCommit.merge(ack.action().equals("policy") ? "policy:" + ack.vnic() : ack.vnic(), ack.seq(), Math::max);
                    }
                }
                lastCommit.forEach((key, seq) -> {
                    long revision = key.startsWith("policy:") ? store.policy(key.substring(7)).orElseThrow().revision()
                            : store.vnic(key).orElseThrow().revision();
                    assertTrue(revision >= seq, key + " is at revision " + revision + ", older than its acknowledged commit " + seq);
                });
            }
        }
        assertTrue(acks.size() > 800, acks.size() + " acknowledged requests");
    }

    /** Descriptors of this process on files that were deleted: a dropped journal file kept open by a flush channel. */
    static long deletedStillOpen() throws Exception {
        long n = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    n += target.contains(ChronicleFiles.JOURNAL_PREFIX) && target.endsWith("(deleted)") ? 1 : 0;
                } catch (java.io.IOException gone) {
                    // closed while listed
                }
            }
        }
        return n;
    }

    static long journalBytes(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> ChronicleFiles.segmentFirstSequence(p) > 0).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
