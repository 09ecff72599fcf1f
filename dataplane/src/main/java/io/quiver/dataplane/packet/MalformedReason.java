package io.quiver.dataplane.packet;

/**
 * Why the parser called a frame malformed: each a counter of the port it arrived on ({@code quiver_port_malformed_total}
 * and {@code show-port}'s JSON). The frame itself is dropped and counted as {@code malformed} where it arrived.
 */
public enum MalformedReason {
    NONE("none"),
    /** Shorter than an Ethernet header, or than its VLAN tags. */
    SHORT_FRAME("short-frame"),
    /** An IPv4 header that does not fit in the frame. */
    IPV4_TRUNCATED("ipv4-truncated"),
    /** The IPv4 header's version is not 4. */
    IPV4_VERSION("ipv4-version"),
    /** The IPv4 header length (IHL) is under 20 bytes or runs past the frame. */
    IPV4_HEADER_LENGTH("ipv4-header-length"),
    /** The IPv4 total length is under the header's or longer than the packet. */
    IPV4_TOTAL_LENGTH("ipv4-total-length"),
    /** An ARP packet that is cut short or is not Ethernet/IPv4 ARP. */
    ARP("arp"),
    /** An IPv6 header cut short, of another version, or a payload length longer than the packet. */
    IPV6_HEADER("ipv6-header"),
    /** IPv6 extension headers cut short, too many of them, or longer than the payload. */
    IPV6_EXTENSIONS("ipv6-extensions");

    public static final int COUNT = values().length;
    private final String label;

    MalformedReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
