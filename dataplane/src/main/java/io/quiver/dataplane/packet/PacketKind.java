package io.quiver.dataplane.packet;

/** What the parser found, as small ints so per-burst arrays stay primitive. */
public final class PacketKind {
    public static final int MALFORMED = 0;
    public static final int IPV4 = 1;
    public static final int ARP = 2;
    /** Any other ethertype (LLDP, MPLS, ...): switched by MAC, never routed or address-checked. */
    public static final int OTHER = 3;
    public static final int IPV6 = 4;

    private PacketKind() {
    }
}
