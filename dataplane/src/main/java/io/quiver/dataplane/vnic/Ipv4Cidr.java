package io.quiver.dataplane.vnic;

import io.quiver.dataplane.packet.UdpFrameBuilder;

/** An IPv4 address with its prefix length, e.g. 10.0.0.1/24 (address in host order). */
public record Ipv4Cidr(int address, int prefixLength) {
    public Ipv4Cidr {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length must be 0..32, not " + prefixLength);
        }
    }

    /** Parses {@code a.b.c.d/len}; a bare address is a /32. */
    public static Ipv4Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        try {
            int len = slash < 0 ? 32 : Integer.parseInt(t.substring(slash + 1));
            return new Ipv4Cidr(UdpFrameBuilder.parseIpv4(slash < 0 ? t : t.substring(0, slash)), len);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 CIDR (a.b.c.d/len)", e);
        }
    }

    public int mask() {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    public boolean contains(int ip) {
        return (ip & mask()) == (address & mask());
    }

    @Override
    public String toString() {
        return UdpFrameBuilder.formatIpv4(address) + "/" + prefixLength;
    }
}
