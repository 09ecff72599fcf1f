package io.quiver.dataplane.classify;

import io.quiver.dpdk.FlowRule;
import io.quiver.dpdk.Flows;
import java.util.HashMap;
import java.util.Map;

/**
 * Every rte_flow rule on one port (the VNIC rules and identified connections' rules), made and destroyed under one
 * lock. A flush, the way out when the driver fails to destroy a rule, takes every rule with it, and the rules it knew
 * are forgotten with them, so no one destroys a rule the driver has already freed. Owners hold this class's ids, never
 * used twice, rather than the driver's handles, which a freed rule's successor may reuse.
 */
public final class PortFlows {
    private final int port;
    /** By id: the driver's handle. */
    private final Map<Long, Long> live = new HashMap<>();
    private long nextId = 1;

    public PortFlows(int port) {
        this.port = port;
    }

    public int port() {
        return port;
    }

    /** Creates {@code rule} on the port and returns its id; throws with DPDK's reason when the device refuses it. */
    public synchronized long create(FlowRule rule) {
        long handle = Flows.create(port, rule);
        long id = nextId++;
        live.put(id, handle);
        return id;
    }

    /**
     * Destroys rule {@code id}; false when it is already gone (a flush took it). Throws when the driver fails to
     * destroy it, which leaves it programmed: the caller decides whether that is worth a {@link #flush}.
     */
    public synchronized boolean destroy(long id) {
        Long handle = live.get(id);
        if (handle == null) {
            return false;
        }
        Flows.destroy(port, handle);
        live.remove(id);
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
}
