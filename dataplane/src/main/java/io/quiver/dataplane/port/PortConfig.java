package io.quiver.dataplane.port;

import io.quiver.dataplane.config.Defaults;
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
 * @param mtu         the largest L3 payload the port receives and sends (1500; up to 9000 for jumbo frames)
 */
public record PortConfig(String name, String devargs, int rxQueues, int txQueues, int rxDescriptors, int txDescriptors,
                         boolean promiscuous, int mtu) {
    public PortConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(devargs, "devargs");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a port needs a name");
        }
        if (devargs.isBlank()) {
            throw new IllegalArgumentException("port '" + name + "' has empty devargs");
        }
        if (rxQueues < 1 || txQueues < 1 || rxQueues > Defaults.MAX_QUEUES || txQueues > Defaults.MAX_QUEUES) {
            throw new IllegalArgumentException("port '" + name + "': queue counts must be 1.." + Defaults.MAX_QUEUES + ", not rx "
                    + rxQueues + " tx " + txQueues);
        }
        if (rxDescriptors < 1 || txDescriptors < 1 || rxDescriptors > Defaults.MAX_DESCRIPTORS || txDescriptors > Defaults.MAX_DESCRIPTORS) {
            throw new IllegalArgumentException("port '" + name + "': descriptor counts must be 1.." + Defaults.MAX_DESCRIPTORS);
        }
        if (mtu < 68 || mtu > Defaults.MAX_MTU) {
            throw new IllegalArgumentException("port '" + name + "': MTU must be 68.." + Defaults.MAX_MTU + ", not " + mtu);
        }
    }

    /** A port with the standard MTU. */
    public PortConfig(String name, String devargs, int rxQueues, int txQueues, int rxDescriptors, int txDescriptors,
                      boolean promiscuous) {
        this(name, devargs, rxQueues, txQueues, rxDescriptors, txDescriptors, promiscuous, Defaults.MTU);
    }

    /** One RX and one TX queue, default ring sizes, promiscuous. */
    public static PortConfig of(String name, String devargs) {
        return new PortConfig(name, devargs, 1, 1, Defaults.DESCRIPTORS, Defaults.DESCRIPTORS, true);
    }

    public PortConfig withRxQueues(int queues) {
        return new PortConfig(name, devargs, queues, txQueues, rxDescriptors, txDescriptors, promiscuous, mtu);
    }

    public PortConfig withQueues(int rx, int tx) {
        return new PortConfig(name, devargs, rx, tx, rxDescriptors, txDescriptors, promiscuous, mtu);
    }

    public PortConfig withMtu(int changed) {
        return new PortConfig(name, devargs, rxQueues, txQueues, rxDescriptors, txDescriptors, promiscuous, changed);
    }

    /** The longest frame the port carries: its MTU, the Ethernet header and up to two VLAN tags. */
    public int maxFrame() {
        return mtu + Defaults.FRAME_OVERHEAD;
    }

    /** The bytes of packet data one mbuf must hold so a frame of this port fits it (more than {@link #maxFrame} where the driver needs it). */
    public int mbufRoom() {
        return AfPacketRing.mbufRoom(this);
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
