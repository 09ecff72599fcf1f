package io.quiver.dataplane.packet;

/** ICMPv6 (RFC 4443) as far as the appliance looks into it: message types, and the addresses ND and MLD use. */
public final class Icmpv6 {
    public static final int PROTOCOL = 58;
    public static final int ROUTER_SOLICITATION = 133;
    public static final int ROUTER_ADVERTISEMENT = 134;
    public static final int NEIGHBOUR_SOLICITATION = 135;
    public static final int NEIGHBOUR_ADVERTISEMENT = 136;
    public static final int REDIRECT = 137;
    public static final int MLD2_REPORT = 143;
    /** ff02::16, where MLDv2 reports go. */
    public static final long ALL_MLD2_ROUTERS_HIGH = 0xff02_0000_0000_0000L;
    public static final long ALL_MLD2_ROUTERS_LOW = 0x16;

    private Icmpv6() {
    }

    /** The ICMPv6 type of packet {@code i}, or -1 when it is not ICMPv6 or its header is not in the first segment. */
    public static int type(ParsedBurst b, int i) {
        if (b.kind[i] != PacketKind.IPV6 || b.op[i] != PROTOCOL || b.l4[i] == 0 || b.l4[i] + 4 > b.length[i]) {
            return -1;
        }
        return PacketParser.u8(b.frame[i] + b.l4[i]);
    }

    /** Whether a type is one of neighbour discovery's (RFC 4861 §4). */
    public static boolean isNeighbourDiscovery(int type) {
        return type >= ROUTER_SOLICITATION && type <= REDIRECT;
    }

    /** Where an ND message's options start, from the ICMPv6 header. */
    public static int ndOptionsOffset(int type) {
        return switch (type) {
            case ROUTER_SOLICITATION -> 8;
            case ROUTER_ADVERTISEMENT -> 16;
            case NEIGHBOUR_SOLICITATION, NEIGHBOUR_ADVERTISEMENT -> 24;
            default -> 40; // redirect: target and destination
        };
    }

    /** The end of packet {@code i}'s IPv6 payload within its first segment, from the frame's start. */
    public static int messageEnd(ParsedBurst b, int i) {
        int payloadEnd = b.l3[i] + PacketParser.IPV6_HEADER_LENGTH + PacketParser.be16(b.frame[i] + b.l3[i] + 4);
        return Math.min(payloadEnd, b.length[i]);
    }

    /** Whether {@code high:low} is a solicited-node multicast address, ff02::1:ffXX:XXXX (RFC 4291 §2.7.1). */
    public static boolean isSolicitedNode(long high, long low) {
        return high == 0xff02_0000_0000_0000L && (low & 0xffff_ffff_ff00_0000L) == 0x0000_0001_ff00_0000L;
    }
}
