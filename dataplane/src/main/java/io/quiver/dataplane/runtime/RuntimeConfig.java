package io.quiver.dataplane.runtime;

import io.quiver.dataplane.config.Defaults;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dpdk.Mbufs;
import io.quiver.dpdk.Mempools;
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
 * @param dataRoom  bytes of packet data per mbuf, headroom included; 0 sizes it for the largest port MTU, so a
 *                  frame fits one mbuf (a smaller room makes drivers chain mbufs for larger frames)
 */
public record RuntimeConfig(EalOptions eal, int poolMbufs, int poolCache, int burstSize, List<PortConfig> ports, int dataRoom) {
    /** The data room DPDK gives an mbuf by default: 2048 bytes of data behind the headroom. */
    public static final int STANDARD_DATA_ROOM = Mempools.DEFAULT_DATA_ROOM;

    public RuntimeConfig {
        ports = List.copyOf(ports);
        if (dataRoom != 0 && (dataRoom < Mbufs.HEADROOM + Defaults.MIN_FRAME || dataRoom > 65535)) {
            throw new IllegalArgumentException("the mbuf data room must be " + (Mbufs.HEADROOM + Defaults.MIN_FRAME)
                    + "..65535 bytes (headroom included), not " + dataRoom);
        }
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

    /** A runtime whose mbufs are sized for its ports' MTUs. */
    public RuntimeConfig(EalOptions eal, int poolMbufs, int poolCache, int burstSize, List<PortConfig> ports) {
        this(eal, poolMbufs, poolCache, burstSize, ports, 0);
    }

    /** The data room the pool is made with: as configured, or the largest port frame (as its driver receives it) behind the headroom. */
    public int mbufDataRoom() {
        if (dataRoom != 0) {
            return dataRoom;
        }
        int largest = ports.stream().mapToInt(PortConfig::mbufRoom).max().orElse(0);
        return Math.max(STANDARD_DATA_ROOM, Mbufs.HEADROOM + largest);
    }

    /** The same runtime with its ports replaced (their queue counts are set by what runs on them). */
    public RuntimeConfig withPorts(List<PortConfig> replaced) {
        return new RuntimeConfig(eal, poolMbufs, poolCache, burstSize, replaced, dataRoom);
    }

    public RuntimeConfig withEal(EalOptions replaced) {
        return new RuntimeConfig(replaced, poolMbufs, poolCache, burstSize, ports, dataRoom);
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
