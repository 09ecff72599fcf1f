package io.quiver.dataplane.config;

import java.time.Duration;

/**
 * Every default and every limit of the dataplane, each documented once, here. A configuration file, a command-line
 * option or a test may choose another value; nothing else in the dataplane writes one of these numbers.
 */
public final class Defaults {
    private Defaults() {
    }

    // ---- EAL ---------------------------------------------------------------------------------------------------

    /** EAL memory in MiB: enough for the default pool and every port's rings without hugepages. */
    public static final int EAL_MEMORY_MB = 512;

    // ---- packet pool -------------------------------------------------------------------------------------------

    /** mbufs in the packet pool (2^13 - 1: a mempool is most compact at a power of two minus one). */
    public static final int POOL_MBUFS = 8191;
    /** The per-lcore mempool cache: an lcore allocates and frees without touching the shared ring most of the time. */
    public static final int POOL_CACHE = 256;

    // ---- bursts ------------------------------------------------------------------------------------------------

    /** Packets per burst for port-to-port cross-connects: more only costs (net_pcap's copy outruns the pool cache). */
    public static final int BURST = 32;
    /**
     * Packets per burst for the VNIC datapath: a ring's publication, delivery visit and cache lines are paid once per
     * burst, so with many VNICs a bigger burst spreads them over more packets (64 VNICs: 9.7 -> 11.3 Mpps from 32 to
     * 128; 256 was slower again). Local rings should hold at least a burst.
     */
    public static final int DATAPATH_BURST = 128;
    /** The largest burst a configuration may ask for. */
    public static final int MAX_BURST = 512;

    // ---- ports -------------------------------------------------------------------------------------------------

    /** Descriptors per RX and per TX queue. */
    public static final int DESCRIPTORS = 512;
    /** The most descriptors a queue may be given (DPDK drivers refuse more). */
    public static final int MAX_DESCRIPTORS = 32768;
    /** The most RX or TX queues a port may be given. */
    public static final int MAX_QUEUES = 1024;
    /** The most queue pairs a VM's vhost-user device may have (QEMU's virtio-net {@code mq=on,queues=N}). */
    public static final int MAX_VHOST_QUEUES = 16;
    /**
     * How often the control side looks at every port's link, to log and count its changes (a flap shorter than this
     * may go unseen; a VM or QEMU restart takes seconds).
     */
    public static final Duration LINK_CHECK_INTERVAL = Duration.ofMillis(200);
    /**
     * How often an aggregation's control looks at its members' links and runs LACP: a member whose link goes down
     * stops carrying within this (the issue asks for 100 ms; LACP needs at least every 100 ms).
     */
    public static final Duration AGGREGATION_TICK = Duration.ofMillis(5);
    /** A port's MTU: Ethernet's standard payload. */
    public static final int MTU = 1500;
    /** The largest port MTU (jumbo frames). */
    public static final int MAX_MTU = 9000;
    /** What a frame carries beyond its MTU here: the Ethernet header and up to two VLAN tags (no FCS: the NIC's). */
    public static final int FRAME_OVERHEAD = 14 + 8;
    /** Ethernet's shortest frame without the FCS: shorter ones are padded before they are sent. */
    public static final int MIN_FRAME = 60;

    // ---- VNICs and their rings ---------------------------------------------------------------------------------

    /** The most VNICs one datapath holds (indexes are never reused while it runs). */
    public static final int MAX_VNICS = 1 << 16;
    /** Slots per local ring (power of two): at least a datapath burst. */
    public static final int LOCAL_RING = 256;
    /**
     * Slots per local ring in dedicated mode, where the RX lcore fills a ring while a worker on another CPU drains
     * it: two bursts per lcore (the one being drained, the one arriving), at least {@link #LOCAL_RING}. A worker that
     * keeps up then never finds its ring full; one that does not is the bottleneck, and a bigger ring only delays
     * its drops. With the datapath's bursts of 128 and two lcores: 512.
     */
    public static int dedicatedLocalRing(int burst, int lcores) {
        int wanted = Math.max(LOCAL_RING, 2 * burst * lcores);
        return Integer.highestOneBit(wanted - 1) << 1;
    }

    /** Slots per forwarding ring (power of two): routed traffic is the smaller share. */
    public static final int FORWARDING_RING = 128;

    // ---- hand-offs between the lcores and the control side -----------------------------------------------------

    /** Guest requests waiting for the control side; a full queue drops (and counts) the newest. */
    public static final int GUEST_REQUEST_QUEUE = 1024;
    /** The longest guest request payload accepted; longer ones are dropped as malformed. */
    public static final int GUEST_REQUEST_MAX_PAYLOAD = 512;
    /** TLS offload requests from guests waiting for the control side. */
    public static final int TLS_OFFLOAD_QUEUE = 1024;
    /** The longest TLS offload request datagram a guest may send: a jumbo frame's. */
    public static final int TLS_OFFLOAD_MAX_DATAGRAM = 9000;
    /** Frames the control side queues for guests (replies, notifications). */
    public static final int INJECTION_QUEUE = 1024;
    /** The longest frame the control side may inject: what one default mbuf holds. */
    public static final int INJECTED_FRAME_MAX = 2048;

    // ---- time --------------------------------------------------------------------------------------------------

    /** How long an lcore may take to pin itself and register with the EAL. */
    public static final Duration LCORE_START_TIMEOUT = Duration.ofSeconds(10);
    /** How long an lcore may take to stop and drain its tasks. */
    public static final Duration LCORE_STOP_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long the control side waits for every lcore to pass a burst boundary before it frees what only an older
     * state referred to (a removed VNIC's rings). A healthy lcore passes one every few microseconds.
     */
    public static final Duration QUIESCENCE_TIMEOUT = Duration.ofSeconds(1);
    /** At most one forged-traffic warning per VNIC per this interval. */
    public static final Duration SPOOF_WARNING_INTERVAL = Duration.ofSeconds(10);
}
