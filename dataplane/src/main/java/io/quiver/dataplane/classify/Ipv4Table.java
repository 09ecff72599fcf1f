package io.quiver.dataplane.classify;

import io.quiver.dataplane.packet.UdpFrameBuilder;

/**
 * (VNS, IPv4 address) -> owning VNIC index: the key is the VNS index above the address, so two VNSes may each have a
 * VNIC with the same address.
 */
public final class Ipv4Table extends VnicIndexTable {
    public Ipv4Table(int expected) {
        super(expected);
    }

    private Ipv4Table(Ipv4Table from) {
        super(from);
    }

    static long key(int vns, int ip) {
        return (long) vns << 32 | Integer.toUnsignedLong(ip);
    }

    /** A copy to change while the lcores keep reading this one. */
    public Ipv4Table copy() {
        return new Ipv4Table(this);
    }

    /** Adds a mapping; an address already held by another VNIC of the same VNS is refused. */
    public void put(int vns, int ip, int vnic) {
        if (insert(key(vns, ip), vnic) >= 0) {
            throw new IllegalArgumentException("IPv4 " + UdpFrameBuilder.formatIpv4(ip) + " is already used by another VNIC"
                    + " of the same VNS");
        }
    }

    /** Removes {@code ip} of {@code vns} if it names {@code vnic}. */
    public void remove(int vns, int ip, int vnic) {
        delete(key(vns, ip), vnic);
    }

    /** The VNIC of {@code vns} that owns {@code ip}, or -1 (-1 too for {@code vns} -1, no VNS). */
    public int get(int vns, int ip) {
        return vns < 0 ? -1 : lookup(key(vns, ip));
    }
}
