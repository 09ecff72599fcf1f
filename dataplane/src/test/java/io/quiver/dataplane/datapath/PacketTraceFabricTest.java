package io.quiver.dataplane.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.model.VnicConfig;
import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.classify.ClassifierChoice;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.fabric.FabricPeer;
import io.quiver.dataplane.fabric.FabricSettings;
import io.quiver.dataplane.fabric.RemoteVnic;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dataplane.vnic.AttachedVnic;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packet trace in a fabric (docs/fabric.md): a frame to a remote VNIC leaves VXLAN-encapsulated for its appliance's
 * VTEP; one to a VNIC whose appliance no medium reaches is dropped as no-medium; a VXLAN frame from a VTEP that is no
 * peer's is dropped as unknown-remote.
 */
class PacketTraceFabricTest {
    static final byte[] MAC_A = Ethernet.parseMac("02:00:00:00:00:0a");
    static final byte[] MAC_B1 = Ethernet.parseMac("02:00:00:00:00:b1");
    static final byte[] MAC_C1 = Ethernet.parseMac("02:00:00:00:00:c1");
    static final byte[] VTEP_QB = Ethernet.parseMac("02:00:00:00:0b:fe");
    static final int VTEP = ip("192.0.2.10");

    @TempDir
    Path dir;

    static int ip(String s) {
        return UdpFrameBuilder.parseIpv4(s);
    }

    static byte[] udp(byte[] dst, byte[] src, int sip, int dip, int sport, int dport, byte[] payload) {
        return new UdpFrameBuilder().destinationMac(dst).sourceMac(src).sourceIp(sip).destinationIp(dip).ports(sport, dport)
                .payload(payload).build();
    }

    static RemoteVnic remote(String appliance, String name, byte[] mac, String address) {
        return new RemoteVnic(appliance, VnicConfig.create(name, Ethernet.formatMac(mac)).with("ipv4-addresses", address));
    }

    @Test
    void remoteVnicsAreReachedByTheirMediumOrDroppedWithTheReason() throws Exception {
        PcapFile.write(dir.resolve("empty.pcap"), List.of());
        var ports = List.of(
                PortConfig.of("uplink", "net_pcap90,rx_pcap=" + dir.resolve("empty.pcap") + ",tx_pcap=/dev/null"),
                PortConfig.of("a", "net_pcap91,rx_pcap=" + dir.resolve("empty.pcap") + ",tx_pcap=/dev/null"));
        var a = AttachedVnic.of("A", Ethernet.formatMac(MAC_A), List.of(), List.of("10.0.0.1/24"), 0, "a");
        a = new AttachedVnic(a.config().with("mtu", "1450"), "a"); // VXLAN's 50 bytes within the uplink's 1500
        var base = new RuntimeConfig(EalOptions.virtualDefaults().withFilePrefix("quiver-trace-fabric-" + ProcessHandle.current().pid()),
                8191, 64, 32, ports);
        try (Datapath datapath = Datapath.start(new DatapathConfig(base, "uplink", List.of(), null, List.of(a), ThreadingMode.SHARED,
                List.of(1), 64, 16, ClassifierChoice.AUTO, null))) {
            datapath.joinFabric(new FabricSettings("qa", VTEP, FabricSettings.VXLAN_PORT, FabricSettings.DEFAULT_VNI_BASE));
            datapath.putFabric(List.of(new FabricPeer("qb", ip("192.0.2.20"), Ethernet.macToLong(VTEP_QB), -1),
                            new FabricPeer("qc", 0, 0, -1)),
                    List.of(remote("qb", "b1", MAC_B1, "10.0.0.2/24"), remote("qc", "c1", MAC_C1, "10.0.0.3/24")));
            int inUse = datapath.runtime().pool().inUse();

            PacketTrace.Result toB1 = datapath.trace("a", udp(MAC_B1, MAC_A, ip("10.0.0.1"), ip("10.0.0.2"), 1, 2, new byte[8]));
            assertEquals("to appliance qb by vxlan; out port uplink", toB1.verdict(), toB1.toString());
            assertTrue(toB1.frameOut().startsWith(HexFormat.of().formatHex(VTEP_QB)), "encapsulated for qb's VTEP: " + toB1.frameOut());

            PacketTrace.Result toC1 = datapath.trace("a", udp(MAC_C1, MAC_A, ip("10.0.0.1"), ip("10.0.0.3"), 1, 2, new byte[8]));
            assertEquals(DropReason.NO_MEDIUM.label(), toC1.dropped(), toC1.toString());
            assertTrue(toC1.verdict().contains("fabric peer qc"), toC1.verdict());

            byte[] inner = udp(MAC_A, MAC_B1, ip("10.0.0.2"), ip("10.0.0.1"), 1, 2, new byte[8]);
            byte[] vxlan = ByteBuffer.allocate(8 + inner.length).putInt(0x08000000).putInt(FabricSettings.DEFAULT_VNI_BASE << 8).put(inner).array();
            byte[] uplinkMac = Ethernet.longToMac(datapath.uplinkMac());
            PacketTrace.Result stranger = datapath.trace("uplink", udp(uplinkMac, VTEP_QB, ip("192.0.2.99"), VTEP, 40000,
                    FabricSettings.VXLAN_PORT, vxlan));
            assertEquals(DropReason.UNKNOWN_REMOTE.label(), stranger.dropped(), stranger.toString());
            PacketTrace.Result fromQb = datapath.trace("uplink", udp(uplinkMac, VTEP_QB, ip("192.0.2.20"), VTEP, 40000,
                    FabricSettings.VXLAN_PORT, vxlan));
            assertEquals("delivered to VNIC A", fromQb.verdict(), "qb's VTEP, b1's MAC: delivered as the uplink's: " + fromQb);
            assertEquals(inUse, datapath.runtime().pool().inUse(), "every mbuf back");
        }
    }
}
