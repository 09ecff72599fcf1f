package io.quiver.configstore.files;

import io.quiver.configstore.model.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * {@code writer.lock}: one writer process per store, and what the last writer was doing. The writer holds an
 * exclusive OS lock on the file (the kernel drops it when the process dies, kill -9 included) and keeps one line in
 * it: the schema, its state, its pid and a checkpoint (every commit up to it is applied to the VNIC and policy maps).
 * A state other than {@code closed} found by the next writer means the last one died: Chronicle's recovery runs and
 * the journal is replayed from the checkpoint.
 */
public final class WriterLock implements AutoCloseable {
    /** What the writer holding (or last holding) the lock is doing. */
    public enum State {
        /** No store here yet. */
        NEW,
        /** Creating the files; a writer that died here left no data. */
        CREATING,
        /** Open for writing; found by a new writer it means the last one died. */
        OPEN,
        /** Replaying the journal after a crash. */
        RECOVERING,
        /** A commit was journaled but could not be applied; the next open replays it. */
        FAILED,
        /** Closed cleanly. */
        CLOSED,
        /** The line could not be read; treated as a crash. */
        UNKNOWN;

        public boolean needsRecovery() {
            return this != NEW && this != CLOSED;
        }
    }

    /** The content of the lock file. */
    public record Status(State state, long pid, long checkpoint) {
    }

    private static final int SIZE = 128;

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Status previous;

    private WriterLock(Path file, FileChannel channel, FileLock lock, Status previous) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.previous = previous;
    }

    /** Takes the writer lock of the store in {@code dir}, waiting up to {@code wait} for another writer. */
    public static WriterLock acquire(Path dir, Duration wait) {
        Path file = dir.resolve(ChronicleFiles.LOCK);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), OwnerOnly.fileAttribute());
            long deadline = System.nanoTime() + wait.toNanos();
            FileLock lock;
            while (true) {
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    throw new ConfigException("the configstore in " + dir + " is already open for writing in this "
                            + "process: share that ConfigStore instead of opening it twice");
                }
                if (lock != null || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(20);
            }
            if (lock == null) {
                Status holder = read(file, channel);
                throw new ConfigException("the configstore in " + dir + " is open for writing by another process"
                        + (holder.pid() > 0 ? " (pid " + holder.pid() + ")" : "") + ": only one writer (the daemon) "
                        + "may open it; read it with ConfigStoreReader, or stop that process");
            }
            Status previous = read(file, channel);
            return new WriterLock(file, channel, lock, previous);
        } catch (IOException e) {
            close(channel);
            throw new ConfigException("cannot take the writer lock " + file + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            close(channel);
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted while waiting for the writer lock " + file);
        } catch (RuntimeException e) {
            close(channel);
            throw e;
        }
    }

    /**
     * For a reader: whether a writer holds the lock now, and the last state written. A reader must not open a
     * store whose last writer died (its maps may hold locks of the dead process) until a writer has recovered it.
     */
    public static Probe probe(Path dir) {
        Path file = dir.resolve(ChronicleFiles.LOCK);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            boolean writerActive;
            try {
                FileLock shared = channel.tryLock(0, Long.MAX_VALUE, true);
                writerActive = shared == null;
                if (shared != null) {
                    shared.release();
                }
            } catch (OverlappingFileLockException e) {
                writerActive = true;
            }
            return new Probe(writerActive, read(file, channel));
        } catch (NoSuchFileException e) {
            return new Probe(false, new Status(State.NEW, 0, 0));
        } catch (IOException e) {
            throw new ConfigException("cannot read the writer lock " + file + ": " + e.getMessage(), e);
        }
    }

    /** What a reader learns from {@link #probe}. */
    public record Probe(boolean writerActive, Status status) {
    }

    private static Status read(Path file, FileChannel channel) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        while (b.hasRemaining() && channel.read(b, b.position()) > 0) {
            // keep reading
        }
        String text = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
        if (text.isEmpty()) {
            return new Status(State.NEW, 0, 0);
        }
        State state = State.UNKNOWN;
        long pid = 0;
        long checkpoint = 0;
        int schema = -1;
        for (String field : text.split("\\s+")) {
            int eq = field.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String k = field.substring(0, eq);
            String v = field.substring(eq + 1);
            try {
                switch (k) {
                    case "schema" -> schema = Integer.parseInt(v);
                    case "state" -> state = State.valueOf(v.toUpperCase(Locale.ROOT));
                    case "pid" -> pid = Long.parseLong(v);
                    case "checkpoint" -> checkpoint = Long.parseLong(v);
                    default -> {
                        // a later field; ignore
                    }
                }
            } catch (IllegalArgumentException e) {
                return new Status(State.UNKNOWN, 0, 0);
            }
        }
        if (schema != -1 && schema != SchemaVersion.CURRENT) {
            throw new SchemaVersionException(file, schema, SchemaVersion.CURRENT);
        }
        return new Status(schema == -1 ? State.UNKNOWN : state, pid, checkpoint);
    }

    public Status previous() {
        return previous;
    }

    /** Records the writer's state; the line is rewritten in place (one small write, no fsync needed for kill -9). */
    public void mark(State state, long checkpoint) {
        mark(state, checkpoint, state != State.OPEN || checkpoint == 0);
    }

    /** As {@link #mark(State, long)}, on disk before it returns when {@code flush}. */
    public void mark(State state, long checkpoint, boolean flush) {
        String line = "quiver-configstore schema=" + SchemaVersion.CURRENT + " state="
                + state.name().toLowerCase(Locale.ROOT) + " pid=" + ProcessHandle.current().pid()
                + " checkpoint=" + checkpoint;
        byte[] bytes = new byte[SIZE];
        java.util.Arrays.fill(bytes, (byte) ' ');
        byte[] text = line.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, bytes, 0, text.length);
        bytes[SIZE - 1] = '\n';
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                channel.write(b, b.position());
            }
            if (flush) {
                channel.force(false);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot write the writer lock " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // the channel close below releases it as well
        }
        close(channel);
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    /** Deletes stray temporary files of interrupted creations. */
    public static void removeTemporaryFiles(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(ChronicleFiles.TMP_SUFFIX)).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
