package io.quiver.dataplane.offload.tls.host;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which connections may have their TLS handshake offloaded: a switch per VNIC and per port, and a default. A VNIC's
 * setting wins over its port's, which wins over the default. Immutable: a change makes a new policy, which the
 * {@link OffloadDecider} swaps in at once.
 */
public final class OffloadPolicy {
    private final boolean enabledByDefault;
    private final Map<String, Boolean> vnics;
    private final Map<Integer, Boolean> ports;

    private OffloadPolicy(boolean enabledByDefault, Map<String, Boolean> vnics, Map<Integer, Boolean> ports) {
        this.enabledByDefault = enabledByDefault;
        this.vnics = Map.copyOf(vnics);
        this.ports = Map.copyOf(ports);
    }

    /** Nothing is offloaded unless a VNIC or port turns it on. */
    public static OffloadPolicy offByDefault() {
        return new OffloadPolicy(false, Map.of(), Map.of());
    }

    /** Everything is offloaded unless a VNIC or port turns it off. */
    public static OffloadPolicy onByDefault() {
        return new OffloadPolicy(true, Map.of(), Map.of());
    }

    public OffloadPolicy withVnic(String vnic, boolean enabled) {
        Map<String, Boolean> next = new HashMap<>(vnics);
        next.put(vnic, enabled);
        return new OffloadPolicy(enabledByDefault, next, ports);
    }

    public OffloadPolicy withoutVnic(String vnic) {
        Map<String, Boolean> next = new HashMap<>(vnics);
        next.remove(vnic);
        return new OffloadPolicy(enabledByDefault, next, ports);
    }

    public OffloadPolicy withPort(int port, boolean enabled) {
        Map<Integer, Boolean> next = new HashMap<>(ports);
        next.put(port, enabled);
        return new OffloadPolicy(enabledByDefault, vnics, next);
    }

    public boolean enabledByDefault() {
        return enabledByDefault;
    }

    public Optional<Boolean> vnic(String vnic) {
        return Optional.ofNullable(vnic == null ? null : vnics.get(vnic));
    }

    public Optional<Boolean> port(int port) {
        return Optional.ofNullable(ports.get(port));
    }

    @Override
    public String toString() {
        return "OffloadPolicy[default=" + (enabledByDefault ? "on" : "off") + " vnics=" + vnics + " ports=" + ports + "]";
    }
}
