package io.quiver.control.aggr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quiver.configstore.model.MacAddress;
import io.quiver.control.host.Shell;
import io.quiver.control.lab.QemuGuest;
import io.quiver.dataplane.aggr.LacpActor;
import io.quiver.dataplane.aggr.Lacpdu;
import io.quiver.dataplane.capture.PcapFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quiver's LACPDUs against a real Linux bond: a QEMU guest (the Debian kernel; this machine's own kernel has no
 * bonding driver) bonds its two NICs in 802.3ad mode with {@code lacp_rate fast} and {@code layer3+4}, each NIC on a
 * host TAP. What Linux sends on each member is captured with tcpdump and decoded; what Quiver encodes is sent back
 * on a member, and Linux's {@code /proc/net/bonding} must show it as that member's partner; tshark must decode it
 * to the same fields. Needs root, qemu-system-x86, linux-image-amd64, busybox-static, tcpdump, tshark and python3
 * (bin/quiver-test installs them).
 */
class LinuxLacpduTest {
    private static final List<String> TAPS = List.of("qvlacp0", "qvlacp1");
    private static final List<String> GUEST_MACS = List.of("52:54:00:51:00:01", "52:54:00:51:00:02");
    private static final long QUIVER_SYSTEM = 0x0251_5100_0001L;

    @TempDir
    static Path dir;
    static QemuGuest vm;

