package io.quiver.dataplane.counters;

/** Why the datapath dropped a packet; every drop is counted under exactly one reason. */
public enum DropReason {
    /** A guest sent with a source MAC that is neither its primary nor a registered secondary MAC. */
    SPOOFED_SOURCE_MAC("spoofed-src-mac"),
    /** A guest sent IPv4 with a source address that is not one of its own. */
    SPOOFED_SOURCE_IP("spoofed-src-ip"),
    /** A guest sent ARP claiming a sender address that is not one of its own. */
    SPOOFED_ARP_SENDER("spoofed-arp-sender"),
    /** A guest sent an 802.1Q-tagged frame: VLANs are the appliance's to assign. */
    TAGGED_FROM_GUEST("tagged-from-guest"),
    /** Too short or inconsistent headers. */
    MALFORMED("malformed"),
    /** No VNIC and no uplink owns the destination MAC. */
    UNKNOWN_DESTINATION("unknown-destination"),
    /** The receive ring was full. */
    RING_FULL("ring-full"),
    /** The forwarding ring found no route for the destination IPv4. */
    NO_ROUTE("no-route"),
    /** The forwarding ring got a packet whose TTL would expire. */
    TTL_EXPIRED("ttl-expired"),
    /** The transmit queue had no room. */
    TX_FULL("tx-full"),
    /** No mbuf to copy a flooded frame into. */
    NO_MBUF("no-mbuf"),
    /** A guest sent IPv6 with a source that is not one of its addresses (nor :: for duplicate address detection). */
    SPOOFED_SOURCE_IPV6("spoofed-src-ipv6"),
    /** A guest's neighbour discovery claimed an address or a link-layer address that is not its own. */
    SPOOFED_ND("spoofed-nd"),
    /** A guest that is not a router sent an IPv6 router advertisement or redirect (RA guard). */
    RA_GUARD("ra-guard"),
    /** A guest sent a DHCP server message (DHCPv4 from port 67, DHCPv6 from port 547) it may not send. */
    DHCP_GUARD("dhcp-guard"),
    /** A guest with restricted protection sent an ethertype other than IPv4, IPv6 or ARP. */
    RESTRICTED_ETHERTYPE("restricted-ethertype"),
    /** The frame is larger than the VNIC's MTU allows (at L2 nothing fragments). */
    MTU_EXCEEDED("mtu-exceeded"),
    /** A Q-in-Q frame whose outer tag is no VNIC's VLAN. */
    STACKED_VLAN("stacked-vlan"),
    /** Routed: larger than the next hop's MTU (with DF set, an ICMP fragmentation-needed went back; Quiver does not fragment). */
    TOO_BIG("too-big"),
    /** Routed: cross-VNS routes led through more VNSes than a route may (a loop between VNSes' routes). */
    ROUTING_LOOP("routing-loop"),
    /** A guest sent faster than its VNIC's bandwidth-limit: policed (nothing queues a guest's transmissions). */
    OVER_LIMIT("over-limit"),
    /**
     * A frame to the slow-protocols address (LACP, markers): from a guest (it would speak for the appliance's links),
     * or on an uplink that does not aggregate. Never forwarded.
     */
    SLOW_PROTOCOLS("slow-protocols"),
    /** Received on an aggregation's member that does not collect (standby, or LACP not yet agreed). */
    STANDBY_MEMBER("standby-member"),
    /**
     * From the fabric (a memif link, VXLAN): the sending appliance, the segment (VNI) or the source MAC is none the
     * directory knows, or the MAC is a VNIC another appliance hosts. A remote VNIC's frames pass only from its host.
     */
    UNKNOWN_REMOTE("unknown-remote"),
    /** To a remote VNIC whose appliance no medium reaches (no memif link, and no VTEP on one side). */
    NO_MEDIUM("no-medium");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    /** Whether the frame claimed an identity that is not its sender's (what spoof warnings report). */
    public boolean isSpoof() {
        return this == SPOOFED_SOURCE_MAC || this == SPOOFED_SOURCE_IP || this == SPOOFED_ARP_SENDER
                || this == SPOOFED_SOURCE_IPV6 || this == SPOOFED_ND;
    }

    /** The name counters and the CLI show. */
    public String label() {
        return label;
    }

    public static final int COUNT = values().length;
}
