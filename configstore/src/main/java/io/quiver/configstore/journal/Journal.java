package io.quiver.configstore.journal;

import io.quiver.configstore.files.ChronicleFiles.Segment;
import io.quiver.configstore.files.ChronicleFiles;
import io.quiver.configstore.files.DiskSync;
import io.quiver.configstore.model.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The append-only journal: Chronicle Map files {@code journal-<first sequence>.cm3}, each keyed by sequence and
 * holding a fixed number of records; a full file rolls over to a new one. Sequences are dense: record n+1 is
 * appended only after record n. One process appends (the store's writer); any number of processes read, and
 * pick up new files as they appear. Thread-safe.
 */
public final class Journal implements AutoCloseable {
    private final Path dir;
    private final boolean writable;
    private final int newSegmentRecords;
    private final boolean recover;
    private final List<String> recoveryLog;
    private final TreeMap<Long, Path> files = new TreeMap<>();
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    /** Flushes each append to disk before it returns; null when appends stay in the page cache. */
    private final DiskSync sync;
    private volatile long lastSequence;
    private boolean closed;

    private Journal(Path dir, boolean writable, int newSegmentRecords, boolean recover, List<String> recoveryLog,
                    boolean sync) {
        this.dir = dir;
        this.writable = writable;
        this.newSegmentRecords = newSegmentRecords;
        this.recover = recover;
        this.recoveryLog = recoveryLog;
        this.sync = sync ? new DiskSync() : null;
    }

    /**
     * Opens the journal of the store in {@code dir} for appending. With {@code recover}, Chronicle's recovery runs
     * on every segment (the last writer died, possibly holding a segment lock or mid-write: a torn record is dropped;
     * it was never acknowledged). With {@code sync}, each append is on disk before it returns.
     */
    public static Journal openForWriting(Path dir, int newSegmentRecords, boolean recover, List<String> recoveryLog,
                                         boolean sync) {
        Journal j = new Journal(dir, true, newSegmentRecords, recover, recoveryLog, sync);
        try {
            j.list();
            if (j.files.isEmpty()) {
                throw new ConfigException("the configstore in " + dir + " has no journal files (journal-*.cm3): "
                        + "it is incomplete; restore the directory from a backup");
            }
            if (recover) {
                for (Long first : List.copyOf(j.files.keySet())) {
                    j.segment(first);
                }
            }
            j.lastSequence = j.findLast();
            return j;
        } catch (RuntimeException e) {
            j.close();
            throw e;
        }
    }

    /** Opens the journal of the store in {@code dir} for reading only. */
    public static Journal openForReading(Path dir) {
        Journal j = new Journal(dir, false, 0, false, new ArrayList<>(), false);
        j.list();
        j.lastSequence = j.findLast();
        return j;
    }

    /** Creates the first, empty segment of a new store. */
    public static void create(Path dir, int segmentRecords) {
        ChronicleFiles.createSegment(dir, 1, segmentRecords);
    }

    private synchronized void list() {
        try (var stream = Files.list(dir)) {
            TreeMap<Long, Path> now = new TreeMap<>();
            stream.forEach(p -> {
                long first = ChronicleFiles.segmentFirstSequence(p);
                if (first > 0) {
                    now.put(first, p);
                }
            });
            if (!now.isEmpty()) { // the writer dropped the oldest files (retention): a reader forgets them too
                files.headMap(now.firstKey()).clear();
                var gone = segments.headMap(now.firstKey());
                gone.values().forEach(g -> g.map().close());
                gone.clear();
            }
            now.forEach(files::putIfAbsent);
        } catch (IOException e) {
            throw new ConfigException("cannot list the journal in " + dir + ": " + e.getMessage(), e);
        }
    }

    private synchronized Segment segment(long first) {
        if (closed) {
            throw new ConfigException("the journal in " + dir + " is closed");
        }
        Segment s = segments.get(first);
        if (s == null) {
            s = ChronicleFiles.openSegment(files.get(first), recover, recoveryLog);
            segments.put(first, s);
        }
        return s;
    }

    /** The segment that holds (or would hold) {@code sequence}, or null; re-lists the directory when needed. */
    private Segment segmentFor(long sequence) {
        Map.Entry<Long, Path> e;
        synchronized (this) {
            e = files.floorEntry(sequence);
        }
        if (e != null) {
            Segment s = segment(e.getKey());
            if (sequence <= s.lastPossibleSequence()) {
                return s;
            }
        }
        if (!writable) {
            list();
            synchronized (this) {
                e = files.floorEntry(sequence);
            }
            if (e != null) {
                Segment s = segment(e.getKey());
                return sequence <= s.lastPossibleSequence() ? s : null;
            }
        }
        return null;
    }

    /** The highest sequence stored in the last segment (its first sequence - 1 when it is empty). */
    private long findLast() {
        long firstOfLast;
        synchronized (this) {
            if (files.isEmpty()) {
                return 0;
            }
            firstOfLast = files.lastKey();
        }
        Segment s = segment(firstOfLast);
        long candidate = s.firstSequence() + Math.max(0, s.map().size() - 1) - 1;
        while (candidate >= s.firstSequence() && !s.map().containsKey(candidate)) {
            candidate--;
        }
        while (s.map().containsKey(candidate + 1)) {
            candidate++;
        }
        return candidate;
    }

    /** The sequence of the last record; 0 for an empty journal. A reader sees appends of the writer live. */
    public long lastSequence() {
        if (writable) {
            return lastSequence;
        }
        long last = findLast();
        Segment s;
        synchronized (this) {
            s = segments.get(files.lastKey());
        }
        if (last >= s.lastPossibleSequence()) {
            list();
            last = findLast();
        }
        lastSequence = last;
        return last;
    }

    /** Appends {@code record}, whose sequence must be {@link #lastSequence()} + 1. */
    public void append(JournalRecord record) {
        if (!writable) {
            throw new IllegalStateException("journal opened for reading");
        }
        long sequence = record.sequence();
        if (sequence != lastSequence + 1) {
            throw new IllegalStateException("journal sequence " + sequence + " after " + lastSequence);
        }
        Segment s = segmentFor(sequence);
        if (s == null) {
            ChronicleFiles.createSegment(dir, sequence, newSegmentRecords);
            if (sync != null) {
                DiskSync.directory(dir); // the new file's name, before a record in it is acknowledged
            }
            synchronized (this) {
                files.put(sequence, ChronicleFiles.segmentPath(dir, sequence));
            }
            s = segment(sequence);
        }
        s.map().put(sequence, JournalCodec.encode(record));
        if (sync != null) {
            sync.file(s.file());
        }
        lastSequence = sequence;
    }

    /** Appends flushed to disk so far (0 unless opened with sync). */
    public long diskFlushes() {
        return sync == null ? 0 : sync.flushes();
    }

    /** Journal files held now. */
    public synchronized int segmentCount() {
        return files.size();
    }

    /**
     * Drops the oldest journal files, all of whose records are at or before {@code upTo}, until {@code keep} files are
     * left (the last one, being written, always stays). The caller has made {@code upTo} a durable checkpoint and
     * written a {@link Snapshot} at it first: nothing dropped is needed to recover or to verify.
     *
     * @return the records dropped
     */
    public long dropOldest(long upTo, int keep) {
        if (!writable) {
            throw new IllegalStateException("journal opened for reading");
        }
        long dropped = 0;
        while (true) {
            Map.Entry<Long, Path> oldest;
            Segment s;
            synchronized (this) {
                if (files.size() <= Math.max(1, keep)) {
                    break;
                }
                oldest = files.firstEntry();
                s = segment(oldest.getKey());
                if (s.lastPossibleSequence() > upTo) {
                    break;
                }
                segments.remove(oldest.getKey());
                files.remove(oldest.getKey());
            }
            s.map().close();
            if (sync != null) {
                sync.forget(oldest.getValue());
            }
            try {
                Files.deleteIfExists(oldest.getValue());
            } catch (IOException e) {
                throw new ConfigException("cannot delete the old journal file " + oldest.getValue() + ": " + e.getMessage(), e);
            }
            dropped += s.capacity();
        }
        if (dropped > 0 && sync != null) {
            DiskSync.directory(dir);
        }
        return dropped;
    }

    /** The record at {@code sequence}, or null when there is none (yet). */
    public JournalRecord read(long sequence) {
        if (sequence < 1) {
            return null;
        }
        Segment s = segmentFor(sequence);
        if (s == null) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = s.map().get(sequence);
        } catch (IllegalStateException e) {
            if (sequence < firstSequence()) {
                return null; // retention dropped (and closed) its file while this read was on the way
            }
            throw e;
        }
        return bytes == null ? null : JournalCodec.decode(bytes, sequence);
    }

    /**
     * Hands the records after {@code afterSequence} to {@code consumer}, at most {@code max} of them, in order, and
     * returns the sequence of the last one handed over ({@code afterSequence} when there was none).
     */
    public long scan(long afterSequence, int max, Consumer<? super JournalRecord> consumer) {
        long s = Math.max(Math.max(0, afterSequence), firstSequence() - 1); // records dropped by retention are gone
        for (int n = 0; n < max; n++) {
            JournalRecord r = read(s + 1);
            if (r == null) {
                break;
            }
            consumer.accept(r);
            s++;
        }
        return s;
    }

    /** The first sequence still held: 1 until retention drops the oldest files; 0 when there are none. */
    public synchronized long firstSequence() {
        if (!writable) {
            list();
        }
        return files.isEmpty() ? 0 : files.firstKey();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (sync != null) {
            sync.close();
        }
        for (Segment s : segments.values()) {
            s.map().close();
        }
        segments.clear();
    }
}
