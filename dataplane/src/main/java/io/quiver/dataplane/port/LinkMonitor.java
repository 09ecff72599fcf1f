package io.quiver.dataplane.port;

import io.quiver.dataplane.config.Defaults;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every port's link from the control side and logs and counts each change: a VM's vhost-user device comes
 * up when QEMU connects and its driver starts, goes down when the VM stops or QEMU goes, and up again when either
 * side restarts; a TAP or veth follows its kernel interface. Polled, not a DPDK callback: the lcores never notice a
 * link (a port without a peer receives nothing and its TX burst takes nothing), so a change only needs telling.
 */
public final class LinkMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LinkMonitor.class);

    private final Supplier<Collection<Port>> ports;
    private final Map<Port, Boolean> last = new IdentityHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "quiver-link-monitor");
        t.setDaemon(true);
        return t;
    });

    public LinkMonitor(Supplier<Collection<Port>> ports) {
        this.ports = ports;
    }

    public void start() {
        check();
        long every = Defaults.LINK_CHECK_INTERVAL.toMillis();
        timer.scheduleWithFixedDelay(this::checkSafely, every, every, TimeUnit.MILLISECONDS);
    }

    /** Looks at every link once; a change from the last look is logged and counted on the port. */
    public synchronized void check() {
        for (Port p : ports.get()) {
            boolean up = p.linkUp();
            Boolean before = last.put(p, up);
            if (before == null) {
                if (!up) {
                    LOG.info("port {} ({}): link down{}", p.name(), p.driver(), waitingFor(p));
                }
            } else if (before != up) {
                p.linkChanges++;
                LOG.info("port {} ({}): link {}{}", p.name(), p.driver(), up ? "up" : "down", up ? "" : waitingFor(p));
            }
        }
    }

    private static String waitingFor(Port p) {
        return p.config().deviceName().startsWith(GuestInterface.VhostUser.DRIVER)
                ? ": waiting for the VM's vhost-user socket (QEMU) and its virtio-net driver" : "";
    }

    private void checkSafely() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.warn("link check failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
