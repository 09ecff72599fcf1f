package io.quiver.dataplane.xconnect;

import java.util.List;
import java.util.Objects;

/**
 * One port-to-port forwarding path.
 *
 * @param from               the receiving port's name
 * @param to                 the transmitting port's name
 * @param macSwap            swap source and destination MAC of every frame
 * @param allowedSourceMacs  if not empty, frames with another source MAC are counted, and dropped if {@code dropForeignSource}
 * @param dropForeignSource  drop (rather than only count) frames whose source MAC is not allowed
 * @param cpu                the CPU of the lcore that runs this path
 */
public record ForwardPath(String from, String to, boolean macSwap, List<String> allowedSourceMacs,
                            boolean dropForeignSource, int cpu) {
    public ForwardPath {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        allowedSourceMacs = List.copyOf(allowedSourceMacs == null ? List.of() : allowedSourceMacs);
        if (cpu < 0) {
            throw new IllegalArgumentException("forwarding " + from + " -> " + to + ": CPU must be >= 0");
        }
    }
}
