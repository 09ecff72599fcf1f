package io.quiver.dataplane.classify;

import io.quiver.dataplane.priority.SteeringRequests;
import io.quiver.dpdk.DpdkException;
import io.quiver.dpdk.FlowRule;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NIC half of re-steering identified connections, where the uplink classifies with rte_flow: a control thread
 * takes the RX lcore's {@link SteeringRequests} and creates one rule per connection (its remote-to-local 5-tuple ->
 * its class's queue, above every VNIC rule) and destroys it when the connection table lets the connection go. A rule
 * the NIC refuses (a full flow table, a pattern it cannot match) is counted with DPDK's reason; that connection keeps
 * its class in software, as on a NIC without rte_flow. The lcore never waits for any of it.
 */
public final class ConnectionRules implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionRules.class);
    private static final long IDLE_NANOS = 1_000_000L;

    private record Key(long high, long low) {
    }

    private final PortFlows port;
    private final SteeringRequests requests;
    /** Only the control thread touches it (and {@link #close} after the thread has ended). */
    private final Map<Key, Long> flows = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile int active;
    private volatile long created;
    private volatile long destroyed;
    private volatile long refusedByNic;
    private volatile String lastRefusal = "";

    private ConnectionRules(PortFlows port, SteeringRequests requests) {
        this.port = port;
        this.requests = requests;
        this.thread = Thread.ofPlatform().daemon().name("quiver-connection-rules").start(this::run);
    }

    /** Carries out {@code requests} on {@code port} from a thread of its own until {@link #close}. */
    public static ConnectionRules start(PortFlows port, SteeringRequests requests) {
        return new ConnectionRules(port, requests);
    }

    public SteeringRequests requests() {
        return requests;
    }

    private void run() {
        while (running) {
            try {
                if (applyWaiting() == 0) {
                    LockSupport.parkNanos(IDLE_NANOS);
                }
            } catch (RuntimeException e) { // a bug, not a refusal: the thread goes on, or the ring would only fill
                LOG.error("port {}: a connection rule request failed", port.port(), e);
            }
        }
    }

    /** Carries out every waiting request; returns how many. */
    private int applyWaiting() {
        return requests.drain(this::apply);
    }

    private void apply(SteeringRequests.Request r) {
        Key key = new Key(r.keyHigh, r.keyLow);
        if (r.op == SteeringRequests.RELEASE) {
            Long flow = flows.remove(key);
            if (flow != null) {
                destroy(flow);
                active = flows.size();
            }
            return;
        }
        if (flows.containsKey(key)) {
            return;
        }
        try (FlowRule rule = FlowRule.ingress(FlowRulePlan.CONNECTION_PRIORITY).ethAny().ipv4(r.remoteIp, r.localIp)
                .ports(r.protocol, r.remotePort, r.localPort).toQueue(FlowRulePlan.classQueue(r.cls))) {
            flows.put(key, port.create(rule));
            created++;
            active = flows.size();
        } catch (DpdkException | IllegalArgumentException e) {
            refusedByNic++;
            lastRefusal = e.getMessage();
        }
    }

    /** A rule a flush already took (the VNIC rules' update failed) is only forgotten. */
    private void destroy(long flow) {
        try {
            port.destroy(flow);
            destroyed++;
        } catch (DpdkException e) {
            // left on the NIC until the port closes: harmless, its frames are classified in software on the class queue
            LOG.warn("port {}: a connection's rte_flow rule could not be destroyed: {}", port.port(), e.getMessage());
        }
    }

    /** Connections with a rule now (a flush after a failed VNIC rule update may have taken some: see {@link PortFlows}). */
    public int active() {
        return active;
    }

    /** Rules created since the start. */
    public long created() {
        return created;
    }

    /** Rules gone because their connection ended or the datapath stopped (a flush may have taken them first). */
    public long destroyed() {
        return destroyed;
    }

    /** Rules the NIC refused; those connections keep their class in software. */
    public long refusedByNic() {
        return refusedByNic;
    }

    /** DPDK's reason for the last refusal, empty before one. */
    public String lastRefusal() {
        return lastRefusal;
    }

    /** Requests the lcore could not make because the ring was full. */
    public long refusedByRing() {
        return requests.refused;
    }

    /** Stops the thread and destroys every connection's rule. */
    @Override
    public void close() {
        running = false;
        if (thread.isAlive()) {
            thread.interrupt();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (long flow : flows.values()) {
            destroy(flow);
        }
        flows.clear();
        active = 0;
    }
}
