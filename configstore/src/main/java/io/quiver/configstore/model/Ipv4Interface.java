package io.quiver.configstore.model;

/** An address assigned to a VNIC with the prefix length of its subnet, e.g. {@code 10.0.0.5/24}. */
public record Ipv4Interface(Ipv4Address address, int prefixLength) {
    public Ipv4Interface {
        if (prefixLength < 1 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not in 1..32");
        }
    }

    static Ipv4Interface decode(long encoded) {
        return new Ipv4Interface(new Ipv4Address((int) (encoded >>> 6)), (int) (encoded & 63));
    }

    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }
}
