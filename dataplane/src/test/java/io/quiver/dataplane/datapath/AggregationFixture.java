package io.quiver.dataplane.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.dataplane.aggr.Aggregation;
import io.quiver.dataplane.aggr.AggregationConfig;
import io.quiver.dataplane.aggr.HashPolicy;
import io.quiver.dataplane.aggr.Lacpdu;
import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.classify.ClassifierChoice;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dataplane.vnic.AttachedVnic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An uplink aggregation of two real pcap ports, m0 and m1, and VNIC B on a pcap port of its own: what each test
 * class starts (one datapath per JVM, as the EAL initialises once), and what their captures are read with.
 */
abstract class AggregationFixture {
    static final byte[] B_MAC = Ethernet.parseMac("02:00:00:00:00:0b");
    static final byte[] GATEWAY = Ethernet.parseMac("02:00:00:00:ff:fe");
    static final int FLOWS = 64;
    static final int PER_FLOW = 4;

    @TempDir
    Path dir;

    /** UDP from B to the gateway, connection {@code flow} (its source port), packet {@code k} of it. */
    static byte[] fromB(int flow, int k) {
        byte[] payload = new byte[18];
        payload[0] = (byte) k;
        return new UdpFrameBuilder().destinationMac(GATEWAY).sourceMac(B_MAC).sourceIp(UdpFrameBuilder.parseIpv4("10.0.0.2"))
                .destinationIp(UdpFrameBuilder.parseIpv4("192.0.2.1")).ports(10_000 + flow, 9).payload(payload).build();
    }

    static byte[] toB(int k) {
        byte[] payload = new byte[18];
        payload[0] = (byte) k;
        return new UdpFrameBuilder().destinationMac(B_MAC).sourceMac(GATEWAY).sourceIp(UdpFrameBuilder.parseIpv4("192.0.2.1"))
                .destinationIp(UdpFrameBuilder.parseIpv4("10.0.0.2")).ports(9, 7000).payload(payload).build();
    }

    /** A LACPDU as a guest might forge one. */
    static byte[] guestLacpdu() {
        var actor = new io.quiver.dataplane.aggr.LacpActor(32768, Ethernet.bitsOf(Ethernet.macToLong(B_MAC)), 9, 255, 1, 0x3d);
        return new Lacpdu(actor, new io.quiver.dataplane.aggr.LacpActor(0, 0, 0, 0, 0, 0), 0)
                .encode(Ethernet.bitsOf(Ethernet.macToLong(B_MAC)));
    }

    Datapath start(AggregationConfig aggregation, List<byte[]> fromGuest, List<byte[]> toM0, String prefix) throws Exception {
        PcapFile.write(dir.resolve("b-in.pcap"), fromGuest);
        PcapFile.write(dir.resolve("m0-in.pcap"), toM0);
        PcapFile.write(dir.resolve("m1-in.pcap"), List.of());
        var ports = List.of(
                PortConfig.of("m0", "net_pcap70,rx_pcap=" + dir.resolve("m0-in.pcap") + ",tx_pcap=" + dir.resolve("m0-out.pcap")),
                PortConfig.of("m1", "net_pcap71,rx_pcap=" + dir.resolve("m1-in.pcap") + ",tx_pcap=" + dir.resolve("m1-out.pcap")),
                PortConfig.of("b", "net_pcap72,rx_pcap=" + dir.resolve("b-in.pcap") + ",tx_pcap=" + dir.resolve("b-out.pcap")));
        var b = AttachedVnic.of("B", Ethernet.formatMac(B_MAC), List.of(), List.of("10.0.0.2/24"), 0, "b");
        var base = new RuntimeConfig(EalOptions.virtualDefaults().withFilePrefix(prefix + ProcessHandle.current().pid()), 8191, 64, 32, ports);
        return Datapath.start(new DatapathConfig(base, aggregation.name(), List.of(), null, List.of(b), ThreadingMode.SHARED,
                List.of(1), 128, 16, ClassifierChoice.AUTO, null, List.of(), List.of(), null, List.of(aggregation)));
    }

    static void await(BooleanSupplier done, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    List<byte[]> out(String port) throws Exception {
        Path p = dir.resolve(port + "-out.pcap");
        return Files.size(p) < 24 ? List.of() : PcapFile.read(p);
    }

    static int sourcePort(byte[] frame) {
        return (frame[34] & 0xFF) << 8 | frame[35] & 0xFF;
    }

    static boolean isUdp(byte[] f) {
        return f.length > 35 && f[12] == 0x08 && f[13] == 0x00 && f[23] == 17;
    }

    static boolean isGratuitousArpForB(byte[] f) {
        return f.length >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 1
                && java.util.Arrays.equals(java.util.Arrays.copyOfRange(f, 28, 32), java.util.Arrays.copyOfRange(f, 38, 42))
                && java.util.Arrays.equals(java.util.Arrays.copyOfRange(f, 6, 12), B_MAC) && f[31] == 2;
    }
}
