package io.quiver.control.service;

import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.file.Path;
import java.util.Map;

/**
 * Which port each VNIC is attached to: a daemon fact, not a network parameter, so it lives beside the configuration
 * database in the state folder ({@link StateFile}).
 */
final class Attachments {
    private final StateFile<String> file;
    private final Map<String, String> byVnic;

    Attachments(Path stateDir) {
        this.file = new StateFile<>(stateDir, "attachments.json", new TypeReference<>() { });
        byVnic = file.read();
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
        file.write(byVnic);
    }
}
