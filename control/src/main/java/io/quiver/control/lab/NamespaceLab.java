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
 * A lab of network namespaces joined to Quiver: guests {@code qv-g1..N} and an uplink host {@code qv-up}, each
 * with a veth pair whose root-side end Quiver drives as a {@code net_af_packet} port, all in one IPv4 subnet;
 * plus the Quiver configuration that gives every guest its VNIC. Needs root and iproute2.
 *
 * <p>Offloads are turned off on every veth end: a veth hands over TCP/UDP with checksums left for hardware to fill
 * and TSO super-frames, which a packet socket would pass on as they are. IPv6 is off in the namespaces so the only
 * traffic is what a test sends (and ARP), unless the lab is made {@link #withIpv6()}: every host then also has
 * {@code fd77::i/64} and its link-local address. {@link #withMtu} gives a guest (its veth, port and VNIC) another MTU.
 */
public final class NamespaceLab {
    public static final String SUBNET = "10.77.0.";
    public static final String UPLINK_NS = "qv-up";
    public static final String UPLINK_IP = SUBNET + "254";
    public static final String UPLINK_MAC = "02:00:00:00:ff:fe";
    public static final String SUBNET6 = "fd77::";

    private final int guests;
    private final String mode;
    private final Path dir;
    private boolean ipv6;
    private boolean tapLinks;
    private final java.util.Map<Integer, Integer> mtus = new java.util.TreeMap<>();

    /**
     * @param guests how many guest namespaces
     * @param mode   "shared" or "dedicated" threading for the generated configuration
     * @param dir    where the generated configuration goes
     */
    public NamespaceLab(int guests, String mode, Path dir) {
        if (guests < 1 || guests > 50) {
            throw new IllegalArgumentException("a lab has 1..50 guests, not " + guests);
        }
        this.guests = guests;
        this.mode = mode;
        this.dir = dir;
    }

    /** Every host gets an IPv6 address too ({@link #guestIp6}), and its VNIC the same. */
    public NamespaceLab withIpv6() {
        ipv6 = true;
        return this;
    }

    /**
     * The guests are attached as containers are: each VNIC names a TAP and its guest's namespace, and Quiver makes the
     * TAP, moves it there and gives it the VNIC's MAC, MTU and addresses (no veth, no af_packet port).
     */
    public NamespaceLab withTapLinks() {
        tapLinks = true;
        return this;
    }

    /** Guest {@code i}'s link, port and VNIC get MTU {@code mtu} (1500 otherwise). */
    public NamespaceLab withMtu(int i, int mtu) {
        mtus.put(i, mtu);
        return this;
    }

    public static String guestIp6(int i) {
        return SUBNET6 + Integer.toHexString(i);
    }

    public static String guestNamespace(int i) {
        return "qv-g" + i;
    }

    public static String guestIp(int i) {
        return SUBNET + i;
    }

    public static String guestMac(int i) {
        return Ethernet.formatMac(new byte[] {2, 0, 0, 0, 0, (byte) i});
    }

    /** A second MAC guest i's VNIC accepts (registered in the generated configuration for the even guests). */
    public static String secondaryMac(int i) {
        return Ethernet.formatMac(new byte[] {2, 0, 0, 0, 1, (byte) i});
    }

    /** Creates the namespaces and veth pairs and writes the configuration; returns its path. */
    public Path up() throws IOException {
        down(guests);
        for (int i = 1; i <= guests; i++) {
            if (tapLinks) { // Quiver brings the link, its addresses and the service route
                namespace(guestNamespace(i), ipv6);
                continue;
            }
            host(guestNamespace(i), "qvg" + i, guestMac(i), guestIp(i), ipv6 ? guestIp6(i) : null, mtus.getOrDefault(i, 1500));
            // the configuration service answers on the link itself (Quiver answers its ARP), like a metadata address
            Shell.check("ip", "netns", "exec", guestNamespace(i), "ip", "route", "add", GuestServiceAddress.ADDRESS + "/32", "dev", "qvg" + i);
        }
        host(UPLINK_NS, "qvup", UPLINK_MAC, UPLINK_IP, ipv6 ? SUBNET6 + "fe" : null, 1500);
        Files.createDirectories(dir);
        Path config = dir.resolve("lab.yaml");
        Files.writeString(config, configuration());
        return config;
    }

    /** A namespace with loopback up, IPv6 on or off. */
    private static void namespace(String ns, boolean ipv6) {
        String v6off = ipv6 ? "0" : "1";
        Shell.check("ip", "netns", "add", ns);
        Shell.check("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=" + v6off);
        Shell.check("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=" + v6off);
        Shell.check("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
    }

    /** A namespace with one end of a veth pair as {@code dev} (MAC, {@code ip}/24, optional IPv6, MTU), the other end up here. */
    static void host(String ns, String dev, String mac, String ip, String ip6, int mtu) {
        String hostEnd = dev + "h";
        namespace(ns, ip6 != null);
        Shell.check("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", dev, "netns", ns);
        Shell.check("ip", "netns", "exec", ns, "ip", "link", "set", dev, "address", mac);
        Shell.check("ip", "netns", "exec", ns, "ip", "link", "set", dev, "mtu", Integer.toString(mtu));
        Shell.check("ip", "link", "set", hostEnd, "mtu", Integer.toString(mtu));
        Shell.check("ip", "netns", "exec", ns, "ip", "addr", "add", ip + "/24", "dev", dev);
        if (ip6 != null) {
            Shell.check("ip", "netns", "exec", ns, "ip", "-6", "addr", "add", ip6 + "/64", "dev", dev);
        }
        Shell.check("sysctl", "-qw", "net.ipv6.conf." + hostEnd + ".disable_ipv6=1");
        for (String[] end : new String[][] {{ns, dev}, {null, hostEnd}}) {
            List<String> cmd = new ArrayList<>();
            if (end[0] != null) {
                cmd.addAll(List.of("ip", "netns", "exec", end[0]));
            }
            cmd.addAll(List.of("ethtool", "-K", end[1], "tx", "off", "rx", "off", "tso", "off", "gso", "off", "gro", "off"));
            Shell.Result r = Shell.run(cmd, 10);
            if (r.exitCode() != 0 && !r.output().contains("Could not change any device features")) {
                throw new IllegalStateException(String.join(" ", cmd) + ": " + r.output().strip());
            }
        }
        Shell.check("ip", "netns", "exec", ns, "ip", "link", "set", dev, "up");
        Shell.check("ip", "link", "set", hostEnd, "up");
    }

    String configuration() {
        int lcores = "dedicated".equals(mode) ? 2 : 1;
        StringBuilder y = new StringBuilder();
        y.append("# Written by 'quiver lab up': ").append(guests).append(" guest namespace(s) and an uplink namespace, ")
                .append(tapLinks ? "guests on TAPs Quiver makes, the uplink on veth + af_packet\n" : "veth + af_packet\n");
        y.append("ports:\n");
        y.append("  - { name: uplink, devargs: \"net_af_packet0,iface=qvuph,qpairs=").append(lcores).append("\" }\n");
        for (int i = 1; !tapLinks && i <= guests; i++) {
            y.append("  - { name: g").append(i).append(", devargs: \"net_af_packet").append(i).append(",iface=qvg").append(i)
                    .append("h,qpairs=").append(lcores).append("\", mtu: ").append(mtus.getOrDefault(i, 1500)).append(" }\n");
        }
        y.append("uplink: { port: uplink }\n");
        y.append("datapath: { mode: ").append(mode).append(" }\n");
        y.append("vnics:\n");
        for (int i = 1; i <= guests; i++) {
            y.append("  - { name: g").append(i).append(", mac: \"").append(guestMac(i)).append("\", ipv4: [\"").append(guestIp(i))
                    .append("/24\"], ").append(tapLinks ? "tap: { name: qvg" + i + ", namespace: " + guestNamespace(i) + " }" : "port: g" + i);
            if (i % 2 == 0) {
                y.append(", secondaryMacs: [\"").append(secondaryMac(i)).append("\"]");
            }
            if (ipv6) {
                y.append(", ipv6: [\"").append(guestIp6(i)).append("/64\"]");
            }
            if (mtus.containsKey(i)) {
                y.append(", mtu: ").append(mtus.get(i));
            }
            y.append(" }\n");
        }
        return y.toString();
    }

    /** Removes every namespace a lab of up to {@code guests} guests made (their veths go with them). */
    public static void down(int guests) {
        for (int i = 1; i <= Math.max(guests, 50); i++) {
            remove(guestNamespace(i), "qvg" + i + "h");
        }
        remove(UPLINK_NS, "qvuph");
    }

    /** A process still running in a namespace keeps it (and its veth) alive after 'ip netns del': end them first. */
    static void remove(String ns, String hostEnd) {
        Shell.Result pids = Shell.run(List.of("ip", "netns", "pids", ns), 10);
        if (pids.exitCode() == 0) {
            pids.output().lines().map(String::strip).filter(p -> p.matches("\\d+")).forEach(p -> Shell.quietly("kill", "-9", p));
            Shell.quietly("ip", "netns", "del", ns);
        }
        Shell.quietly("ip", "link", "del", hostEnd);
    }

    /** Waits until every IPv6 address in namespace {@code ns} has finished duplicate address detection. */
    public static boolean awaitIpv6Ready(String ns, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (exec(ns, 10, "ip", "-6", "addr", "show", "tentative").output().isBlank()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** Waits until something in namespace {@code ns} listens on UDP {@code port}; false after {@code seconds}. */
    public static boolean awaitUdpListener(String ns, int port, long seconds) throws InterruptedException {
        return awaitListener(ns, "-Hulnp", port, seconds);
    }

    /** Waits until something in namespace {@code ns} listens on TCP {@code port}; false after {@code seconds}. */
    public static boolean awaitTcpListener(String ns, int port, long seconds) throws InterruptedException {
        return awaitListener(ns, "-Htlnp", port, seconds);
    }

    private static boolean awaitListener(String ns, String ssFlags, int port, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (exec(ns, 10, "ss", ssFlags).output().contains(":" + port + " ")) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** Runs a command inside a namespace. */
    public static Shell.Result exec(String ns, long timeoutSeconds, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        return Shell.run(cmd, timeoutSeconds);
    }
}
