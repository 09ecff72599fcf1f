package io.quiver.dataplane.fabric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.dataplane.packet.Checksums;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.port.PacketPool;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.EalRuntime;
import io.quiver.dpdk.Mbufs;
import io.quiver.dpdk.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * VXLAN's encapsulation on real mbufs: the per-peer header template ({@link VxlanHeader}, what the lcores use) writes
 * exactly what the field-by-field {@link Vxlan#encapsulate} writes, for frames of every length; the IPv4 checksum
 * verifies; {@link Vxlan#vniOf} reads the VNI back; an mbuf without the headroom is left as it was.
 */
class VxlanHeaderTest {
    private static final long DST = Ethernet.macToLong(Ethernet.parseMac("02:00:00:00:0e:02"));
    private static final long SRC = Ethernet.macToLong(Ethernet.parseMac("02:00:00:00:0e:01"));
    private static final int SRC_IP = UdpFrameBuilder.parseIpv4("192.0.2.1");
    private static final int DST_IP = UdpFrameBuilder.parseIpv4("192.0.2.2");

    @Test
    void theTemplateWritesWhatTheFieldByFieldFormWritesAndTheChecksumVerifies() {
        try (EalRuntime eal = EalRuntime.start(EalOptions.virtualDefaults().withFilePrefix("quiver-vxlantest-" + ProcessHandle.current().pid()));
             PacketPool pool = PacketPool.create("vxlan-test", 1023, 0)) {
            VxlanHeader template = new VxlanHeader(DST, SRC, SRC_IP, DST_IP, 4789);
            for (int payload : new int[] {18, 100, 1000, 1458}) {
                byte[] inner = new UdpFrameBuilder().destinationMac(Ethernet.parseMac("02:00:00:00:00:05"))
                        .sourceMac(Ethernet.parseMac("02:00:00:00:00:01")).sourceIp(0x0a000001).destinationIp(0x0a000005)
                        .ports(1234, 53).payload(new byte[payload]).build();
                long a = frame(pool, inner);
                long b = frame(pool, inner);
                assertTrue(template.write(a, 10_007, 0x1234));
                assertTrue(Vxlan.encapsulate(b, DST, SRC, SRC_IP, DST_IP, 4789, 10_007, 0x1234));
                byte[] fromTemplate = bytes(a);
                assertArrayEquals(bytes(b), fromTemplate, "payload " + payload);
                assertEquals(inner.length + Vxlan.OVERHEAD, fromTemplate.length);
                assertEquals(0, Checksums.internet(Mbufs.data(a) + Ethernet.HEADER_LENGTH, 20), "the IPv4 header checksum verifies");
                assertEquals(10_007, Vxlan.vniOf(Mbufs.data(a) + 34, fromTemplate.length - 34));
                Mbufs.free(a);
                Mbufs.free(b);
            }
            long full = frame(pool, new byte[60]);
            Mbufs.adjustHead(full, -(Mbufs.HEADROOM - 10)); // 10 bytes of headroom left
            int before = Mbufs.pktLen(full);
            assertFalse(template.write(full, 10_000, 0));
            assertEquals(before, Mbufs.pktLen(full), "nothing changed");
            Mbufs.free(full);
        }
    }

    private static long frame(PacketPool pool, byte[] bytes) {
        long m = Mbufs.alloc(pool.address());
        long at = Mbufs.append(m, bytes.length);
        assertTrue(m != 0 && at != 0, "an mbuf with room for " + bytes.length + " bytes");
        MemorySegment.copy(bytes, 0, NativeMemory.ALL, ValueLayout.JAVA_BYTE, at, bytes.length);
        return m;
    }

    private static byte[] bytes(long m) {
        byte[] out = new byte[Mbufs.pktLen(m)];
        MemorySegment.copy(NativeMemory.ALL, ValueLayout.JAVA_BYTE, Mbufs.data(m), out, 0, out.length);
        return out;
    }
}
