package io.quiver.dataplane.xconnect;

import io.quiver.dataplane.runtime.RuntimeConfig;
import java.util.List;

/**
 * Port-to-port cross-connects (the {@code forwarding:} paths of a configuration file, and {@code bench forward}): a
 * runtime and the paths between its ports.
 */
public record CrossConnectConfig(RuntimeConfig runtime, List<ForwardPath> paths) {
    public CrossConnectConfig {
        paths = List.copyOf(paths);
        List<String> names = runtime.portNames();
        for (ForwardPath f : paths) {
            if (!names.contains(f.from())) {
                throw new IllegalArgumentException("forwarding from unknown port '" + f.from() + "' (ports: " + names + ")");
            }
            if (!names.contains(f.to())) {
                throw new IllegalArgumentException("forwarding to unknown port '" + f.to() + "' (ports: " + names + ")");
            }
            if (f.cpu() == runtime.eal().mainCpu()) {
                throw new IllegalArgumentException("forwarding " + f.from() + " -> " + f.to() + " on CPU " + f.cpu()
                        + ", the main lcore's CPU: give it a CPU of its own");
            }
        }
    }

    /** The lcores the paths run on: one per distinct CPU. */
    public int lcores() {
        return (int) paths.stream().mapToInt(ForwardPath::cpu).distinct().count();
    }
}
