package io.quiver.dataplane.runtime;

import io.quiver.dataplane.forward.PortForwarder;
import io.quiver.dataplane.forward.SourceMacCheck;
import io.quiver.dataplane.lcore.LcoreLoop;
import io.quiver.dataplane.lcore.PollTask;
import io.quiver.dataplane.port.PacketPool;
import io.quiver.dataplane.port.Port;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dpdk.Eal;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running dataplane of this process: the EAL, the packet pool, the ports and the lcore loops. Started once per
 * process (the EAL allows no second start); {@link #close()} stops everything in reverse order, cleans up the EAL
 * and removes its runtime folder.
 */
public final class Dataplane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dataplane.class);

    private final DataplaneConfig config;
    private final Arena arena = Arena.ofShared();
    private final Map<String, Port> ports = new LinkedHashMap<>();
    private final List<LcoreLoop> loops = new ArrayList<>();
    private PacketPool pool;
    private String runtimeDir;
    private boolean closed;

    private Dataplane(DataplaneConfig config) {
        this.config = config;
    }

    /**
     * Initialises the EAL and starts everything {@code config} describes. On failure whatever was started is
     * stopped again (EAL included) and the exception says what failed.
     */
    public static Dataplane start(DataplaneConfig config) {
        int minimum = config.minimumPoolMbufs();
        if (config.poolMbufs() < minimum) {
            throw new IllegalArgumentException("the packet pool of " + config.poolMbufs() + " mbufs is too small for "
                    + config.ports().size() + " port(s) and " + config.forwards().size() + " path(s): at least " + minimum
                    + " are needed (every RX/TX descriptor, the per-lcore caches and the bursts in flight)");
        }
        Dataplane dp = new Dataplane(config);
        try {
            dp.startEal();
            dp.pool = PacketPool.create("quiver-pool", config.poolMbufs(), config.poolCache());
            for (PortConfig pc : config.ports()) {
                dp.ports.put(pc.name(), Port.open(pc, dp.pool));
            }
            dp.startLoops();
            return dp;
        } catch (RuntimeException e) {
            dp.close();
            throw e;
        }
    }

    private void startEal() {
        Eal.init(config.eal().arguments());
        runtimeDir = Eal.runtimeDir();
    }

    private void startLoops() {
        Map<Integer, List<PollTask>> byCpu = new TreeMap<>();
        for (ForwardConfig f : config.forwards()) {
            SourceMacCheck check = f.allowedSourceMacs().isEmpty() ? null : SourceMacCheck.of(f.allowedSourceMacs(), f.dropForeignSource());
            byCpu.computeIfAbsent(f.cpu(), c -> new ArrayList<>())
                    .add(new PortForwarder(ports.get(f.from()), 0, ports.get(f.to()), 0, f.macSwap(), check, arena, config.burstSize()));
        }
        byCpu.forEach((cpu, tasks) -> loops.add(new LcoreLoop("cpu" + cpu, cpu, tasks).start()));
    }

    /**
     * Closes a port and opens it again with another configuration (e.g. more RX queues once the NIC accepted flow
     * rules steering to them). Only while no loop polls it.
     */
    public synchronized Port reopen(PortConfig changed) {
        Port old = port(changed.name());
        old.close();
        ports.remove(changed.name());
        Port fresh = Port.open(changed, pool);
        ports.put(changed.name(), fresh);
        return fresh;
    }

    /** Adopts a loop started by a layer above, so {@link #close()} stops it before the ports close. */
    public synchronized void addLoop(LcoreLoop loop) {
        loops.add(loop);
    }

    /** The arena for native structures that live as long as the dataplane (burst arrays). */
    public Arena arena() {
        return arena;
    }

    public DataplaneConfig config() {
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
        return Collections.unmodifiableMap(ports);
    }

    public List<LcoreLoop> loops() {
        return Collections.unmodifiableList(loops);
    }

    public PacketPool pool() {
        return pool;
    }

    /** The EAL runtime folder of this process (removed by {@link #close()}). */
    public String runtimeDir() {
        return runtimeDir;
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

    /** Stops loops, ports and pool, cleans up the EAL and removes its runtime folder. Safe to call twice. */
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
        if (Eal.isRunning()) {
            try {
                Eal.cleanup();
            } catch (RuntimeException e) {
                LOG.warn("EAL cleanup: {}", e.getMessage());
            }
        }
        if (runtimeDir != null) {
            try {
                FileTrees.delete(Path.of(runtimeDir));
            } catch (java.io.UncheckedIOException e) {
                LOG.warn("EAL runtime folder: {}", e.getMessage());
            }
        }
    }

}
