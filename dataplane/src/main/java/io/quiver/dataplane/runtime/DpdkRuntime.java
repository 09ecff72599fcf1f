package io.quiver.dataplane.runtime;

import io.quiver.dataplane.lcore.LcoreLoop;
import io.quiver.dataplane.port.PacketPool;
import io.quiver.dataplane.port.Port;
import io.quiver.dataplane.port.PortConfig;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What lives and dies with the EAL in this process: the packet pool, the ports and the lcore loops. Started in that
 * order by whatever runs on it (the VNIC datapath, a cross-connect); {@link #close()} stops everything in reverse
 * order and then the EAL.
 */
public final class DpdkRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DpdkRuntime.class);

    private final RuntimeConfig config;
    private final Arena arena = Arena.ofShared();
    /**
     * The open ports, replaced whole on a change (ports come and go live: a fabric's memif links), so a reader
     * iterates a snapshot and never sees a half-made change.
     */
    private volatile Map<String, Port> ports = Map.of();
    private final List<LcoreLoop> loops = new ArrayList<>();
    private EalRuntime eal;
    private PacketPool pool;
    private boolean closed;

    private DpdkRuntime(RuntimeConfig config) {
        this.config = config;
    }

    /**
     * Initialises the EAL, creates the pool and opens the ports of {@code config}, checking first that the pool can
     * never starve {@code lcores} polling lcores holding {@code burstsInFlight} bursts between them. On failure
     * whatever was started is stopped again (EAL included) and the exception says what failed.
     */
    public static DpdkRuntime start(RuntimeConfig config, int lcores, int burstsInFlight) {
        int minimum = config.minimumPoolMbufs(lcores, burstsInFlight);
        if (config.poolMbufs() < minimum) {
            throw new IllegalArgumentException("the packet pool of " + config.poolMbufs() + " mbufs is too small for "
                    + config.ports().size() + " port(s) and " + lcores + " lcore(s): at least " + minimum
                    + " are needed (every RX/TX descriptor, the per-lcore caches and the bursts in flight)");
        }
        DpdkRuntime runtime = new DpdkRuntime(config);
        try {
            runtime.eal = EalRuntime.start(config.eal());
            runtime.pool = PacketPool.create("quiver-pool", config.poolMbufs(), config.poolCache(), config.mbufDataRoom());
            for (PortConfig pc : config.ports()) {
                runtime.put(pc.name(), Port.open(pc, runtime.pool));
            }
            return runtime;
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    /**
     * Closes a port and opens it again with another configuration (e.g. more RX queues once the NIC accepted flow
     * rules steering to them). Only while no loop polls it.
     */
    public synchronized Port reopen(PortConfig changed) {
        Port old = port(changed.name());
        old.close();
        remove(changed.name());
        Port fresh = Port.open(changed, pool);
        put(changed.name(), fresh);
        return fresh;
    }

    /** Opens and starts a port while the runtime runs (a fabric's memif link); a port of that name must not exist. */
    public synchronized Port addPort(PortConfig config) {
        if (ports.containsKey(config.name())) {
            throw new IllegalArgumentException("a port named '" + config.name() + "' exists already");
        }
        Port p = Port.open(config, pool);
        put(config.name(), p);
        return p;
    }

    /** Closes a port added live, once no lcore polls it or sends to it any more. */
    public synchronized void removePort(String name) {
        Port p = port(name);
        remove(name);
        p.close();
    }

    private void put(String name, Port p) {
        Map<String, Port> next = new LinkedHashMap<>(ports);
        next.put(name, p);
        ports = Collections.unmodifiableMap(next);
    }

    private void remove(String name) {
        Map<String, Port> next = new LinkedHashMap<>(ports);
        next.remove(name);
        ports = Collections.unmodifiableMap(next);
    }

    /** Adopts a started loop, so {@link #close()} stops it before the ports close. */
    public synchronized void addLoop(LcoreLoop loop) {
        loops.add(loop);
    }

    /** The arena for native structures that live as long as the runtime (burst arrays). */
    public Arena arena() {
        return arena;
    }

    public RuntimeConfig config() {
        return config;
    }

    public Port port(String name) {
        Port p = ports.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no port named '" + name + "' (ports: " + ports.keySet() + ")");
        }
        return p;
    }

    public Map<String, Port> ports() {
        return ports;
    }

    public List<LcoreLoop> loops() {
        return Collections.unmodifiableList(loops);
    }

    public PacketPool pool() {
        return pool;
    }

    /** The EAL runtime folder of this process (removed by {@link #close()}). */
    public String runtimeDir() {
        return eal.runtimeDir();
    }

    /**
     * Stops every lcore loop (each drains its tasks) and leaves ports and pool open, so final counters can be read
     * while nothing changes them any more. Safe to call twice.
     */
    public synchronized void stopLoops() {
        for (LcoreLoop loop : loops) {
            loop.close();
        }
    }

    /** Stops loops, ports and pool, then the EAL, and removes its runtime folder. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopLoops();
        List<Port> reversed = new ArrayList<>(ports.values());
        Collections.reverse(reversed);
        for (Port port : reversed) {
            port.close();
        }
        if (pool != null) {
            int inUse = pool.inUse();
            if (inUse != 0) {
                LOG.warn("{} mbufs were still in use when the pool was freed", inUse);
            }
            pool.close();
        }
        arena.close();
        if (eal != null) {
            eal.close();
        }
    }
}
