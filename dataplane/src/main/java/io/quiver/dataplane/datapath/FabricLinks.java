package io.quiver.dataplane.datapath;

import io.quiver.dataplane.lcore.PollTask;

/**
 * The RX lcore's task for the fabric's memif links, which come and go while it runs: one receive task per link,
 * replaced whole on a change. Without links a poll is one volatile read.
 */
final class FabricLinks implements PollTask {
    private static final FabricIngress[] NONE = new FabricIngress[0];
    private volatile FabricIngress[] links = NONE;

    @Override
    public int poll() {
        int total = 0;
        for (FabricIngress link : links) {
            total += link.poll();
        }
        return total;
    }

    @Override
    public void drain() {
        for (FabricIngress link : links) {
            link.drain();
        }
    }

    /** Control side, under the datapath's lock. */
    void add(FabricIngress link) {
        FabricIngress[] next = java.util.Arrays.copyOf(links, links.length + 1);
        next[links.length] = link;
        links = next;
    }

    /** Control side: the link on port {@code port} is no longer polled from the lcore's next pass. */
    void remove(int port) {
        links = java.util.Arrays.stream(links).filter(l -> l.port != port).toArray(FabricIngress[]::new);
    }
}
