package io.quiver.dataplane.port;

import java.lang.foreign.Arena;
import java.util.Collection;

/** One lcore's TX batchers, one per port, on the TX queue that lcore owns on every port. */
public final class LcoreTx {
    private final TxBatcher[] byPort;

    public LcoreTx(Collection<Port> ports, int txQueue, Arena arena, int burstSize) {
        int max = ports.stream().mapToInt(Port::id).max().orElse(0);
        byPort = new TxBatcher[max + 1];
        for (Port p : ports) {
            byPort[p.id()] = new TxBatcher(p.id(), txQueue, p.txCounters(txQueue), arena, burstSize);
        }
    }

    public TxBatcher to(int port) {
        return byPort[port];
    }

    public void flushAll() {
        for (TxBatcher b : byPort) {
            if (b != null) {
                b.flush();
            }
        }
    }

}
