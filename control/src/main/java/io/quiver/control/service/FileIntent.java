package io.quiver.control.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the configuration file said at the last start, per VNIC and parameter (and guest policy): how the next start
 * tells a parameter the operator edited in the file (the file wins) from one changed at run time (the stored value
 * stays). Beside the database in the state folder, written atomically.
 */
final class FileIntent {
    static final String POLICY = "guest-policy";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, Map<String, String>> byVnic;

    FileIntent(Path stateDir) {
        this.file = stateDir.resolve("file-intent.json");
        try {
            byVnic = Files.exists(file) ? new TreeMap<>(JSON.readValue(file.toFile(), new TypeReference<Map<String, Map<String, String>>>() { }))
                    : new TreeMap<>();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** What the file said for {@code vnic} at the last start, or null when it did not name it (or no start recorded). */
    Map<String, String> lastSaid(String vnic) {
        return byVnic.get(vnic);
    }

    /** Records what the file says now, replacing the last start's record. */
    void save(Map<String, Map<String, String>> now) {
        byVnic.clear();
        byVnic.putAll(now);
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), byVnic);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
