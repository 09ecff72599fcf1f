package io.quiver.dataplane.runtime;

import io.quiver.dataplane.port.PortConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything the dataplane needs to start.
 *
 * @param eal       EAL options
 * @param poolMbufs mbufs in the packet pool
 * @param poolCache per-lcore mempool cache size
 * @param burstSize packets per rx/tx burst
 * @param ports     ports to open, by name
 * @param forwards  forwarding paths between those ports
 */
public record DataplaneConfig(EalOptions eal, int poolMbufs, int poolCache, int burstSize, List<PortConfig> ports,
                              List<ForwardConfig> forwards) {
    public static final int DEFAULT_POOL_MBUFS = 8191;
    public static final int DEFAULT_POOL_CACHE = 256;
    /** Packets per burst for port-to-port forwarding: more only costs (net_pcap's copy outruns the pool cache). */
    public static final int DEFAULT_BURST = 32;
    /**
     * Packets per burst for the VNIC datapath: a ring's publication, delivery visit and cache lines are paid once per
     * burst, so with many VNICs a bigger burst spreads them over more packets (64 VNICs: 9.7 -> 11.3 Mpps from 32 to
     * 128; 256 was slower again). Local rings should hold at least a burst.
     */
    public static final int DEFAULT_DATAPATH_BURST = 128;

    public DataplaneConfig {
        ports = List.copyOf(ports);
        forwards = List.copyOf(forwards);
        if (burstSize < 1 || burstSize > 512) {
            throw new IllegalArgumentException("burst size must be 1..512, not " + burstSize);
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
        for (ForwardConfig f : forwards) {
            if (!names.contains(f.from())) {
                throw new IllegalArgumentException("forwarding from unknown port '" + f.from() + "' (ports: " + names + ")");
            }
            if (!names.contains(f.to())) {
                throw new IllegalArgumentException("forwarding to unknown port '" + f.to() + "' (ports: " + names + ")");
            }
            if (f.cpu() == eal.mainCpu()) {
                throw new IllegalArgumentException("forwarding " + f.from() + " -> " + f.to() + " on CPU " + f.cpu()
                        + ", the main lcore's CPU: give it a CPU of its own");
            }
        }
    }

    /**
     * The fewest mbufs that can never starve: every RX and TX descriptor full, a cache per lcore (the main one
     * included) and a burst in flight per path.
     */
    public int minimumPoolMbufs() {
        int held = ports.stream().mapToInt(PortConfig::mbufsHeld).sum();
        long lcores = forwards.stream().mapToInt(ForwardConfig::cpu).distinct().count() + 1;
        return held + (int) lcores * poolCache * 3 / 2 + forwards.size() * burstSize * 2;
    }
}
