package io.quiver.dataplane.vns;

/**
 * One VNS's counters: plain fields written only by the routing lcore (the one that owns the VNS's neighbours), read by
 * the control side. The neighbour table counts its own (ARP misses, held, held-dropped).
 */
public final class VnsCounters {
    /** Packets routed on: to a VNIC, another VNS or the uplink. */
    public long routed;
    /** Packets for the router itself (its gateway addresses): answered when an echo request, dropped otherwise. */
    public long local;
    /** No route, or a connected destination no VNIC owns. */
    public long noRoute;
    /** TTL would expire here. */
    public long ttlExceeded;
    /** DF set and larger than the next hop's MTU. */
    public long tooBig;
    /** ICMP errors and echo replies sent. */
    public long icmpSent;
    /** ICMP errors the rate limit held back. */
    public long rateLimited;
    /** IPv4 headers that do not hold up (length, IHL, fragments of what the router itself would answer). */
    public long malformed;
    /** Cross-VNS routes that led on for more than {@code MAX_VNS_HOPS} VNSes: a loop. */
    public long loops;
    /** Packets dropped because the next hop's ring or TX was full. */
    public long full;
}
