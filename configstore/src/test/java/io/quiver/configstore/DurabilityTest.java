package io.quiver.configstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.VnicConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a commit's return promises (docs/configstore.md, "Durability"). A power cut cannot be staged here, so this
 * checks the mechanism: under POWER_LOSS every commit has flushed its journal file before it returns, a checkpoint
 * flushes the maps first, and the store is whole after a clean close; under PROCESS nothing waits for the disk.
 * The death of the process under either is CrashRecoveryTest's and KillNineLabTest's.
 */
class DurabilityTest {
    static final Requester ADMIN = Requester.admin("alice");
    @TempDir
    Path dir;

    @Test
    void underPowerLossEveryCommitHasFlushedItsJournalRecordBeforeItReturns() {
        StoreOptions options = StoreOptions.defaults().withCheckpointInterval(4).withJournalSegmentRecords(16);
        assertEquals(Durability.POWER_LOSS, options.durability(), "the default promise");
        try (ConfigStore store = ConfigStore.open(dir, options)) {
            store.putVnic(ADMIN, VnicConfig.create("vm1", "02:00:00:00:00:01")).orThrow();
            for (int i = 0; i < 40; i++) { // journal roll-overs and ten checkpoints on the way
                long before = store.diskFlushes();
                assertTrue(store.adminChange(ADMIN, "vm1", "mtu", Integer.toString(1000 + i)).committed());
                long flushed = store.diskFlushes() - before;
                boolean checkpoint = (i + 2) % 4 == 0; // the put was the first commit
                assertTrue(checkpoint ? flushed >= 3 : flushed == 1, "commit " + i + " flushed " + flushed + " file(s)");
            }
        }
        try (ConfigStore store = ConfigStore.open(dir, options)) {
            assertFalse(store.recoveryReport().recovered(), "closed cleanly: nothing to recover");
            assertEquals(1039, store.vnic("vm1").orElseThrow().mtu());
            assertEquals(List.of(), store.verify());
        }
    }

    @Test
    void underProcessDurabilityNothingWaitsForTheDisk() {
        try (ConfigStore store = ConfigStore.open(dir, StoreOptions.defaults().withDurability(Durability.PROCESS).withCheckpointInterval(4))) {
            store.putVnic(ADMIN, VnicConfig.create("vm1", "02:00:00:00:00:01")).orThrow();
            for (int i = 0; i < 20; i++) {
                assertTrue(store.adminChange(ADMIN, "vm1", "mtu", Integer.toString(1000 + i)).committed());
            }
            assertEquals(0, store.diskFlushes());
        }
    }
}
