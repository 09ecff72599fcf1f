package io.quiver.dataplane.classify;

import io.quiver.dataplane.packet.UdpFrameBuilder;

/** IPv4 address -> owning VNIC index: the key is the address as an unsigned value. */
public final class Ipv4Table extends VnicIndexTable {
    public Ipv4Table(int expected) {
        super(expected);
    }

    private Ipv4Table(Ipv4Table from) {
        super(from);
    }

    static long key(int ip) {
        return Integer.toUnsignedLong(ip);
    }

    /** A copy to change while the lcores keep reading this one. */
    public Ipv4Table copy() {
        return new Ipv4Table(this);
    }

    /** Adds a mapping; an address already held by another VNIC is refused. */
    public void put(int ip, int vnic) {
        if (insert(key(ip), vnic) >= 0) {
            throw new IllegalArgumentException("IPv4 " + UdpFrameBuilder.formatIpv4(ip) + " is already used by another VNIC");
        }
    }

    /** Removes {@code ip} if it names {@code vnic}. */
    public void remove(int ip, int vnic) {
        delete(key(ip), vnic);
    }

    /** The owning VNIC index, or -1. */
    public int get(int ip) {
        return lookup(key(ip));
    }
}
