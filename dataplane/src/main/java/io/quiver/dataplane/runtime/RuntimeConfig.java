package io.quiver.dataplane.runtime;

import io.quiver.dataplane.config.Defaults;
import io.quiver.dataplane.port.PortConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the process's DPDK runtime needs to start, whatever runs on it (the VNIC datapath or a cross-connect).
 *
 * @param eal       EAL options
 * @param poolMbufs mbufs in the packet pool
 * @param poolCache per-lcore mempool cache size
 * @param burstSize packets per rx/tx burst
 * @param ports     ports to open, by name
 */
public record RuntimeConfig(EalOptions eal, int poolMbufs, int poolCache, int burstSize, List<PortConfig> ports) {
    public RuntimeConfig {
        ports = List.copyOf(ports);
        if (burstSize < 1 || burstSize > Defaults.MAX_BURST) {
            throw new IllegalArgumentException("burst size must be 1.." + Defaults.MAX_BURST + ", not " + burstSize);
        }
        Set<String> names = new HashSet<>();
        Set<String> devices = new HashSet<>();
        for (PortConfig p : ports) {
            if (!names.add(p.name())) {
                throw new IllegalArgumentException("two ports are named '" + p.name() + "'");
            }
            if (!devices.add(p.deviceName())) {
                throw new IllegalArgumentException("two ports use the device '" + p.deviceName() + "'");
            }
        }
    }

    /** The same runtime with its ports replaced (their queue counts are set by what runs on them). */
    public RuntimeConfig withPorts(List<PortConfig> replaced) {
        return new RuntimeConfig(eal, poolMbufs, poolCache, burstSize, replaced);
    }

    public RuntimeConfig withEal(EalOptions replaced) {
        return new RuntimeConfig(replaced, poolMbufs, poolCache, burstSize, ports);
    }

    public boolean hasPort(String name) {
        return ports.stream().anyMatch(p -> p.name().equals(name));
    }

    public List<String> portNames() {
        return ports.stream().map(PortConfig::name).toList();
    }

    /**
     * The fewest mbufs that can never starve: every RX and TX descriptor full, a cache per lcore (the main one
     * included) and the bursts the lcores hold in flight.
     */
    public int minimumPoolMbufs(int lcores, int burstsInFlight) {
        int held = ports.stream().mapToInt(PortConfig::mbufsHeld).sum();
        return held + (lcores + 1) * poolCache * 3 / 2 + burstsInFlight * burstSize;
    }
}
