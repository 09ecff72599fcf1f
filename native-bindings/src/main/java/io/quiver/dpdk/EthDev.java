package io.quiver.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/** Ethernet devices: probing by devargs, configuration, queues, start/stop, MAC, link, statistics, and the burst calls. */
public final class EthDev {
    private static final FunctionDescriptor INT_OF_PORT = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT);

    private static final MethodHandle RX_BURST = NativeLibrary.downcall("quiver_rx_burst",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle TX_BURST = NativeLibrary.downcall("quiver_tx_burst",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle PAGE_SIZE = NativeLibrary.downcall("getpagesize", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle DEV_PROBE = NativeLibrary.downcall("rte_dev_probe", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle HOTPLUG_REMOVE = NativeLibrary.downcall("rte_eal_hotplug_remove",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle PORT_BY_NAME = NativeLibrary.downcall("rte_eth_dev_get_port_by_name",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle INFO_GET = NativeLibrary.downcall("rte_eth_dev_info_get",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    private static final MethodHandle CONFIGURE = NativeLibrary.downcall("rte_eth_dev_configure",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, ADDRESS));
    private static final MethodHandle SET_MTU = NativeLibrary.downcall("rte_eth_dev_set_mtu",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT));
    private static final MethodHandle RX_QUEUE_SETUP = NativeLibrary.downcall("rte_eth_rx_queue_setup",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle TX_QUEUE_SETUP = NativeLibrary.downcall("rte_eth_tx_queue_setup",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_INT, ADDRESS));
    private static final MethodHandle START = NativeLibrary.downcall("rte_eth_dev_start", INT_OF_PORT);
    private static final MethodHandle STOP = NativeLibrary.downcall("rte_eth_dev_stop", INT_OF_PORT);
    private static final MethodHandle CLOSE = NativeLibrary.downcall("rte_eth_dev_close", INT_OF_PORT);
    private static final MethodHandle SOCKET_ID = NativeLibrary.downcall("rte_eth_dev_socket_id", INT_OF_PORT);
    private static final MethodHandle PROMISC_ENABLE = NativeLibrary.downcall("rte_eth_promiscuous_enable", INT_OF_PORT);
    private static final MethodHandle MAC_GET = NativeLibrary.downcall("rte_eth_macaddr_get",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    private static final MethodHandle MAC_SET = NativeLibrary.downcall("rte_eth_dev_default_mac_addr_set",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    private static final MethodHandle LINK_UP = NativeLibrary.downcall("quiver_link_up", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle LINK_SPEED = NativeLibrary.downcall("quiver_link_speed", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle STATS_GET = NativeLibrary.downcall("rte_eth_stats_get",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    private static final MethodHandle XSTATS_GET = NativeLibrary.downcall("rte_eth_xstats_get",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS, JAVA_INT));
    private static final MethodHandle XSTATS_NAMES = NativeLibrary.downcall("rte_eth_xstats_get_names",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS, JAVA_INT));

    private static final long INFO_SIZE = Layout.of("sizeof.rte_eth_dev_info");
    private static final long CONF_SIZE = Layout.of("sizeof.rte_eth_conf");
    private static final long STATS_SIZE = Layout.of("sizeof.rte_eth_stats");
    private static final long XSTAT_SIZE = Layout.of("sizeof.rte_eth_xstat");
    private static final long XSTAT_NAME_SIZE = Layout.of("sizeof.rte_eth_xstat_name");
    private static final int MAC_LEN = Layout.intOf("RTE_ETHER_ADDR_LEN");

    private EthDev() {
    }

    // ---- fast path -------------------------------------------------------------------------------------------

    /** Receives up to {@code n} packets into {@code pointers}; returns how many. */
    public static int rxBurst(int port, int queue, MemorySegment pointers, int n) {
        try {
            return (int) RX_BURST.invokeExact(port, queue, pointers, n);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Queues up to {@code n} packets for transmission; returns how many the device took (it owns those now). */
    public static int txBurst(int port, int queue, MemorySegment pointers, int n) {
        try {
            return (int) TX_BURST.invokeExact(port, queue, pointers, n);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    // ---- devices and ports -----------------------------------------------------------------------------------

    /** Probes (attaches) the device that {@code devargs} names, e.g. {@code net_null0,no-rx=1} or a PCI address. */
    public static void probe(String devargs) {
        try (Arena arena = Arena.ofConfined()) {
            DpdkException.check((int) DEV_PROBE.invokeExact(arena.allocateFrom(devargs)), "rte_dev_probe", devargs);
        } catch (DpdkException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Detaches a device probed with {@link #probe}: {@code bus} is "vdev" or "pci". */
    public static void hotplugRemove(String bus, String deviceName) {
        try (Arena arena = Arena.ofConfined()) {
            DpdkException.check((int) HOTPLUG_REMOVE.invokeExact(arena.allocateFrom(bus), arena.allocateFrom(deviceName)),
                    "rte_eal_hotplug_remove", bus + ":" + deviceName);
        } catch (DpdkException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The port id of the ethdev called {@code name}, if there is one. */
    public static OptionalInt portByName(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment id = arena.allocate(JAVA_SHORT);
            int rc = (int) PORT_BY_NAME.invokeExact(arena.allocateFrom(name), id);
            return rc == 0 ? OptionalInt.of(Short.toUnsignedInt(id.get(JAVA_SHORT, 0))) : OptionalInt.empty();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The RX offload that lets a driver chain mbufs for frames larger than one buffer. */
    public static final long RX_OFFLOAD_SCATTER = Layout.of("RTE_ETH_RX_OFFLOAD_SCATTER");
    /** The TX offload for sending chained mbufs. */
    public static final long TX_OFFLOAD_MULTI_SEGS = Layout.of("RTE_ETH_TX_OFFLOAD_MULTI_SEGS");
    /** Ethernet's standard MTU, 1500. */
    public static final int STANDARD_MTU = Layout.intOf("RTE_ETHER_MTU");
    private static final int ENOTSUP = Layout.intOf("ENOTSUP");
    /** What ethdev adds to an MTU to get a frame when a driver states no max_mtu: Ethernet's header and FCS. */
    private static final int DEFAULT_OVERHEAD = Layout.intOf("ETHDEV_DEFAULT_OVERHEAD");
    /** A max_mtu of 65535: the driver stated none. */
    private static final int NO_MAX_MTU = 0xffff;
    /** net_af_packet's ring frames: the kernel's tpacket2 header, which precedes the MAC header in each frame. */
    public static final int TPACKET2_HDRLEN = Layout.intOf("TPACKET2_HDRLEN");
    /** ... the alignment of a ring frame's size and of the MAC header's place in it. */
    public static final int TPACKET_ALIGNMENT = Layout.intOf("TPACKET_ALIGNMENT");
    /** ... and what net_af_packet subtracts from framesz before it checks a frame against an mbuf's room. */
    public static final int AF_PACKET_FRAME_HEADER = TPACKET2_HDRLEN - Layout.intOf("sizeof.sockaddr_ll");

    /** What a device can do. */
    public record Info(String driverName, int ifIndex, int maxRxQueues, int maxTxQueues, int maxMacAddrs,
                       int rxDescMax, int rxDescMin, int txDescMax, int txDescMin, long maxRxPktLen, int minMtu,
                       int maxMtu, long rxOffloads, long txOffloads) {
        /**
         * The largest MTU ethdev lets the driver be configured with: its max_mtu, or where it states none, its
         * largest frame less Ethernet's header and FCS (the rule of ethdev's own MTU validation).
         */
        public int acceptedMtu() {
            if (maxMtu != NO_MAX_MTU) {
                return maxMtu;
            }
            return (int) Math.max(0, Math.min(NO_MAX_MTU, maxRxPktLen - DEFAULT_OVERHEAD));
        }

        /** Whether the device sends and receives through a kernel interface (TAP, af_packet), whose MTU bounds its frames. */
        public boolean kernelBacked() {
            return ifIndex > 0;
        }
    }

    /** The system's page size: af_packet's ring blocks are whole pages. */
    public static int pageSize() {
        try {
            return (int) PAGE_SIZE.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static Info info(int port) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(INFO_SIZE, 8);
            DpdkException.check((int) INFO_GET.invokeExact((short) port, info), "rte_eth_dev_info_get", "port " + port);
            long rxLim = Layout.of("rte_eth_dev_info.rx_desc_lim");
            long txLim = Layout.of("rte_eth_dev_info.tx_desc_lim");
            long max = Layout.of("rte_eth_desc_lim.nb_max");
            long min = Layout.of("rte_eth_desc_lim.nb_min");
            MemorySegment driver = info.get(ADDRESS, Layout.of("rte_eth_dev_info.driver_name"));
            return new Info(
                    driver.address() == 0 ? "" : driver.reinterpret(256).getString(0),
                    info.get(JAVA_INT, Layout.of("rte_eth_dev_info.if_index")),
                    u16(info, Layout.of("rte_eth_dev_info.max_rx_queues")),
                    u16(info, Layout.of("rte_eth_dev_info.max_tx_queues")),
                    info.get(JAVA_INT, Layout.of("rte_eth_dev_info.max_mac_addrs")),
                    u16(info, rxLim + max), u16(info, rxLim + min),
                    u16(info, txLim + max), u16(info, txLim + min),
                    Integer.toUnsignedLong(info.get(JAVA_INT, Layout.of("rte_eth_dev_info.max_rx_pktlen"))),
                    u16(info, Layout.of("rte_eth_dev_info.min_mtu")), u16(info, Layout.of("rte_eth_dev_info.max_mtu")),
                    info.get(JAVA_LONG, Layout.of("rte_eth_dev_info.rx_offload_capa")),
                    info.get(JAVA_LONG, Layout.of("rte_eth_dev_info.tx_offload_capa")));
        } catch (DpdkException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Configures {@code rxQueues} and {@code txQueues} with DPDK's default device configuration. */
    public static void configure(int port, int rxQueues, int txQueues) {
        configure(port, rxQueues, txQueues, 0, 0, 0);
    }

    /**
     * Configures the queues with an MTU (0: DPDK's default, 1500) and the RX and TX offloads to enable (e.g.
     * {@link #RX_OFFLOAD_SCATTER}); everything else is DPDK's default.
     */
    public static void configure(int port, int rxQueues, int txQueues, int mtu, long rxOffloads, long txOffloads) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment conf = arena.allocate(CONF_SIZE, 8);
            conf.set(JAVA_INT, Layout.of("rte_eth_conf.rxmode.mtu"), mtu);
            conf.set(JAVA_LONG, Layout.of("rte_eth_conf.rxmode.offloads"), rxOffloads);
            conf.set(JAVA_LONG, Layout.of("rte_eth_conf.txmode.offloads"), txOffloads);
            DpdkException.check((int) CONFIGURE.invokeExact((short) port, (short) rxQueues, (short) txQueues, conf),
                    "rte_eth_dev_configure", "port " + port + ", " + rxQueues + " rx / " + txQueues + " tx queues");
        } catch (DpdkException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static void rxQueueSetup(int port, int queue, int descriptors, int socket, long pool) {
        try {
            DpdkException.check((int) RX_QUEUE_SETUP.invokeExact((short) port, (short) queue, (short) descriptors, socket,
                    MemorySegment.NULL, MemorySegment.ofAddress(pool)), "rte_eth_rx_queue_setup",
                    "port " + port + " queue " + queue + ", " + descriptors + " descriptors");
        } catch (DpdkException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static void txQueueSetup(int port, int queue, int descriptors, int socket) {
        try {
            DpdkException.check((int) TX_QUEUE_SETUP.invokeExact((short) port, (short) queue, (short) descriptors, socket,
                    MemorySegment.NULL), "rte_eth_tx_queue_setup", "port " + port + " queue " + queue + ", " + descriptors + " descriptors");
        } catch (DpdkException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * Sets the port's MTU; false when its driver has no MTU setting (it then receives what its buffers hold). Any
     * other refusal is a {@link DpdkException}.
     */
    public static boolean setMtu(int port, int mtu) {
        int rc;
        try {
            rc = (int) SET_MTU.invokeExact((short) port, (short) mtu);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (rc == -ENOTSUP) {
            return false;
        }
        DpdkException.check(rc, "rte_eth_dev_set_mtu", "port " + port + ", MTU " + mtu);
        return true;
    }

    public static void start(int port) {
        portCall(START, "rte_eth_dev_start", port);
    }

    public static void stop(int port) {
        portCall(STOP, "rte_eth_dev_stop", port);
    }

    public static void close(int port) {
        portCall(CLOSE, "rte_eth_dev_close", port);
    }

    public static void promiscuousEnable(int port) {
        portCall(PROMISC_ENABLE, "rte_eth_promiscuous_enable", port);
    }

    /** The device's NUMA socket, or {@link Mempools#SOCKET_ID_ANY} when it has none. */
    public static int socketId(int port) {
        try {
            return (int) SOCKET_ID.invokeExact((short) port);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The device's primary MAC address as 6 bytes. */
    public static byte[] macAddress(int port) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mac = arena.allocate(MAC_LEN, 2);
            DpdkException.check((int) MAC_GET.invokeExact((short) port, mac), "rte_eth_macaddr_get", "port " + port);
            return mac.toArray(ValueLayout.JAVA_BYTE);
        } catch (DpdkException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static void setMacAddress(int port, byte[] mac) {
        macCall(MAC_SET, "rte_eth_dev_default_mac_addr_set", port, mac);
    }

    public static boolean linkUp(int port) {
        try {
            int rc = (int) LINK_UP.invokeExact(port);
            DpdkException.check(rc, "rte_eth_link_get_nowait", "port " + port);
            return rc == 1;
        } catch (DpdkException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The link's speed in Mbit/s; 0 where the driver reports none. */
    public static int linkSpeed(int port) {
        try {
            int rc = (int) LINK_SPEED.invokeExact(port);
            DpdkException.check(rc, "rte_eth_link_get_nowait", "port " + port);
            return rc;
        } catch (DpdkException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The device's basic counters ({@code struct rte_eth_stats}). */
    public record Stats(long rxPackets, long txPackets, long rxBytes, long txBytes, long rxMissed, long rxErrors,
                        long txErrors, long rxNoMbuf) {
    }

    public static Stats stats(int port) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(STATS_SIZE, 8);
            DpdkException.check((int) STATS_GET.invokeExact((short) port, s), "rte_eth_stats_get", "port " + port);
            return new Stats(u64(s, "ipackets"), u64(s, "opackets"), u64(s, "ibytes"), u64(s, "obytes"),
                    u64(s, "imissed"), u64(s, "ierrors"), u64(s, "oerrors"), u64(s, "rx_nombuf"));
        } catch (DpdkException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The driver's extended counters by name, in the driver's order. */
    public static Map<String, Long> xstats(int port) {
        try (Arena arena = Arena.ofConfined()) {
            int n = DpdkException.check((int) XSTATS_NAMES.invokeExact((short) port, MemorySegment.NULL, 0),
                    "rte_eth_xstats_get_names", "port " + port);
            MemorySegment names = arena.allocate(XSTAT_NAME_SIZE * Math.max(n, 1), 8);
            MemorySegment values = arena.allocate(XSTAT_SIZE * Math.max(n, 1), 8);
            int got = DpdkException.check((int) XSTATS_NAMES.invokeExact((short) port, names, n), "rte_eth_xstats_get_names", "port " + port);
            int gotValues = DpdkException.check((int) XSTATS_GET.invokeExact((short) port, values, n), "rte_eth_xstats_get", "port " + port);
            long nameOff = Layout.of("rte_eth_xstat_name.name");
            long idOff = Layout.of("rte_eth_xstat.id");
            long valueOff = Layout.of("rte_eth_xstat.value");
            Map<String, Long> result = new LinkedHashMap<>();
            for (int i = 0; i < Math.min(got, gotValues); i++) {
                long id = values.get(JAVA_LONG, i * XSTAT_SIZE + idOff);
                if (id < 0 || id >= got) {
                    continue;
                }
                String name = names.getString(id * XSTAT_NAME_SIZE + nameOff);
                result.put(name, values.get(JAVA_LONG, i * XSTAT_SIZE + valueOff));
            }
            return result;
        } catch (DpdkException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static int portCall(MethodHandle handle, String call, int port) {
        try {
            return DpdkException.check((int) handle.invokeExact((short) port), call, "port " + port);
        } catch (DpdkException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static void macCall(MethodHandle handle, String call, int port, byte[] mac) {
        if (mac.length != MAC_LEN) {
            throw new IllegalArgumentException("a MAC address has " + MAC_LEN + " bytes, not " + mac.length);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(MAC_LEN, 2);
            addr.copyFrom(MemorySegment.ofArray(mac));
            int rc = (int) handle.invokeExact((short) port, addr);
            DpdkException.check(rc, call, "port " + port);
        } catch (DpdkException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static int u16(MemorySegment s, long offset) {
        return Short.toUnsignedInt(s.get(JAVA_SHORT, offset));
    }

    private static long u64(MemorySegment s, String field) {
        return s.get(JAVA_LONG, Layout.of("rte_eth_stats." + field));
    }
}
