package io.quiver.configstore;

import java.time.Duration;
import java.time.InstantSource;

/**
 * Every tunable of a store, with its default in one place. Sizes apply when files are created; an existing store
 * keeps the sizes it was created with.
 *
 * @param maxVnics              VNICs (and guest policies) the store holds; a create beyond it is denied
 * @param journalSegmentRecords records per journal file; a full file rolls over to a new one
 * @param checkpointInterval    commits between two checkpoints of the writer lock file (bounds replay on recovery)
 * @param writerLockWait        how long {@link ConfigStore#open} waits for another writer to let go
 * @param clock                 the time stamped on audit records
 * @param durability            what an acknowledged change survives
 * @param journalFilesKept      journal files (the audit log with them) kept: beyond it the oldest go, their state
 *                              compacted into a snapshot (docs/configstore.md, "Retention")
 */
public record StoreOptions(int maxVnics, int journalSegmentRecords, int checkpointInterval, Duration writerLockWait,
                           InstantSource clock, Durability durability, int journalFilesKept) {
    public static final int DEFAULT_MAX_VNICS = 4096;
    public static final int DEFAULT_JOURNAL_SEGMENT_RECORDS = 65_536;
    public static final int DEFAULT_CHECKPOINT_INTERVAL = 256;
    public static final Duration DEFAULT_WRITER_LOCK_WAIT = Duration.ofSeconds(5);
    /** An appliance's configuration is acknowledged once: what it acknowledged must survive a power loss. */
    public static final Durability DEFAULT_DURABILITY = Durability.POWER_LOSS;
    /** Eight files of 65,536 records: the last half million requests, committed or denied, stay audited. */
    public static final int DEFAULT_JOURNAL_FILES_KEPT = 8;

    public StoreOptions {
        if (maxVnics < 1 || maxVnics > 1_000_000) {
            throw new IllegalArgumentException("maxVnics " + maxVnics + " is not in 1..1000000");
        }
        if (journalSegmentRecords < 16 || journalSegmentRecords > 16_000_000) {
            throw new IllegalArgumentException("journalSegmentRecords " + journalSegmentRecords
                    + " is not in 16..16000000");
        }
        if (checkpointInterval < 1) {
            throw new IllegalArgumentException("checkpointInterval must be positive");
        }
        if (writerLockWait == null || writerLockWait.isNegative() || clock == null || durability == null) {
            throw new IllegalArgumentException("writerLockWait, clock and durability are required");
        }
        if (journalFilesKept < 2) {
            throw new IllegalArgumentException("journalFilesKept " + journalFilesKept + " is under 2: the file being "
                    + "written and one before it");
        }
    }

    public static StoreOptions defaults() {
        return new StoreOptions(DEFAULT_MAX_VNICS, DEFAULT_JOURNAL_SEGMENT_RECORDS, DEFAULT_CHECKPOINT_INTERVAL,
                DEFAULT_WRITER_LOCK_WAIT, InstantSource.system(), DEFAULT_DURABILITY, DEFAULT_JOURNAL_FILES_KEPT);
    }

    public StoreOptions withMaxVnics(int n) {
        return new StoreOptions(n, journalSegmentRecords, checkpointInterval, writerLockWait, clock, durability, journalFilesKept);
    }

    public StoreOptions withJournalSegmentRecords(int n) {
        return new StoreOptions(maxVnics, n, checkpointInterval, writerLockWait, clock, durability, journalFilesKept);
    }

    public StoreOptions withCheckpointInterval(int n) {
        return new StoreOptions(maxVnics, journalSegmentRecords, n, writerLockWait, clock, durability, journalFilesKept);
    }

    public StoreOptions withWriterLockWait(Duration d) {
        return new StoreOptions(maxVnics, journalSegmentRecords, checkpointInterval, d, clock, durability, journalFilesKept);
    }

    public StoreOptions withClock(InstantSource c) {
        return new StoreOptions(maxVnics, journalSegmentRecords, checkpointInterval, writerLockWait, c, durability, journalFilesKept);
    }

    public StoreOptions withDurability(Durability d) {
        return new StoreOptions(maxVnics, journalSegmentRecords, checkpointInterval, writerLockWait, clock, d, journalFilesKept);
    }

    public StoreOptions withJournalFilesKept(int n) {
        return new StoreOptions(maxVnics, journalSegmentRecords, checkpointInterval, writerLockWait, clock, durability, n);
    }
}
