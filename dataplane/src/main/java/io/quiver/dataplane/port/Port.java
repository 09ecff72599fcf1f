package io.quiver.dataplane.port;

import io.quiver.dpdk.DpdkException;
import io.quiver.dpdk.EthDev;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DPDK ethdev opened by devargs: probed (unless already present), configured, its queues set up on a pool,
 * started. Closing stops it, closes it and detaches a device this port probed.
 */
public final class Port implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Port.class);

    private final PortConfig config;
    private final int id;
    private final boolean probedHere;
    private final EthDev.Info info;
    private final QueueCounters[] rxCounters;
    private final QueueCounters[] txCounters;
    private boolean started;
    private boolean closed;

    private Port(PortConfig config, int id, boolean probedHere, EthDev.Info info) {
        this.config = config;
        this.id = id;
        this.probedHere = probedHere;
        this.info = info;
        this.rxCounters = new QueueCounters[config.rxQueues()];
        this.txCounters = new QueueCounters[config.txQueues()];
        for (int q = 0; q < rxCounters.length; q++) {
            rxCounters[q] = new QueueCounters(config.name(), q);
        }
        for (int q = 0; q < txCounters.length; q++) {
            txCounters[q] = new QueueCounters(config.name(), q);
        }
    }

    /**
     * Opens and starts the port. On any failure whatever was done is undone and a {@link DpdkException} or
     * {@link IllegalArgumentException} says what failed.
     */
    public static Port open(PortConfig config, PacketPool pool) {
        String device = config.deviceName();
        OptionalInt existing = EthDev.portByName(device);
        boolean probed = false;
        if (existing.isEmpty()) {
            EthDev.probe(AfPacketRing.devargs(config));
            probed = true;
            existing = EthDev.portByName(device);
            if (existing.isEmpty()) {
                detach(config, true);
                throw new IllegalArgumentException("port '" + config.name() + "': devargs '" + config.devargs()
                        + "' attached a device but no ethdev named '" + device + "'");
            }
        }
        int id = existing.getAsInt();
        Port port = null;
        try {
            EthDev.Info info = EthDev.info(id);
            if (config.txQueues() > info.maxTxQueues()) {
                throw new IllegalArgumentException("port '" + config.name() + "' (" + info.driverName() + ") has " + info.maxTxQueues()
                        + " TX queue(s), and " + config.txQueues() + " are needed: one per lcore that sends (the datapath's"
                        + " dedicated mode sends from every lcore); run the datapath in shared mode (datapath.mode: shared),"
                        + " or give it a port with more TX queues");
            }
            if (config.rxQueues() > info.maxRxQueues()) {
                throw new IllegalArgumentException("port '" + config.name() + "' (" + info.driverName() + ") supports at most "
                        + info.maxRxQueues() + " rx / " + info.maxTxQueues() + " tx queues, not " + config.rxQueues() + " / " + config.txQueues());
            }
            // a driver in front of a kernel interface carries what that interface and its own buffers carry, whatever
            // MTU it states to ethdev (22.11's af_packet and tap state 1500); any other device is held to its word
            int ethdevMtu = Math.min(config.mtu(), info.acceptedMtu());
            if (ethdevMtu < config.mtu() && !info.kernelBacked()) {
                throw new IllegalArgumentException("port '" + config.name() + "' (" + info.driverName() + ") takes an MTU of at most "
                        + info.acceptedMtu() + ", not " + config.mtu());
            }
            port = new Port(config, id, probed, info);
            // frames larger than one mbuf: the driver chains mbufs where it can (scatter), and sends chains back
            long rxOffloads = config.maxFrame() > pool.frameRoom() ? info.rxOffloads() & EthDev.RX_OFFLOAD_SCATTER : 0;
            long txOffloads = info.txOffloads() & EthDev.TX_OFFLOAD_MULTI_SEGS;
            EthDev.configure(id, config.rxQueues(), config.txQueues(), ethdevMtu, rxOffloads, txOffloads);
            if (ethdevMtu < config.mtu()) {
                LOG.info("port {}: {} states an MTU of at most {} to ethdev; its kernel interface's MTU bounds the frames it"
                        + " carries, and its buffers are sized for the port's MTU {}", config.name(), info.driverName(), ethdevMtu, config.mtu());
            } else if (config.mtu() != EthDev.STANDARD_MTU && !EthDev.setMtu(id, config.mtu())) {
                LOG.info("port {}: {} has no MTU setting; it receives frames up to its buffers' {} bytes", config.name(),
                        info.driverName(), pool.frameRoom());
            }
            int socket = EthDev.socketId(id);
            for (int q = 0; q < config.rxQueues(); q++) {
                EthDev.rxQueueSetup(id, q, config.rxDescriptors(), socket, pool.address());
            }
            for (int q = 0; q < config.txQueues(); q++) {
                EthDev.txQueueSetup(id, q, config.txDescriptors(), socket);
            }
            EthDev.start(id);
            port.started = true;
            if (config.promiscuous()) {
                try {
                    EthDev.promiscuousEnable(id);
                } catch (DpdkException e) {
                    LOG.info("port {}: promiscuous mode not supported by {} ({})", config.name(), info.driverName(), e.getMessage());
                }
            }
            LOG.info("port {} = ethdev {} ({}, {})", config.name(), id, info.driverName(), config.devargs());
            return port;
        } catch (RuntimeException e) {
            if (port != null) {
                port.close();
            } else {
                detach(config, probed);
            }
            throw e;
        }
    }

    public String name() {
        return config.name();
    }

    public PortConfig config() {
        return config;
    }

    /** The ethdev port id. */
    public int id() {
        return id;
    }

    public String driver() {
        return info.driverName();
    }

    public QueueCounters rxCounters(int queue) {
        return rxCounters[queue];
    }

    public QueueCounters txCounters(int queue) {
        return txCounters[queue];
    }

    /** The receive side's counters summed over its queues. */
    public QueueCounters.Totals rxTotals() {
        return QueueCounters.Totals.of(rxCounters);
    }

    /** The transmit side's counters summed over its queues. */
    public QueueCounters.Totals txTotals() {
        return QueueCounters.Totals.of(txCounters);
    }

    /** Drops charged to this port by reason ordinal, both directions: ingress decisions and a full TX queue. */
    public long[] drops() {
        long[] drops = rxTotals().drops();
        long[] tx = txTotals().drops();
        for (int d = 0; d < drops.length; d++) {
            drops[d] += tx[d];
        }
        return drops;
    }

    public int rxQueues() {
        return rxCounters.length;
    }

    public int txQueues() {
        return txCounters.length;
    }

    public byte[] macAddress() {
        return EthDev.macAddress(id);
    }

    /** The link: the driver's view, or the kernel interface's carrier where the driver's says nothing ({@link KernelLink}). */
    public boolean linkUp() {
        String iface = KernelLink.interfaceOf(config);
        return iface != null ? KernelLink.up(iface) : EthDev.linkUp(id);
    }

    /** How often the link went up or down since the port started: written by the {@link LinkMonitor} alone. */
    public volatile long linkChanges;

    /** The device's own counters (DPDK's view, including no-mbuf and missed). */
    public DeviceStats deviceStats() {
        return DeviceStats.of(id);
    }

    /** The link's speed in Mbit/s as the driver reports it; 0 where it reports none. */
    public int linkSpeed() {
        return EthDev.linkSpeed(id);
    }

    /** Stops, closes and (when this port probed it) detaches the device. Safe to call twice. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (started) {
                EthDev.stop(id);
            }
            EthDev.close(id);
        } catch (DpdkException e) {
            LOG.warn("port {}: {}", config.name(), e.getMessage());
        }
        detach(config, probedHere);
    }

    private static void detach(PortConfig config, boolean probed) {
        if (!probed) {
            return;
        }
        try {
            EthDev.hotplugRemove(config.isVirtual() ? "vdev" : "pci", config.deviceName());
        } catch (DpdkException e) {
            LOG.warn("port {}: {}", config.name(), e.getMessage());
        }
    }

    @Override
    public String toString() {
        return config.name() + "(ethdev " + id + ", " + info.driverName() + ")";
    }
}
