package io.quiver.dataplane.classify;

import io.quiver.dpdk.FlowRule;
import io.quiver.dpdk.Flows;
import java.util.HashSet;
import java.util.Set;

/**
 * Every rte_flow rule on one port (the VNIC rules and identified connections' rules), made and destroyed under one
 * lock. A flush, the way out when the driver fails to destroy a rule, takes every rule with it: the handles it knew are
 * forgotten with them, so that no one destroys a rule the driver has already freed.
 */
public final class PortFlows {
    private final int port;
    private final Set<Long> live = new HashSet<>();

    public PortFlows(int port) {
        this.port = port;
    }

    public int port() {
        return port;
    }

    /** Creates {@code rule} on the port; throws with DPDK's reason when the device refuses it. */
    public synchronized long create(FlowRule rule) {
        long flow = Flows.create(port, rule);
        live.add(flow);
        return flow;
    }

    /**
     * Destroys {@code flow}; false when it is already gone (a flush took it). Throws when the driver fails to destroy
     * it, which leaves it programmed: the caller decides whether that is worth a {@link #flush}.
     */
    public synchronized boolean destroy(long flow) {
        if (!live.contains(flow)) {
            return false;
        }
        Flows.destroy(port, flow);
        live.remove(flow);
        return true;
    }

    /** Removes every rule on the port, the other owners' too. */
    public synchronized void flush() {
        try {
            Flows.flush(port);
        } finally {
            live.clear();
        }
    }

    /** Rules on the port now. */
    public synchronized int size() {
        return live.size();
    }
}
