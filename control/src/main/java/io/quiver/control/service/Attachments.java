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
 * Which port each VNIC is attached to: a daemon fact, not a network parameter, so it lives beside the configuration
 * database in the state folder, written atomically (a crash leaves the old or the new file, never half of one).
 */
final class Attachments {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final Map<String, String> byVnic;

    Attachments(Path stateDir) {
        this.file = stateDir.resolve("attachments.json");
        try {
            byVnic = Files.exists(file) ? new TreeMap<>(JSON.readValue(file.toFile(), new TypeReference<Map<String, String>>() { }))
                    : new TreeMap<>();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    synchronized String port(String vnic) {
        return byVnic.get(vnic);
    }

    synchronized void put(String vnic, String port) {
        byVnic.put(vnic, port);
        save();
    }

    synchronized void remove(String vnic) {
        if (byVnic.remove(vnic) != null) {
            save();
        }
    }

    private void save() {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), byVnic);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
