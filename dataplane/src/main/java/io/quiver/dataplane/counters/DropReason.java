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
    NO_MBUF("no-mbuf");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    /** The name counters and the CLI show. */
    public String label() {
        return label;
    }

    public static final int COUNT = values().length;
}