    @BeforeAll
    static void up() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: TAP devices, packet capture");
        assumeTrue(Shell.available(QemuGuest.QEMU), "qemu-system-x86 is not installed (bin/quiver-test installs it)");
        assumeTrue(Shell.available("busybox") && Shell.available("cpio"), "busybox-static and cpio are not installed");
        assumeTrue(Shell.available("tcpdump") && Shell.available("tshark") && Shell.available("python3"),
                "tcpdump, tshark and python3 are not installed (bin/quiver-test installs them)");
        assumeTrue(Shell.run(List.of("sh", "-c", "ls /boot/vmlinuz-*"), 10).exitCode() == 0,
                "no kernel in /boot (linux-image-amd64; bin/quiver-test installs it)");
        Path guest = QemuGuest.build(dir.resolve("guest"), "192.0.2.51/24");
        vm = QemuGuest.bootOnTaps(guest, TAPS, GUEST_MACS, dir.resolve("vm-console.log"));
        vm.awaitReady(180);
        for (String tap : TAPS) {
            Shell.check("ip", "link", "set", tap, "up");
        }
        String[] bond = {
            "ip address flush dev eth0", "ip link set eth0 down", "ip link set eth1 down",
            "echo 802.3ad > /sys/class/net/bond0/bonding/mode", "echo fast > /sys/class/net/bond0/bonding/lacp_rate",
            "echo layer3+4 > /sys/class/net/bond0/bonding/xmit_hash_policy",
            "echo +eth0 > /sys/class/net/bond0/bonding/slaves", "echo +eth1 > /sys/class/net/bond0/bonding/slaves",
            "ip link set bond0 up"};
        for (String command : bond) {
            QemuGuest.Result r = vm.run(command, 30);
            assertEquals(0, r.exitCode(), command + ": " + r.output());
        }
    }

    @AfterAll
    static void down() throws Exception {
        if (vm != null) {
            vm.close();
        }
    }

    /** LACPDUs Linux sent on {@code tap} within a few seconds (fast rate: one a second). */
    private static List<Lacpdu> captured(String tap, int count) throws Exception {
        Path pcap = dir.resolve(tap + ".pcap");
        Shell.Result r = Shell.run(List.of("timeout", "15", "tcpdump", "-i", tap, "-w", pcap.toString(), "-c",
                Integer.toString(count), "ether", "proto", "0x8809"), 20);
        assertEquals(0, r.exitCode(), "tcpdump on " + tap + ": " + r.output());
        List<Lacpdu> out = new ArrayList<>();
        for (byte[] f : PcapFile.read(pcap)) {
            out.add(Lacpdu.decode(f));
        }
        return out;
    }

    @Test
    void linuxLacpdusDecodeAndLinuxTakesQuiversAsItsPartner() throws Exception {
        long bondMac = MacAddress.parse(vm.run("cat /sys/class/net/bond0/address", 10).output().strip()).bits();
        List<Lacpdu> first = captured(TAPS.get(0), 2);
        List<Lacpdu> second = captured(TAPS.get(1), 2);
        LacpActor a = first.get(0).actor();
        LacpActor b = second.get(0).actor();
        assertEquals(bondMac, a.system(), "the actor's system is the bond's MAC: " + a);
        assertEquals(a.system(), b.system(), "one system on both members");
        assertEquals(a.key(), b.key(), "one aggregation key on both members");
        assertNotEquals(a.port(), b.port(), "each member its own port number");
        assertTrue(a.port() >= 1 && b.port() >= 1, "LACP port numbers start at 1: " + a.port() + ", " + b.port());
        assertTrue(a.has(LacpActor.ACTIVITY) && a.has(LacpActor.SHORT_TIMEOUT) && a.has(LacpActor.AGGREGATION),
                "active, fast rate, aggregatable: " + a.stateNames());
        assertTrue(a.has(LacpActor.DEFAULTED), "no partner heard yet: " + a.stateNames());

        // Quiver as the partner on eth0's link: what Linux reads of it shows in /proc/net/bonding
        int state = LacpActor.ACTIVITY | LacpActor.SHORT_TIMEOUT | LacpActor.AGGREGATION;
        Lacpdu ours = new Lacpdu(new LacpActor(32768, QUIVER_SYSTEM, 77, 255, 5, state), a, 0);
        byte[] frame = ours.encode(QUIVER_SYSTEM);
        for (int k = 0; k < 3; k++) {
            Shell.check(List.of("python3", "-c", "import socket,sys; s=socket.socket(socket.AF_PACKET, socket.SOCK_RAW); "
                    + "s.bind((sys.argv[1], 0)); s.send(bytes.fromhex(sys.argv[2]))", TAPS.get(0), HexFormat.of().formatHex(frame)), 10);
            Thread.sleep(300);
        }
        String bonding = vm.run("cat /proc/net/bonding/bond0", 10).output();
        String eth0 = bonding.substring(bonding.indexOf("Slave Interface: eth0"));
        eth0 = eth0.contains("Slave Interface: eth1") ? eth0.substring(0, eth0.indexOf("Slave Interface: eth1")) : eth0;
        String partner = eth0.substring(eth0.indexOf("details partner lacp pdu:"));
        assertTrue(partner.contains("system mac address: " + MacAddress.format(QUIVER_SYSTEM)), "Linux read Quiver's system: " + eth0);
        assertTrue(partner.contains("oper key: 77"), "and its key: " + partner);
        assertTrue(partner.contains("port number: 5"), "and its port: " + partner);

        // tshark reads the same fields
        Path pcap = dir.resolve("quiver.pcap");
        PcapFile.write(pcap, List.of(frame));
        Shell.Result fields = Shell.run(List.of("tshark", "-r", pcap.toString(), "-T", "fields", "-e", "lacp.actor.sysid",
                "-e", "lacp.actor.key", "-e", "lacp.actor.port", "-e", "lacp.partner.sysid", "-e", "lacp.partner.port"), 60);
        assertEquals(0, fields.exitCode(), fields.output());
        String line = fields.output().lines().filter(l -> l.contains(MacAddress.format(QUIVER_SYSTEM))).findFirst().orElse("");
        assertEquals(List.of(MacAddress.format(QUIVER_SYSTEM), "77", "5", MacAddress.format(bondMac), Integer.toString(a.port())),
                List.of(line.strip().split("\t")), "tshark's view: " + fields.output());
    }
}
