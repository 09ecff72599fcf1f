package io.quiver.control.lab;

import io.quiver.control.host.Shell;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quiver.control.daemon.QuiverProcess;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Real Linux traffic through Quiver: three guest namespaces and an uplink namespace on veth + af_packet ports (or
 * the guests on TAPs Quiver makes), the daemon running the lab's configuration. Needs root, iproute2, ethtool, iputils-ping, iperf3, socat and
 * python3-scapy (bin/quiver-test installs them); skips, saying why, without them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class LabEndToEndTest {
    static final String SCAPY = "/usr/bin/python3";
    static QuiverProcess quiver;
    static String totals;

    static void startLab(String mode, Path dir) throws Exception {
        startLab(new NamespaceLab(3, mode, dir), dir);
    }

    static void startLab(NamespaceLab lab, Path dir) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: namespaces, veth pairs and DPDK's runtime folder");
        for (String tool : new String[] {"ip", "ethtool", "ping", "iperf3", "socat"}) {
            assumeTrue(Shell.available(tool), tool + " is not installed (bin/quiver-test installs it)");
        }
        assumeTrue(Shell.run(java.util.List.of(SCAPY, "-c", "import scapy.all"), 30).exitCode() == 0, "python3-scapy is not installed");
        Path config = lab.up();
        quiver = QuiverProcess.start("run", "--config", config.toString(), "--file-prefix", "quiver-lab-" + ProcessHandle.current().pid(),
                "--state-dir", dir.resolve("state").toString(), "--api", "127.0.0.1:0");
        quiver.awaitOutput("quiver: running", 30);
    }

    @AfterAll
    static void stopLab() throws Exception {
        if (quiver != null) {
            quiver.stop();
            quiver = null;
        }
        NamespaceLab.down(3);
    }

    /** Ends a socat listener (known to be bound) half a second after the last datagram was sent. */
    static void stopListener(Thread listener, String socatAddress) throws InterruptedException {
        Thread.sleep(500);
        Shell.quietly("pkill", "-f", socatAddress);
        listener.join();
    }

    static Shell.Result in(String ns, String... command) {
        return NamespaceLab.exec(ns, 60, command);
    }

    /** Stops Quiver and returns its final totals (its counters with nothing running any more). */
    static String stopAndReadTotals() throws Exception {
        if (totals == null) {
            quiver.signal("TERM");
            assertEquals(0, quiver.waitFor(), quiver.stderr());
            totals = quiver.stdout();
        }
        return totals;
    }

    static long vnicCounter(String out, String vnic, String what) {
        return LabCounters.vnic(out, vnic, what);
    }

    @Test
    @Order(1)
    void guestsPingEachOtherAndTheUplinkAfterArp() {
        Shell.Result r = in("qv-g1", "ping", "-c", "3", "-W", "2", NamespaceLab.guestIp(2));
        assertEquals(0, r.exitCode(), r.output());
        r = in("qv-g2", "ping", "-c", "3", "-W", "2", NamespaceLab.UPLINK_IP);
        assertEquals(0, r.exitCode(), r.output());
        String neigh = in("qv-g1", "ip", "neigh", "show", NamespaceLab.guestIp(2)).output();
        assertTrue(neigh.contains(NamespaceLab.guestMac(2)), "ARP resolved g2's MAC: " + neigh);
    }

    @Test
    @Order(2)
    void udpDatagramsArriveExactlyOnce() throws Exception {
        Shell.Result listener;
        final Shell.Result[] got = new Shell.Result[1];
        Thread t = new Thread(() -> got[0] = in("qv-g2", "timeout", "15", "socat", "-u", "UDP-RECV:5000", "STDOUT"));
        t.start();
        assertTrue(NamespaceLab.awaitUdpListener("qv-g2", 5000, 10), "socat listens");
        for (int i = 0; i < 20; i++) {
            listener = in("qv-g1", "sh", "-c", "echo datagram-" + i + " | socat -u STDIN UDP-SENDTO:" + NamespaceLab.guestIp(2) + ":5000");
            assertEquals(0, listener.exitCode(), listener.output());
        }
        stopListener(t, "UDP-RECV:5000");
        long received = got[0].output().lines().filter(l -> l.startsWith("datagram-")).count();
        assertEquals(20, received, got[0].output());
    }

    @Test
    @Order(3)
    void tcpFlowsToTheUplink() throws Exception {
        Thread server = new Thread(() -> in("qv-up", "timeout", "25", "iperf3", "-s", "-1"));
        server.start();
        assertTrue(NamespaceLab.awaitTcpListener("qv-up", 5201, 10), "iperf3 listens");
        Shell.Result client = in("qv-g3", "timeout", "20", "iperf3", "-c", NamespaceLab.UPLINK_IP, "-t", "2", "-J");
        assertEquals(0, client.exitCode(), client.output());
        Matcher m = Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*\"bytes\"\\s*:\\s*(\\d+)").matcher(client.output());
        assertTrue(m.find(), client.output());
        assertTrue(Long.parseLong(m.group(1)) > 1_000_000, "TCP moved data: " + m.group(1) + " bytes");
        server.join();
    }

    @Test
    @Order(4)
    void aRegisteredSecondaryMacReachesItsVnicAndMaySend() throws Exception {
        String secondary = NamespaceLab.secondaryMac(2);
        final Shell.Result[] sniffed = new Shell.Result[1];
        java.nio.file.Path ready = java.nio.file.Files.createTempFile("quiver-sniff", ".ready");
        java.nio.file.Files.delete(ready);
        ready.toFile().deleteOnExit(); // the sniffer creates it again when it starts
        Thread sniffer = new Thread(() -> sniffed[0] = in("qv-g2", SCAPY, "-c",
                "from scapy.all import *\np = sniff(iface='qvg2', filter='udp port 5003', count=3, timeout=12, "
                        + "started_callback=lambda: open('" + ready + "', 'w').close())\n"
                        + "print('to-secondary', sum(1 for x in p if x[Ether].dst == '" + secondary + "'))"));
        final Shell.Result[] got = new Shell.Result[1];
        Thread listener = new Thread(() -> got[0] = in("qv-g1", "timeout", "15", "socat", "-u", "UDP-RECV:5002", "STDOUT"));
        sniffer.start();
        listener.start();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!java.nio.file.Files.exists(ready) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(java.nio.file.Files.exists(ready), "the sniffer started");
        assertTrue(NamespaceLab.awaitUdpListener("qv-g1", 5002, 10), "socat listens");
        Shell.Result toSecondary = in("qv-g1", SCAPY, "-c", "from scapy.all import *\nsendp(Ether(src='" + NamespaceLab.guestMac(1)
                + "', dst='" + secondary + "')/IP(src='" + NamespaceLab.guestIp(1) + "', dst='" + NamespaceLab.guestIp(2)
                + "')/UDP(sport=4000, dport=5003)/b'x', iface='qvg1', count=3, verbose=0)");
        assertEquals(0, toSecondary.exitCode(), toSecondary.output());
        Shell.Result fromSecondary = in("qv-g2", SCAPY, "-c", "from scapy.all import *\nsendp(Ether(src='" + secondary
                + "', dst='" + NamespaceLab.guestMac(1) + "')/IP(src='" + NamespaceLab.guestIp(2) + "', dst='" + NamespaceLab.guestIp(1)
                + "')/UDP(sport=4000, dport=5002)/b'from-secondary\\n', iface='qvg2', count=2, verbose=0)");
        assertEquals(0, fromSecondary.exitCode(), fromSecondary.output());
        stopListener(listener, "UDP-RECV:5002");
        sniffer.join();
        assertTrue(sniffed[0].output().contains("to-secondary 3"), "frames to the secondary MAC reached g2: " + sniffed[0].output());
        assertEquals(2, got[0].output().lines().filter(l -> l.equals("from-secondary")).count(), got[0].output());
    }

    @Test
    @Order(5)
    void forgedFramesAreDroppedAndCountedWhileRealTrafficFlows() throws Exception {
        final Shell.Result[] got = new Shell.Result[1];
        Thread t = new Thread(() -> got[0] = in("qv-g2", "timeout", "20", "socat", "-u", "UDP-RECV:5001", "STDOUT"));
        t.start();
        assertTrue(NamespaceLab.awaitUdpListener("qv-g2", 5001, 10), "socat listens");
        String script = String.join("\n",
                "from scapy.all import *",
                "dst = '" + NamespaceLab.guestMac(2) + "'",
                "sendp(Ether(src='02:66:00:00:00:09', dst=dst)/IP(src='" + NamespaceLab.guestIp(3) + "', dst='" + NamespaceLab.guestIp(2)
                        + "')/UDP(sport=4000, dport=5001)/b'forged-mac\\n', iface='qvg3', count=5, verbose=0)",
                "sendp(Ether(src='" + NamespaceLab.guestMac(3) + "', dst=dst)/IP(src='" + NamespaceLab.guestIp(1) + "', dst='"
                        + NamespaceLab.guestIp(2) + "')/UDP(sport=4000, dport=5001)/b'forged-ip\\n', iface='qvg3', count=4, verbose=0)",
                "sendp(Ether(src='" + NamespaceLab.guestMac(3) + "', dst='ff:ff:ff:ff:ff:ff')/ARP(op=1, hwsrc='" + NamespaceLab.guestMac(3)
                        + "', psrc='" + NamespaceLab.guestIp(1) + "', pdst='" + NamespaceLab.guestIp(2) + "'), iface='qvg3', count=3, verbose=0)",
                "sendp(Ether(src='" + NamespaceLab.guestMac(3) + "', dst=dst)/IP(src='" + NamespaceLab.guestIp(3) + "', dst='"
                        + NamespaceLab.guestIp(2) + "')/UDP(sport=4000, dport=5001)/b'legit\\n', iface='qvg3', count=2, verbose=0)");
        Shell.Result r = in("qv-g3", SCAPY, "-c", script);
        assertEquals(0, r.exitCode(), r.output());
        Shell.Result ping = in("qv-g3", "ping", "-c", "2", "-W", "2", NamespaceLab.guestIp(1));
        assertEquals(0, ping.exitCode(), "g3's real traffic still flows: " + ping.output());
        stopListener(t, "UDP-RECV:5001");
        String received = got[0].output();
        assertEquals(2, received.lines().filter(l -> l.equals("legit")).count(), received);
        assertTrue(!received.contains("forged"), "no forged datagram arrived: " + received);
        String out = stopAndReadTotals();
        assertEquals(5, vnicCounter(out, "g3", "spoofed-src-mac"), out);
        assertEquals(4, vnicCounter(out, "g3", "spoofed-src-ip"), out);
        assertEquals(3, vnicCounter(out, "g3", "spoofed-arp-sender"), out);
        assertEquals(0, vnicCounter(out, "g2", "dropped"), "nothing of g2's was dropped: " + out);
        assertTrue(vnicCounter(out, "g2", "rx") >= 20 + 3 + 2, "g2 received the datagrams, the frames to its secondary MAC, the legit ones");
        assertTrue(quiver.stderr().contains("VNIC g3: dropped") && quiver.stderr().contains("02:66:00:00:00:09"),
                "a rate-limited warning names the VNIC and the forged address: " + quiver.stderr());
    }

}
