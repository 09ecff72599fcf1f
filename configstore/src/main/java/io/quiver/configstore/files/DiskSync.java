package io.quiver.configstore.files;

import io.quiver.configstore.model.ConfigException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Flushes the store's files to disk for {@link io.quiver.configstore.Durability#POWER_LOSS}. Chronicle Map exposes no
 * msync, but on Linux an fdatasync of a file writes back its pages dirtied through a shared mapping too, so a
 * channel of its own on each file is enough. One channel per file, kept open while the store is.
 */
public final class DiskSync implements AutoCloseable {
    private final Map<Path, FileChannel> channels = new HashMap<>();
    private long flushes;

    /** Writes {@code file}'s data to disk (fdatasync). */
    public synchronized void file(Path file) {
        try {
            FileChannel c = channels.get(file);
            if (c == null) {
                c = FileChannel.open(file, StandardOpenOption.READ);
                channels.put(file, c);
            }
            c.force(false);
            flushes++;
        } catch (IOException e) {
            throw new ConfigException("cannot write " + file + " to disk: " + e.getMessage(), e);
        }
    }

    /** Closes {@code file}'s channel, if any: a deleted file's space is freed only once no descriptor holds it. */
    public synchronized void forget(Path file) {
        FileChannel c = channels.remove(file);
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // a read-only channel: closing loses nothing
            }
        }
    }

    /** Files flushed so far. */
    public synchronized long flushes() {
        return flushes;
    }

    /** Writes {@code dir}'s entries to disk: a file created or renamed there is found after a power loss. */
    public static void directory(Path dir) {
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException e) {
            throw new ConfigException("cannot write the directory " + dir + " to disk: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        for (FileChannel c : channels.values()) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing a read-only channel loses nothing
            }
        }
        channels.clear();
    }
}
