package io.quiver.dataplane.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quiver.dataplane.capture.PcapFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an active-backup change sends for an address, read back by tshark: a gratuitous ARP, and an unsolicited
 * neighbour advertisement whose ICMPv6 checksum is good (Wireshark's checksum status 1), with override set and the MAC as its target link-layer
 * address, untagged and in a VLAN. Needs tshark (bin/quiver-test installs it).
 */
class AnnouncementsTest {
    private static final long MAC = Ethernet.macToLong(Ethernet.parseMac("02:00:00:00:00:0b"));

    @TempDir
    Path dir;

    private List<String> tshark(byte[] frame, String... fields) throws Exception {
        Path pcap = dir.resolve("a.pcap");
        PcapFile.write(pcap, List.of(frame));
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", pcap.toString(), "-T", "fields"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes()).replace("\n", ""); // an empty last field stays
        p.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), String.join(" ", cmd));
        return List.of(out.split("\t", -1));
    }

    private static boolean hasTshark() {
        return Files.isExecutable(Path.of("/usr/bin/tshark"));
    }

    @Test
    void aGratuitousArpSaysTheAddressIsAtTheMac() throws Exception {
        assumeTrue(hasTshark(), "tshark is not installed (bin/quiver-test installs it)");
        int ip = UdpFrameBuilder.parseIpv4("10.77.0.1");
        assertEquals(List.of("1", "1", "02:00:00:00:00:0b", "10.77.0.1", "10.77.0.1", ""),
                tshark(Announcements.gratuitousArp(MAC, ip, 0), "arp.isgratuitous", "arp.opcode", "arp.src.hw_mac", "arp.src.proto_ipv4",
                        "arp.dst.proto_ipv4", "vlan.id"));
        assertEquals(List.of("1", "42", "10.77.0.1"),
                tshark(Announcements.gratuitousArp(MAC, ip, 42), "arp.isgratuitous", "vlan.id", "arp.src.proto_ipv4"));
    }

    @Test
    void anUnsolicitedNeighbourAdvertisementHasAGoodChecksumAndOverrides() throws Exception {
        assumeTrue(hasTshark(), "tshark is not installed (bin/quiver-test installs it)");
        long high = 0xfd77_0000_0000_0000L;
        long low = 1;
        String[] fields = {"ipv6.src", "ipv6.dst", "ipv6.hlim", "icmpv6.type", "icmpv6.checksum.status", "icmpv6.nd.na.flag.o",
                "icmpv6.nd.na.flag.s", "icmpv6.nd.na.target_address", "icmpv6.opt.linkaddr"};
        List<String> expected = List.of("fd77::1", "ff02::1", "255", "136", "1", "1", "0", "fd77::1", "02:00:00:00:00:0b");
        assertEquals(expected, tshark(Announcements.unsolicitedNa(MAC, high, low, 0), fields));
        assertEquals(expected, tshark(Announcements.unsolicitedNa(MAC, high, low, 7), fields), "tagged alike");
    }
}
