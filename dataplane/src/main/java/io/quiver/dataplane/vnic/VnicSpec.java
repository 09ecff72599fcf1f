package io.quiver.dataplane.vnic;

import io.quiver.dataplane.packet.Ethernet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a VNIC is: its name, primary MAC, guest-registered secondary MACs, IPv4 addresses, optional VLAN, and the
 * port its guest is attached by (a TAP, an af_packet veth end, a vhost-user or memif socket: any ethdev).
 *
 * <p>Immutable, and checked and parsed once, at construction: the datapath rebuilds its tables from every VNIC's
 * spec on each change, so the numeric forms are kept beside the text (not a record for that reason).
 */
public final class VnicSpec {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,32}");

    private final String name;
    private final String mac;
    private final List<String> secondaryMacs;
    private final List<String> ipv4;
    private final int vlan;
    private final String port;
    private final long primaryMacValue;
    private final long[] secondaryMacValues;
    private final List<Ipv4Cidr> addresses;

    /** @param vlan 0 for none, else 1..4094 */
    public VnicSpec(String name, String mac, List<String> secondaryMacs, List<String> ipv4, int vlan, String port) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(port, "port");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("VNIC name '" + name + "' must be 1-32 letters, digits, '.', '_' or '-'");
        }
        if (vlan < 0 || vlan > 4094) {
            throw new IllegalArgumentException("VNIC " + name + ": VLAN must be 1..4094 (or 0 for none), not " + vlan);
        }
        this.name = name;
        this.mac = mac;
        this.secondaryMacs = List.copyOf(secondaryMacs == null ? List.of() : secondaryMacs);
        this.ipv4 = List.copyOf(ipv4 == null ? List.of() : ipv4);
        this.vlan = vlan;
        this.port = port;
        this.primaryMacValue = unicast(name, mac);
        this.secondaryMacValues = new long[this.secondaryMacs.size()];
        for (int i = 0; i < secondaryMacValues.length; i++) {
            secondaryMacValues[i] = unicast(name, this.secondaryMacs.get(i));
        }
        this.addresses = this.ipv4.stream().map(Ipv4Cidr::parse).toList();
    }

    private static long unicast(String vnic, String mac) {
        byte[] b = Ethernet.parseMac(mac);
        if ((b[0] & 1) != 0) {
            throw new IllegalArgumentException("VNIC " + vnic + ": " + mac + " is a multicast MAC; a VNIC needs a unicast one");
        }
        long value = Ethernet.macToLong(b);
        if (value == 0) {
            throw new IllegalArgumentException("VNIC " + vnic + ": the all-zero MAC is not a VNIC address");
        }
        return value;
    }

    public String name() {
        return name;
    }

    public String mac() {
        return mac;
    }

    public List<String> secondaryMacs() {
        return secondaryMacs;
    }

    public List<String> ipv4() {
        return ipv4;
    }

    public int vlan() {
        return vlan;
    }

    public String port() {
        return port;
    }

    public long primaryMac() {
        return primaryMacValue;
    }

    /** Every MAC the VNIC receives and may send with: the primary first, then the secondary ones. */
    public long[] macValues() {
        long[] all = new long[1 + secondaryMacValues.length];
        all[0] = primaryMacValue;
        System.arraycopy(secondaryMacValues, 0, all, 1, secondaryMacValues.length);
        return all;
    }

    public List<Ipv4Cidr> addresses() {
        return addresses;
    }

    public VnicSpec withSecondaryMac(String added) {
        var macs = new java.util.ArrayList<>(secondaryMacs);
        macs.add(added);
        return new VnicSpec(name, mac, macs, ipv4, vlan, port);
    }

    public VnicSpec withMac(String newMac) {
        return new VnicSpec(name, newMac, secondaryMacs, ipv4, vlan, port);
    }

    public VnicSpec withIpv4(List<String> addresses) {
        return new VnicSpec(name, mac, secondaryMacs, addresses, vlan, port);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VnicSpec v && vlan == v.vlan && name.equals(v.name) && mac.equals(v.mac)
                && secondaryMacs.equals(v.secondaryMacs) && ipv4.equals(v.ipv4) && port.equals(v.port);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, mac, secondaryMacs, ipv4, vlan, port);
    }

    @Override
    public String toString() {
        return "VnicSpec[name=" + name + ", mac=" + mac + ", secondaryMacs=" + secondaryMacs + ", ipv4=" + ipv4 + ", vlan=" + vlan
                + ", port=" + port + "]";
    }
}
