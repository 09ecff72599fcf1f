package io.quiver.dataplane.xconnect;

import io.quiver.dataplane.antispoof.SourceMacCheck;
import io.quiver.dataplane.lcore.LcoreLoop;
import io.quiver.dataplane.lcore.PollTask;
import io.quiver.dataplane.runtime.DpdkRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Port-to-port forwarding without VNICs: each path receives on one port and sends on another, optionally checking
 * source MACs and swapping addresses; the paths of one CPU share its lcore. What {@code bench forward} measures
 * against dpdk-testpmd, and what a configuration file without an uplink runs.
 */
public final class CrossConnect implements AutoCloseable {
    private final DpdkRuntime runtime;

    private CrossConnect(DpdkRuntime runtime) {
        this.runtime = runtime;
    }

    /** Starts the runtime and one lcore per CPU the paths name; on failure everything started is stopped again. */
    public static CrossConnect start(CrossConnectConfig config) {
        // two bursts in flight per path: the one received and the one being sent
        DpdkRuntime runtime = DpdkRuntime.start(config.runtime(), config.lcores(), config.paths().size() * 2);
        try {
            Map<Integer, List<PollTask>> byCpu = new TreeMap<>();
            for (ForwardPath f : config.paths()) {
                SourceMacCheck check = f.allowedSourceMacs().isEmpty() ? null : SourceMacCheck.of(f.allowedSourceMacs());
                byCpu.computeIfAbsent(f.cpu(), c -> new ArrayList<>()).add(new PortForwarder(runtime.port(f.from()), 0,
                        runtime.port(f.to()), 0, f.macSwap(), check, f.dropForeignSource(), runtime.arena(),
                        config.runtime().burstSize()));
            }
            byCpu.forEach((cpu, tasks) -> runtime.addLoop(new LcoreLoop("cpu" + cpu, cpu, tasks).start()));
            return new CrossConnect(runtime);
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    public DpdkRuntime runtime() {
        return runtime;
    }

    @Override
    public void close() {
        runtime.close();
    }
}
