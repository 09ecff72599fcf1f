package io.quiver.control.service;

import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the configuration file said at the last start, per VNIC and parameter (and guest policy): how the next start
 * tells a parameter the operator edited in the file (the file wins) from one changed at run time (the stored value
 * stays). Beside the database in the state folder, written atomically.
 */
final class FileIntent {
    static final String POLICY = "guest-policy";

    private final StateFile<Map<String, String>> file;
    private final Map<String, Map<String, String>> byVnic;

    FileIntent(Path stateDir) {
        this.file = new StateFile<>(stateDir, "file-intent.json", new TypeReference<>() { });
        byVnic = file.read();
    }

    /** What the file said for {@code vnic} at the last start, or null when it did not name it (or no start recorded). */
    Map<String, String> lastSaid(String vnic) {
        return byVnic.get(vnic);
    }

    /** Records what the file says now, replacing the last start's record. */
    void save(Map<String, Map<String, String>> now) {
        byVnic.clear();
        byVnic.putAll(now);
        file.write(byVnic);
    }
}
