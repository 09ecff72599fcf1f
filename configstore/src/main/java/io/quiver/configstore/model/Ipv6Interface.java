package io.quiver.configstore.model;

/** An IPv6 address assigned to a VNIC with the prefix length of its subnet, e.g. {@code 2001:db8::5/64}. */
public record Ipv6Interface(Ipv6Address address, int prefixLength) {
    public Ipv6Interface {
        if (prefixLength < 1 || prefixLength > 128) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not in 1..128");
        }
    }

    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }
}
