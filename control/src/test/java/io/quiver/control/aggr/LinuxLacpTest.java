package io.quiver.control.aggr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quiver.configstore.model.MacAddress;
import io.quiver.control.host.Shell;
import io.quiver.control.lab.QemuGuest;
import io.quiver.dataplane.aggr.LacpActor;
import io.quiver.dataplane.aggr.LacpPort;
import io.quiver.dataplane.aggr.LacpSelection;
import io.quiver.dataplane.aggr.Lacpdu;
import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.port.FramePort;
import io.quiver.dataplane.port.Port;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.runtime.DpdkRuntime;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dpdk.EthDev;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quiver's LACP against a real Linux bond: a QEMU guest (the Debian kernel; this machine's own kernel has no bonding
 * driver) bonds its two NICs in 802.3ad mode with {@code lacp_rate fast} and {@code layer3+4}, each NIC on a host TAP.
 * <ol>
 *   <li>What Linux sends on each member is captured with tcpdump and decoded; what Quiver encodes is sent back on a
 *   member, and Linux's {@code /proc/net/bonding} must show it as that member's partner; tshark must decode it to the
 *   same fields.</li>
 *   <li>Quiver's LACP machines ({@link LacpPort}) on DPDK af_packet ports on the TAPs and Linux bring both members to
 *   collecting and distributing, on both ends.</li>
 *   <li>A member whose partner goes silent (its NIC down inside the guest, the host's TAP still up) leaves within the
 *   3 s short timeout, and the other member carries on; a member Linux releases from its bond leaves on its last
 *   LACPDU.</li>
 * </ol>
 * Needs root, qemu-system-x86, linux-image-amd64, busybox-static, tcpdump, tshark and python3 (bin/quiver-test
 * installs them).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LinuxLacpTest {
    private static final List<String> TAPS = List.of("qvlacp0", "qvlacp1");
    private static final List<String> GUEST_MACS = List.of("52:54:00:51:00:01", "52:54:00:51:00:02");
    private static final long QUIVER_SYSTEM = 0x0251_5100_0001L;

    @TempDir
    static Path dir;
    static QemuGuest vm;
    static DpdkRuntime runtime;
    static QuiverLacp lacp;

    @BeforeAll
    static void up() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: TAP devices, packet capture");
        assumeTrue(QemuGuest.unavailable() == null, QemuGuest.unavailable());
        assumeTrue(Shell.available("tcpdump") && Shell.available("tshark") && Shell.available("python3"),
                "tcpdump, tshark and python3 are not installed (bin/quiver-test installs them)");
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
        if (lacp != null) {
            lacp.close();
        }
        if (runtime != null) {
            runtime.close();
        }
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
    @Order(1)
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

    /** Quiver's side: one {@link LacpPort} per TAP on an af_packet port, run every 10 ms on a thread of its own. */
    static final class QuiverLacp implements AutoCloseable {
        final List<LacpPort> ports = new ArrayList<>();
        private final List<FramePort> members = new ArrayList<>();
        private final List<Long> macs = new ArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;
        volatile String failure;

        QuiverLacp(DpdkRuntime runtime) {
            for (int k = 0; k < TAPS.size(); k++) {
                Port p = runtime.port("m" + k);
                members.add(new FramePort(p, runtime.pool(), runtime.arena(), 32, 256));
                macs.add(Ethernet.bitsOf(Ethernet.macToLong(EthDev.macAddress(p.id()))));
                ports.add(new LacpPort(32768, QUIVER_SYSTEM, 77, 255, k + 1, true, true));
            }
            thread = Thread.ofPlatform().name("quiver-lacp").start(this::run);
        }

        private void run() {
            try {
                while (running) {
                    long now = System.nanoTime();
                    for (int k = 0; k < members.size(); k++) {
                        LacpPort port = ports.get(k);
                        members.get(k).receive((head, length) -> {
                            if (length >= Lacpdu.FRAME_LENGTH - 50 && (head[12] & 0xFF) == 0x88 && (head[13] & 0xFF) == 0x09 && head[14] == 1) {
                                port.receive(Lacpdu.decode(java.util.Arrays.copyOf(head, Math.min(length, head.length))), now);
                            }
                        });
                    }
                    synchronized (this) {
                        LacpSelection.select(ports);
                        for (int k = 0; k < members.size(); k++) {
                            Lacpdu pdu = ports.get(k).tick(now);
                            if (pdu != null) {
                                members.get(k).stage(pdu.encode(macs.get(k)), -1, 0, 0);
                                members.get(k).send();
                            }
                        }
                    }
                    Thread.sleep(10);
                }
            } catch (Exception | Error e) {
                failure = e.toString();
            }
        }

        synchronized long lastHeard(int k) {
            return ports.get(k).lastHeard();
        }

        synchronized boolean carrying(int k) {
            return ports.get(k).collectingAndDistributing();
        }

        synchronized String describe() {
            StringBuilder s = new StringBuilder();
            for (LacpPort p : ports) {
                s.append(p.actor()).append(" <- ").append(p.partner()).append("; ");
            }
            return s.toString();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5000);
        }
    }

    /** Linux's view of slave {@code eth}: its section of /proc/net/bonding/bond0. */
    private static String slave(String eth) throws Exception {
        String bonding = vm.run("cat /proc/net/bonding/bond0", 10).output();
        int at = bonding.indexOf("Slave Interface: " + eth);
        if (at < 0) {
            return "";
        }
        int next = bonding.indexOf("Slave Interface:", at + 10);
        return next < 0 ? bonding.substring(at) : bonding.substring(at, next);
    }

    /** Whether Linux's member and its partner both say in sync, collecting and distributing (with fast timers). */
    private static boolean bothAt63(String eth) {
        int actor = eth.indexOf("details actor lacp pdu:");
        int partner = eth.indexOf("details partner lacp pdu:");
        return actor >= 0 && partner > actor && eth.substring(actor, partner).contains("port state: 63")
                && eth.substring(partner).contains("port state: 63");
    }

    @Test
    @Order(2)
    void quiversLacpAndLinuxBringBothMembersToCollectingAndDistributing() throws Exception {
        var config = new RuntimeConfig(EalOptions.virtualDefaults().withFilePrefix("quiver-lacp-" + ProcessHandle.current().pid()),
                4095, 0, 32, List.of(PortConfig.of("m0", "net_af_packet70,iface=" + TAPS.get(0)),
                        PortConfig.of("m1", "net_af_packet71,iface=" + TAPS.get(1))));
        runtime = DpdkRuntime.start(config, 1, 0);
        lacp = new QuiverLacp(runtime);
        long bondMac = MacAddress.parse(vm.run("cat /sys/class/net/bond0/address", 10).output().strip()).bits();
        long deadline = System.nanoTime() + 30_000_000_000L;
        String eth0 = "";
        String eth1 = "";
        while (System.nanoTime() < deadline) {
            eth0 = slave("eth0");
            eth1 = slave("eth1");
            if (lacp.carrying(0) && lacp.carrying(1) && bothAt63(eth0) && bothAt63(eth1)) {
                break;
            }
            Thread.sleep(500);
        }
        assertEquals(null, lacp.failure);
        assertTrue(lacp.carrying(0) && lacp.carrying(1), "Quiver's members collecting and distributing: " + lacp.describe());
        assertEquals(bondMac, lacp.ports.get(0).partner().system(), "their partner is the bond");
        for (String eth : List.of(eth0, eth1)) {
            String actor = eth.substring(eth.indexOf("details actor lacp pdu:"), eth.indexOf("details partner lacp pdu:"));
            String partner = eth.substring(eth.indexOf("details partner lacp pdu:"));
            assertTrue(actor.contains("port state: 63"), "Linux's member in sync, collecting, distributing: " + eth);
            assertTrue(partner.contains("system mac address: " + MacAddress.format(QUIVER_SYSTEM)) && partner.contains("oper key: 77")
                    && partner.contains("port state: 63"), "and Quiver is its partner, the same: " + eth);
        }
        String bonding = vm.run("cat /proc/net/bonding/bond0", 10).output();
        assertTrue(bonding.contains("Number of ports: 2"), "one aggregator of both members: " + bonding);
    }

    /** Seconds from {@code since} until {@code done} holds, polled every 20 ms for at most 10 s. */
    private static double secondsUntil(java.util.function.BooleanSupplier done, long since) throws InterruptedException {
        while (!done.getAsBoolean() && System.nanoTime() - since < 10_000_000_000L) {
            Thread.sleep(20);
        }
        return (System.nanoTime() - since) / 1e9;
    }

    @Test
    @Order(3)
    void aMemberWhosePartnerGoesSilentLeavesWithinTheShortTimeout() throws Exception {
        assumeTrue(lacp != null && lacp.carrying(1), "needs the aggregation the test before formed");
        // eth1 down inside the guest: its LACPDUs stop without a last word, and the host's TAP stays up
        QemuGuest.Result down = vm.run("ip link set eth1 down", 10);
        long downAt = System.nanoTime();
        assertEquals(0, down.exitCode(), down.output());
        double seconds = secondsUntil(() -> !lacp.carrying(1), downAt);
        long leftAt = System.nanoTime();
        // timed from Linux's last LACPDU, which the guest's slow console cannot blur: the 3 s short timeout, plus
        // the 10 ms clock and this test's 20 ms polling
        double afterLast = (leftAt - lacp.lastHeard(1)) / 1e9;
        assertTrue(!lacp.carrying(1) && afterLast >= 2.9 && afterLast <= 3.2, "member 2 left " + afterLast
                + " s after Linux's last LACPDU on it (" + seconds + " s after the link went down): " + lacp.describe());
        assertTrue(lacp.carrying(0), "member 1 carries on: " + lacp.describe());
        System.out.printf("LACP short timeout: member 2 left %.2f s after Linux's last LACPDU, %.2f s after its NIC went down%n",
                afterLast, seconds);

        // released from the bond, a member says so in a last LACPDU: Quiver takes it out at once
        assertEquals(0, vm.run("ip link set eth1 up", 10).exitCode());
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!lacp.carrying(1) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(lacp.carrying(1), "eth1 up again: member 2 back: " + lacp.describe());
        QemuGuest.Result released = vm.run("echo -eth1 > /sys/class/net/bond0/bonding/slaves", 10);
        long releasedAt = System.nanoTime();
        assertEquals(0, released.exitCode(), released.output());
        double afterRelease = secondsUntil(() -> !lacp.carrying(1), releasedAt);
        assertTrue(!lacp.carrying(1) && afterRelease <= 3.6, "released: member 2 left after " + afterRelease + " s");
        System.out.printf("LACP release: member 2 left %.2f s after Linux released it%n", afterRelease);
    }
}
