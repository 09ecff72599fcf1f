package io.quiver.configstore;

import io.quiver.configstore.files.ChronicleFiles;
import io.quiver.configstore.files.OwnerOnly;
import io.quiver.configstore.files.SchemaVersion;
import io.quiver.configstore.files.WriterLock;
import io.quiver.configstore.journal.Journal;
import io.quiver.configstore.model.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening the store for writing: taking the writer lock, creating a store where none is (in an order that a crash
 * at any point leaves either nothing or a complete store), and recovering one whose last writer died (Chronicle's
 * recovery, then the journal replayed from the last checkpoint).
 */
final class StoreOpening {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigStore.class);

    private StoreOpening() {
    }

    /** See {@link ConfigStore#open(Path, StoreOptions)}. */
    static ConfigStore open(Path dir, StoreOptions options) {
        try {
            OwnerOnly.directory(dir);
        } catch (IOException e) {
            throw new ConfigException("cannot create the configstore directory " + dir + ": " + e.getMessage(), e);
        }
        WriterLock lock = WriterLock.acquire(dir, options.writerLockWait());
        StateMaps maps = null;
        Journal journal = null;
        try {
            WriterLock.Status previous = lock.previous();
            boolean exists = Files.exists(dir.resolve(ChronicleFiles.VNICS));
            boolean recover = exists && previous.state().needsRecovery();
            long checkpoint = Math.max(0, previous.checkpoint());
            if (recover) {
                lock.mark(WriterLock.State.RECOVERING, checkpoint); // first, so readers keep off meanwhile
                LOG.warn("configstore {}: the last writer (pid {}) did not close it ({}); recovering", dir,
                        previous.pid(), previous.state());
            }
            WriterLock.removeTemporaryFiles(dir);
            if (!exists) {
                create(dir, options, lock, previous);
                checkpoint = 0;
            }
            StateMaps.createVnsMapsIfMissing(dir, options.maxVnics(), ConfigStore.MAX_STORED_ROUTES);
            StateMaps.createSubscriptionMapIfMissing(dir, SubscriptionRules.MAX_LEVELS);
            ChronicleFiles.restrictStoreFiles(dir);
            List<String> log = new ArrayList<>();
            maps = StateMaps.open(dir, recover, log);
            journal = Journal.openForWriting(dir, options.journalSegmentRecords(), recover, log,
                    options.durability() == Durability.POWER_LOSS);
            long replayed = Recovery.replay(journal, maps, checkpoint);
            RecoveryReport report = new RecoveryReport(recover, checkpoint, replayed, journal.lastSequence(), log);
            ConfigStore store = new ConfigStore(dir, options, lock, maps, journal, report);
            store.load();
            lock.mark(WriterLock.State.OPEN, journal.lastSequence());
            if (recover) {
                LOG.warn("configstore {}: recovered; replayed {} journal records after checkpoint {}, last sequence {}",
                        dir, replayed, checkpoint, journal.lastSequence());
            }
            return store;
        } catch (RuntimeException e) {
            if (journal != null) {
                journal.close();
            }
            if (maps != null) {
                maps.close();
            }
            lock.close();
            throw e;
        }
    }

    private static void create(Path dir, StoreOptions options, WriterLock lock, WriterLock.Status previous) {
        List<Path> leftovers;
        try (var files = Files.list(dir)) {
            leftovers = files.filter(p -> p.getFileName().toString().equals(ChronicleFiles.POLICIES)
                    || ChronicleFiles.segmentFirstSequence(p) > 0).toList();
        } catch (IOException e) {
            throw new ConfigException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (!leftovers.isEmpty()) {
            if (previous.state() != WriterLock.State.CREATING) {
                throw new ConfigException("the configstore in " + dir + " is incomplete: " + ChronicleFiles.VNICS
                        + " is missing but " + leftovers.getFirst().getFileName() + " exists; restore the directory "
                        + "from a backup, or move it away to start a new store");
            }
            for (Path p : leftovers) {
                try {
                    Files.delete(p); // the remains of a creation that died before it finished; they hold no data
                } catch (IOException e) {
                    throw new ConfigException("cannot remove " + p + ": " + e.getMessage(), e);
                }
            }
        }
        lock.mark(WriterLock.State.CREATING, 0);
        StateMaps.createPolicies(dir, options.maxVnics());
        Journal.create(dir, options.journalSegmentRecords());
        StateMaps.createVnics(dir, options.maxVnics()); // last: its presence marks a complete store
        LOG.info("configstore {}: created (schema {}, {} VNICs, {} records per journal file)", dir,
                SchemaVersion.CURRENT, options.maxVnics(), options.journalSegmentRecords());
    }
}
