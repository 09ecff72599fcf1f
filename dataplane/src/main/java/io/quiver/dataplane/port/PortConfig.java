package io.quiver.dataplane.port;

import java.util.Objects;

/**
 * How to open one port.
 *
 * @param name        Quiver's name for the port (shown in counters and the CLI)
 * @param devargs     any DPDK device argument string: a vdev ({@code net_tap0,iface=qv0}) or a PCI address
 * @param rxQueues    receive queues
 * @param txQueues    transmit queues
 * @param rxDescriptors descriptors per receive queue
 * @param txDescriptors descriptors per transmit queue
 * @param promiscuous receive frames for every destination MAC
 */
public record PortConfig(String name, String devargs, int rxQueues, int txQueues, int rxDescriptors, int txDescriptors,
                         boolean promiscuous) {
    public static final int DEFAULT_DESCRIPTORS = 512;

    public PortConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(devargs, "devargs");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a port needs a name");
        }
        if (devargs.isBlank()) {
            throw new IllegalArgumentException("port '" + name + "' has empty devargs");
        }
        if (rxQueues < 1 || txQueues < 1 || rxQueues > 1024 || txQueues > 1024) {
            throw new IllegalArgumentException("port '" + name + "': queue counts must be 1..1024, not rx " + rxQueues + " tx " + txQueues);
        }
        if (rxDescriptors < 1 || txDescriptors < 1 || rxDescriptors > 32768 || txDescriptors > 32768) {
            throw new IllegalArgumentException("port '" + name + "': descriptor counts must be 1..32768");
        }
    }

    /** One RX and one TX queue, default ring sizes, promiscuous. */
    public static PortConfig of(String name, String devargs) {
        return new PortConfig(name, devargs, 1, 1, DEFAULT_DESCRIPTORS, DEFAULT_DESCRIPTORS, true);
    }

    /** The DPDK device name: devargs up to the first comma. */
    public String deviceName() {
        int comma = devargs.indexOf(',');
        return (comma < 0 ? devargs : devargs.substring(0, comma)).trim();
    }

    /** Virtual devices are probed on the vdev bus; everything else (PCI addresses) on its own bus. */
    public boolean isVirtual() {
        return deviceName().startsWith("net_") || deviceName().startsWith("eth_");
    }

    /** The most mbufs this port's queues can hold at once: what the pool must cover for it. */
    public int mbufsHeld() {
        return rxQueues * rxDescriptors + txQueues * txDescriptors;
    }
}
