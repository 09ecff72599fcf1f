package io.quiver.configstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.journal.AuditRecord;
import io.quiver.configstore.journal.JournalRecord;
import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.VnicParameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kill -9} of the writer in the middle of commits: the files reopen consistent, and every acknowledged request
 * (a call that returned) is there, with the state it produced.
 */
class CrashRecoveryTest {
    @TempDir
    Path dir;

    private void seed(int segmentRecords) {
        try (ConfigStore store = ConfigStore.open(dir, StoreOptions.defaults().withJournalSegmentRecords(segmentRecords))) {
            for (int v = 0; v < BurstWriterMain.VNICS; v++) {
                store.putVnic(ConfigStoreTest.ADMIN, BurstWriterMain.base(v)).orThrow();
                store.setPolicy(ConfigStoreTest.ADMIN, "v" + v, BurstWriterMain.POLICY).orThrow();
            }
        }
    }

    record Ack(long seq, String action, String vnic, String parameter, String value, boolean committed) {
        static Ack parse(String line) {
            String[] f = line.split(" ");
            return new Ack(Long.parseLong(f[1]), f[2], f[3], f[4], f[5], Boolean.parseBoolean(f[6]));
        }
    }

    @Test
    void killNineInABurstLosesNoAcknowledgedChange() throws Exception {
        int segmentRecords = 64; // small: the burst rolls journal files over, and may be killed doing it
        seed(segmentRecords);
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        List<Ack> acks = new ArrayList<>();
        // Odd rounds: the next writer child recovers what the killed one left. Even rounds: this test recovers it
        // and checks every acknowledgement so far.
        for (int round = 0; round < 6; round++) {
            int killAfter = 200 + random.nextInt(1500);
            int before = acks.size();
            try (ForkedJvm child = ForkedJvm.start(BurstWriterMain.class, dir.toString(),
                    Integer.toString(segmentRecords), Integer.toString(round))) {
                String ready = child.await("READY", 60);
                assertEquals(round % 2 == 1, ready.contains(" true "), "whether the child had to recover: " + ready);
                while (acks.size() - before < killAfter) {
                    String line = child.nextLine(30);
                    assertNotNull(line, "the burst stopped; stderr:\n" + child.stderr());
                    acks.add(Ack.parse(line));
                }
                child.kill9();
                // Lines already in the pipe were acknowledged before the kill, too.
                String line;
                while ((line = child.nextLine(0.5)) != null) {
                    if (line.startsWith("ACK ")) {
                        acks.add(Ack.parse(line));
                    }
                }
            }
            if (round % 2 == 0) {
                continue;
            }
            assertThrows(ConfigException.class, () -> ConfigStoreReader.open(dir),
                    "a reader must not map a store whose writer died before a writer recovered it");
            long started = System.nanoTime();
            try (ConfigStore store = ConfigStore.open(dir, StoreOptions.defaults().withJournalSegmentRecords(segmentRecords))) {
                double seconds = (System.nanoTime() - started) / 1e9;
                assertTrue(store.recoveryReport().recovered());
                assertTrue(seconds < 30, "recovery took " + seconds + " s");
                checkAcknowledged(store, acks);
                assertEquals(List.of(), store.verify());
            }
        }
        long totalAcks = acks.size();
        assertTrue(totalAcks > 1200, "the test exercised " + totalAcks + " acknowledged requests");
        try (ConfigStore store = ConfigStore.open(dir)) {
            assertFalse(store.recoveryReport().recovered(), "the last open closed it cleanly");
        }
    }

    private static void checkAcknowledged(ConfigStore store, List<Ack> acks) {
        Map<String, Long> lastCommit = new HashMap<>();
        for (Ack ack : acks) {
            AuditRecord a = store.audit().get(ack.seq());
            assertNotNull(a, "acknowledged request " + ack + " is missing");
            assertEquals(ack.vnic(), a.vnic(), ack.toString());
            assertEquals(ack.committed(), a.committed(), ack.toString());
            if (!ack.parameter().equals("-")) {
                assertEquals(ack.parameter(), a.parameter(), ack.toString());
                assertEquals(ack.value(), a.value(), ack.toString());
            }
            if (ack.committed()) {
                // A policy commit moves the policy's revision, every other commit the VNIC's.
                lastCommit.merge(ack.action().equals("policy") ? "policy:" + ack.vnic() : ack.vnic(), ack.seq(),
                        Math::max);
                JournalRecord r = store.changes().since(ack.seq() - 1).stream()
                        .filter(c -> c.sequence() == ack.seq()).findFirst()
                        .map(c -> new JournalRecord(c.sequence(), 0, c.requester(), c.action(), c.vnic(), c.parameter(),
                                c.value(), null, "", c.vnicAfter(), c.policyAfter(), c.vnsAfter(), c.routeAfter()))
                        .orElseThrow(() -> new AssertionError("commit " + ack + " is not in the change feed"));
                if (!ack.parameter().equals("-")) {
                    VnicParameter p = VnicParameter.byName(ack.parameter());
                    assertEquals(p.format(p.parse(ack.value())), r.vnicAfter().get(p), ack.toString());
                }
            }
        }
        for (Map.Entry<String, Long> e : lastCommit.entrySet()) {
            String key = e.getKey();
            long revision = key.startsWith("policy:")
                    ? store.policy(key.substring(7)).orElseThrow().revision()
                    : store.vnic(key).orElseThrow().revision();
            assertTrue(revision >= e.getValue(), key + " is at revision " + revision
                    + ", older than its acknowledged commit " + e.getValue());
        }
    }

    @ParameterizedTest(name = "halt at {0}")
    @ValueSource(strings = {CrashPoints.JOURNAL_APPENDED, CrashPoints.MAP_LOCKED})
    void aCommitInterruptedAfterItsJournalRecordIsCompletedOnReopen(String point) throws Exception {
        seed(1024);
        long target;
        try (ConfigStore store = ConfigStore.open(dir)) {
            target = store.lastSequence() + 6;
        }
        List<String> acks;
        try (ForkedJvm child = ForkedJvm.start(CrashPointMain.class, dir.toString(), point, Long.toString(target))) {
            acks = child.linesUntil("HALT", 60);
            assertEquals(9, child.waitFor(30), child.stderr());
        }
        assertEquals(6, acks.size(), acks.toString());
        assertEquals("ACK " + (target - 1) + " 1004", acks.get(4));
        long started = System.nanoTime();
        try (ConfigStore store = ConfigStore.open(dir)) {
            assertTrue((System.nanoTime() - started) / 1e9 < 30, "recovery must not wait for the dead lock holder");
            RecoveryReport report = store.recoveryReport();
            assertTrue(report.recovered());
            assertEquals(target, report.lastSequence());
            assertTrue(report.replayedRecords() >= 1, report.toString());
            if (point.equals(CrashPoints.MAP_LOCKED)) {
                assertTrue(report.chronicleMessages().stream().anyMatch(m -> m.contains("lock")), report.toString());
            }
            // The interrupted commit was journaled, so it is completed, not lost and not half-applied.
            assertEquals(1005, store.vnic("v0").orElseThrow().mtu());
            assertEquals(target, store.vnic("v0").orElseThrow().revision());
            assertEquals(List.of(), store.verify());
            assertEquals(target + 1, store.adminChange(ConfigStoreTest.ADMIN, "v0", "mtu", "1500").sequence());
        }
    }
}
