package io.quiver.control.lab;

import io.quiver.control.host.Shell;
import io.quiver.dataplane.guest.GuestServiceAddress;
import io.quiver.dataplane.packet.Ethernet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A lab of virtual network stacks in network namespaces: two tenants that use the same subnets, 10.0.0.0/24 and
 * 10.0.1.0/24, each with a host on each and Quiver as the router between them (VNSes {@code a} and {@code b}); a
 * {@code shared} VNS with one host on 192.168.50.0/24; and an uplink namespace, tenant {@code a}'s next hop to the
 * outside: 192.0.2.1 on the uplink network, with 198.51.100.1 behind it. Tenant {@code a}'s host on 10.0.1.0/24 has a
 * smaller MTU ({@link #SMALL_MTU}), for path MTU discovery. Hosts are on veth + af_packet ports.
 */
public final class VnsLab {
    /** The hosts: name, VNS, address, gateway, MTU. */
    public record Host(String name, String vns, String ip, String gateway, int mtu, int index) {
        public String namespace() {
            return "qv-v" + name;
        }

        public String device() {
            return "qv" + name;
        }

        public String mac() {
            return Ethernet.formatMac(new byte[] {2, 0, 0, 0, 0x0a, (byte) index});
        }
    }

    public static final int SMALL_MTU = 1400;
    public static final String UPLINK_NS = "qv-vup";
    public static final String OUTSIDE_GATEWAY = "192.0.2.1";
    public static final String ROUTER_UPLINK = "192.0.2.10";
    public static final String OUTSIDE_HOST = "198.51.100.1";
    public static final List<Host> HOSTS = List.of(
            new Host("a1", "a", "10.0.0.2", "10.0.0.1", 1500, 1),
            new Host("a2", "a", "10.0.1.2", "10.0.1.1", SMALL_MTU, 2),
            new Host("b1", "b", "10.0.0.2", "10.0.0.1", 1500, 3),
            new Host("b2", "b", "10.0.1.2", "10.0.1.1", 1500, 4),
            new Host("s1", "shared", "192.168.50.2", "192.168.50.1", 1500, 5));

    private final Path dir;

    public VnsLab(Path dir) {
        this.dir = dir;
    }

    public static Host host(String name) {
        return HOSTS.stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
    }

    /** Creates the namespaces and veth pairs and writes the configuration; returns its path. */
    public Path up() throws IOException {
        down();
        for (Host h : HOSTS) {
            NamespaceLab.host(h.namespace(), h.device(), h.mac(), h.ip(), null, h.mtu());
            exec(h.namespace(), "ip", "route", "add", "default", "via", h.gateway());
            exec(h.namespace(), "ip", "route", "add", GuestServiceAddress.ADDRESS + "/32", "dev", h.device());
        }
        NamespaceLab.host(UPLINK_NS, "qvvup", "02:00:00:00:0a:fe", OUTSIDE_GATEWAY, null, 1500);
        exec(UPLINK_NS, "ip", "addr", "add", OUTSIDE_HOST + "/32", "dev", "lo");
        exec(UPLINK_NS, "ip", "route", "add", "10.0.0.0/8", "via", ROUTER_UPLINK);
        Files.createDirectories(dir);
        Path config = dir.resolve("vns-lab.yaml");
        Files.writeString(config, configuration());
        return config;
    }

    private static void exec(String ns, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        Shell.check(cmd.toArray(String[]::new));
    }

    String configuration() {
        StringBuilder y = new StringBuilder("# Written by VnsLab: two tenants with the same subnets, a shared VNS, an uplink network\n");
        y.append("ports:\n  - { name: uplink, devargs: \"net_af_packet0,iface=qvvuph\" }\n");
        int n = 1;
        for (Host h : HOSTS) {
            y.append("  - { name: ").append(h.name()).append(", devargs: \"net_af_packet").append(n++).append(",iface=")
                    .append(h.device()).append("h\", mtu: ").append(h.mtu()).append(" }\n");
        }
        y.append("uplink: { port: uplink }\n");
        y.append("vns:\n");
        y.append("  - name: a\n    properties: { addresses: \"10.0.0.1/24,10.0.1.1/24\", uplink-address: \"").append(ROUTER_UPLINK)
                .append("/24\", neighbour-reachable: \"2\" }\n    routes: [\"").append(OUTSIDE_HOST).append("/32 via ")
                .append(OUTSIDE_GATEWAY).append("\"]\n");
        y.append("  - name: b\n    properties: { addresses: \"10.0.0.1/24,10.0.1.1/24\" }\n");
        y.append("  - name: shared\n    properties: { addresses: \"192.168.50.1/24\" }\n");
        y.append("vnics:\n");
        for (Host h : HOSTS) {
            y.append("  - { name: ").append(h.name()).append(", mac: \"").append(h.mac()).append("\", ipv4: [\"").append(h.ip())
                    .append("/24\"], port: ").append(h.name()).append(", mtu: ").append(h.mtu())
                    .append(", properties: { vns: ").append(h.vns()).append(" } }\n");
        }
        return y.toString();
    }

    /** Removes every namespace the lab made (their veths go with them). */
    public static void down() {
        for (Host h : HOSTS) {
            NamespaceLab.remove(h.namespace(), h.device() + "h");
        }
        NamespaceLab.remove(UPLINK_NS, "qvvuph");
    }
}
