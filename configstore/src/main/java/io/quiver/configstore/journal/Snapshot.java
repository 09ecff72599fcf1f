package io.quiver.configstore.journal;

import io.quiver.configstore.files.ChronicleFiles;
import io.quiver.configstore.files.DiskSync;
import io.quiver.configstore.files.OwnerOnly;
import io.quiver.configstore.model.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The whole committed state at one journal sequence, written when the journal's oldest files are dropped
 * (docs/configstore.md, "Retention"): what those files committed, compacted to one put per VNIC, policy, VNS, route
 * and subscription level, each with its own revision. The maps hold the same state and recovery needs nothing older
 * than the checkpoint; the snapshot is what lets {@code verify()} still check the maps against a journal that no
 * longer starts at 1. One file, {@code snapshot-<sequence>.bin}, written to a temporary name and renamed, with a
 * CRC over all of it; the store keeps the newest.
 */
public final class Snapshot {
    private static final long MAGIC = 0x5156_534e_4150_0001L; // "QVSNAP", version 1

    /** The state as of {@code sequence}: records whose {@code *After} is each object, all stamped with that sequence. */
    public record State(long sequence, List<JournalRecord> records) {
    }

    private Snapshot() {
    }

    /** Writes {@code state} into {@code dir}; with {@code sync}, it and its name are on disk before this returns. */
    public static void write(Path dir, State state, boolean sync) {
        Path file = ChronicleFiles.snapshotPath(dir, state.sequence());
        Path tmp = file.resolveSibling(file.getFileName() + ChronicleFiles.TMP_SUFFIX);
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeLong(MAGIC);
            out.writeLong(state.sequence());
            out.writeInt(state.records().size());
            for (JournalRecord r : state.records()) {
                byte[] b = JournalCodec.encode(r);
                out.writeInt(b.length);
                out.write(b);
            }
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
            Files.deleteIfExists(tmp);
            try (OutputStream o = Files.newOutputStream(Files.createFile(tmp, OwnerOnly.fileAttribute()))) {
                bytes.writeTo(o);
            }
            if (sync) {
                try (DiskSync s = new DiskSync()) {
                    s.file(tmp);
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            if (sync) {
                DiskSync.directory(dir);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot write the snapshot " + file + ": " + e.getMessage(), e);
        }
    }

    /** The newest snapshot in {@code dir}, if any. */
    public static Optional<State> newest(Path dir) {
        Optional<Path> file = files(dir).stream().reduce((a, b) -> b);
        return file.map(Snapshot::read);
    }

    /** Deletes every snapshot older than the one at {@code sequence}. */
    public static void deleteOlderThan(Path dir, long sequence) {
        for (Path f : files(dir)) {
            if (ChronicleFiles.snapshotSequence(f) < sequence) {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    throw new ConfigException("cannot delete the old snapshot " + f + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private static State read(Path file) {
        try {
            byte[] all = Files.readAllBytes(file);
            if (all.length < 28) {
                throw new ConfigException("the snapshot " + file + " is truncated");
            }
            CRC32 crc = new CRC32();
            crc.update(all, 0, all.length - 8);
            if (crc.getValue() != ByteBuffer.wrap(all, all.length - 8, 8).getLong()) {
                throw new ConfigException("the snapshot " + file + " is damaged (its checksum fails)");
            }
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all, 0, all.length - 8));
            if (in.readLong() != MAGIC) {
                throw new ConfigException("the snapshot " + file + " is not a Quiver snapshot of this version");
            }
            long sequence = in.readLong();
            if (sequence != ChronicleFiles.snapshotSequence(file)) {
                throw new ConfigException("the snapshot " + file + " says it is at sequence " + sequence + ": files were renamed");
            }
            int n = in.readInt();
            List<JournalRecord> records = new ArrayList<>(Math.max(0, Math.min(n, 1 << 20)));
            for (int i = 0; i < n; i++) {
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                records.add(JournalCodec.decode(b, sequence));
            }
            return new State(sequence, records);
        } catch (IOException e) {
            throw new ConfigException("cannot read the snapshot " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> files(Path dir) {
        try (var stream = Files.list(dir)) {
            return stream.filter(p -> ChronicleFiles.snapshotSequence(p) > 0)
                    .sorted((a, b) -> Long.compare(ChronicleFiles.snapshotSequence(a), ChronicleFiles.snapshotSequence(b))).toList();
        } catch (IOException e) {
            throw new ConfigException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
