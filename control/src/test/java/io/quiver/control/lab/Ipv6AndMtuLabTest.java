package io.quiver.control.lab;

import io.quiver.control.host.Shell;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quiver.configstore.model.Ipv6Address;
import io.quiver.configstore.model.MacAddress;
import io.quiver.control.daemon.QuiverProcess;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * IPv6, floods and MTUs with real Linux hosts: three guest namespaces with IPv4 and IPv6 (g1 and g2 at MTU 9000, g3
 * at 1500), veth + af_packet ports. Neighbour discovery (multicast, flooded to the other VNICs), ping -6, ndisc6,
 * jumbo pings, a forged IPv6 source and a rogue router advertisement. Needs root, iproute2, ping, ndisc6, tcpdump,
 * arping and python3-scapy (bin/quiver-test installs them).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Ipv6AndMtuLabTest {
    @TempDir
    static Path dir;
    static QuiverProcess quiver;
    static String totals;

    @BeforeAll
    static void up() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: namespaces, veth pairs and DPDK's runtime folder");
        for (String tool : new String[] {"ip", "ethtool", "ping", "ndisc6", "tcpdump", "arping"}) {
            assumeTrue(Shell.available(tool), tool + " is not installed (bin/quiver-test installs it)");
        }
        Path config = new NamespaceLab(3, "shared", dir).withIpv6().withMtu(1, 9000).withMtu(2, 9000).up();
        quiver = QuiverProcess.start("run", "--config", config.toString(), "--file-prefix", "quiver-lab6-" + ProcessHandle.current().pid(),
                "--state-dir", dir.resolve("state").toString(), "--api", "127.0.0.1:0");
        quiver.awaitOutput("quiver: running", 30);
        for (int i = 1; i <= 3; i++) {
            assertTrue(NamespaceLab.awaitIpv6Ready(NamespaceLab.guestNamespace(i), 20), "g" + i + "'s addresses passed DAD");
        }
    }

    @AfterAll
    static void down() throws Exception {
        if (quiver != null) {
            quiver.stop();
        }
        NamespaceLab.down(3);
    }

    static Shell.Result in(int guest, String... command) {
        return NamespaceLab.exec(NamespaceLab.guestNamespace(guest), 60, command);
    }

    static String totals() throws Exception {
        if (totals == null) {
            quiver.signal("TERM");
            assertEquals(0, quiver.waitFor(), quiver.stderr());
            totals = quiver.stdout();
            quiver = null;
        }
        return totals;
    }

    @Test
    @Order(1)
    void guestsPingEachOtherOverIpv6AfterNeighbourDiscovery() {
        Shell.Result ping = in(1, "ping", "-6", "-c", "3", "-W", "2", NamespaceLab.guestIp6(2));
        assertEquals(0, ping.exitCode(), ping.output());
        Shell.Result neigh = in(1, "ip", "-6", "neigh", "show", NamespaceLab.guestIp6(2));
        assertTrue(neigh.output().contains(NamespaceLab.guestMac(2)), "g1 learnt g2's MAC by ND through Quiver: " + neigh.output());
        Shell.Result ndisc = in(3, "ndisc6", "-1", "-r", "3", NamespaceLab.guestIp6(1), "qvg3");
        assertTrue(ndisc.output().toLowerCase().contains(NamespaceLab.guestMac(1)), "ndisc6 from g3 finds g1: " + ndisc.output());
        Shell.Result linkLocal = in(2, "ping", "-6", "-c", "2", "-W", "2", "ff02::1%qvg2");
        assertEquals(0, linkLocal.exitCode(), "all-nodes multicast reaches the others: " + linkLocal.output());
    }

    @Test
    @Order(2)
    void aGratuitousArpReachesEveryoneButItsSender() {
        // tcpdump in g2 (and in g1, which must not see its own announcement come back), then g1 announces itself
        Shell.Result capture = Shell.run(List.of("bash", "-c", "ip netns exec qv-g2 timeout 8 tcpdump -c 1 -n -i qvg2 arp > /tmp/qv-garp2 2>&1 & "
                + "ip netns exec qv-g1 timeout 8 tcpdump -Q in -c 1 -n -i qvg1 'arp and arp[14:4] = arp[24:4]' > /tmp/qv-garp1 2>&1 & sleep 2; "
                + "ip netns exec qv-g1 arping -U -c 2 -I qvg1 " + NamespaceLab.guestIp(1) + " >/dev/null 2>&1; wait; cat /tmp/qv-garp2; echo ---; cat /tmp/qv-garp1"), 30);
        String[] parts = capture.output().split("---");
        assertTrue(parts[0].contains("Request who-has " + NamespaceLab.guestIp(1)), "g2 saw g1's gratuitous ARP: " + capture.output());
        assertTrue(!parts[1].contains("Request who-has " + NamespaceLab.guestIp(1)), "it did not come back to g1: " + capture.output());
    }

    @Test
    @Order(3)
    void jumboFramesPassUpToTheVnicsMtuAndNoFurther() {
        Shell.Result jumbo = in(1, "ping", "-c", "2", "-W", "2", "-M", "do", "-s", "8972", NamespaceLab.guestIp(2));
        assertEquals(0, jumbo.exitCode(), "9000-byte packets between two MTU-9000 VNICs: " + jumbo.output());
        Shell.Result jumbo6 = in(1, "ping", "-6", "-c", "2", "-W", "2", "-M", "do", "-s", "8952", NamespaceLab.guestIp6(2));
        assertEquals(0, jumbo6.exitCode(), jumbo6.output());
        Shell.Result standard = in(1, "ping", "-c", "2", "-W", "2", "-M", "do", "-s", "1472", NamespaceLab.guestIp(3));
        assertEquals(0, standard.exitCode(), "1500 to the MTU-1500 VNIC: " + standard.output());
        Shell.Result tooBig = in(1, "ping", "-c", "2", "-W", "2", "-M", "do", "-s", "1473", NamespaceLab.guestIp(3));
        assertNotEquals(0, tooBig.exitCode(), "1501 bytes never reach a VNIC of MTU 1500: " + tooBig.output());
    }

    @Test
    @Order(4)
    void aForgedIpv6SourceAndARogueRouterAdvertisementAreDropped() {
        assertEquals(0, in(1, "ip", "-6", "addr", "add", "fd77::99/64", "dev", "qvg1", "nodad").exitCode());
        Shell.Result forged = in(1, "ping", "-6", "-c", "2", "-W", "2", "-I", "fd77::99", NamespaceLab.guestIp6(2));
        assertNotEquals(0, forged.exitCode(), "fd77::99 is not g1's: " + forged.output());
        // from g1's own MAC and link-local address, so the router advertisement itself is what is refused
        String linkLocal = Ipv6Address.linkLocalOf(MacAddress.parse(NamespaceLab.guestMac(1))).toString();
        Shell.Result ra = in(1, "/usr/bin/python3", "-c", "from scapy.all import *; sendp(Ether(src='" + NamespaceLab.guestMac(1)
                + "', dst='33:33:00:00:00:01')/IPv6(src='" + linkLocal + "', dst='ff02::1')/ICMPv6ND_RA()/"
                + "ICMPv6NDOptPrefixInfo(prefix='2001:db8:bad::', prefixlen=64), iface='qvg1', verbose=0)");
        assertEquals(0, ra.exitCode(), ra.output());
    }

    @Test
    @Order(5)
    void everyDropIsCountedByItsReason() throws Exception {
        String out = totals();
        assertTrue(LabCounters.vnic(out, "g1", "spoofed-src-ipv6") >= 2, out);
        assertTrue(LabCounters.vnic(out, "g1", "ra-guard") >= 1, out);
        assertTrue(LabCounters.vnic(out, "g3", "mtu-exceeded") >= 2, out);
    }
}
