package io.quiver.dataplane.vnic;

import io.quiver.dataplane.packet.Ethernet;
import java.util.List;
import java.util.Objects;

/**
 * What a VNIC is: its name, primary MAC, guest-registered secondary MACs, IPv4 addresses, optional VLAN, and the
 * port its guest is attached by (a TAP, an af_packet veth end, a vhost-user or memif socket: any ethdev).
 *
 * @param vlan 0 for none, else 1..4094
 */
public record VnicSpec(String name, String mac, List<String> secondaryMacs, List<String> ipv4, int vlan, String port) {
    public VnicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(port, "port");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("VNIC name '" + name + "' must be 1-32 letters, digits, '.', '_' or '-'");
        }
        secondaryMacs = List.copyOf(secondaryMacs == null ? List.of() : secondaryMacs);
        ipv4 = List.copyOf(ipv4 == null ? List.of() : ipv4);
        if (vlan < 0 || vlan > 4094) {
            throw new IllegalArgumentException("VNIC " + name + ": VLAN must be 1..4094 (or 0 for none), not " + vlan);
        }
        checkUnicast(name, mac);
        secondaryMacs.forEach(m -> checkUnicast(name, m));
        ipv4.forEach(Ipv4Cidr::parse);
    }

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,32}");

    private static void checkUnicast(String vnic, String mac) {
        byte[] b = Ethernet.parseMac(mac);
        if ((b[0] & 1) != 0) {
            throw new IllegalArgumentException("VNIC " + vnic + ": " + mac + " is a multicast MAC; a VNIC needs a unicast one");
        }
        if (Ethernet.macToLong(b) == 0) {
            throw new IllegalArgumentException("VNIC " + vnic + ": the all-zero MAC is not a VNIC address");
        }
    }

    public long primaryMac() {
        return Ethernet.macToLong(Ethernet.parseMac(mac));
    }

    public long[] secondaryMacValues() {
        return secondaryMacs.stream().map(Ethernet::parseMac).mapToLong(Ethernet::macToLong).toArray();
    }

    public List<Ipv4Cidr> addresses() {
        return ipv4.stream().map(Ipv4Cidr::parse).toList();
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
}
