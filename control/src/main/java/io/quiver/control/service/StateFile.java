package io.quiver.control.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.configstore.files.OwnerOnly;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * A JSON map the control side keeps beside the database in the state folder, written atomically: a crash leaves the
 * old or the new file, never half of one. Readable and writable by its owner only, as the database is.
 */
final class StateFile<V> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final TypeReference<Map<String, V>> type;

    StateFile(Path stateDir, String name, TypeReference<Map<String, V>> type) {
        this.file = stateDir.resolve(name);
        this.type = type;
        if (Files.exists(file)) {
            OwnerOnly.restrict(file); // one an older Quiver wrote under the umask
        }
    }

    /** What the file holds, or an empty map when there is none yet. */
    TreeMap<String, V> read() {
        try {
            return Files.exists(file) ? new TreeMap<>(JSON.readValue(file.toFile(), type)) : new TreeMap<>();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    void write(Map<String, V> content) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            try (OutputStream out = Files.newOutputStream(Files.createFile(tmp, OwnerOnly.fileAttribute()))) {
                JSON.writerWithDefaultPrettyPrinter().writeValue(out, content);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
