package io.quiver.dataplane.vns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quiver.configstore.model.Ipv4Prefix;
import io.quiver.dataplane.classify.ClassifierTables;
import io.quiver.dataplane.packet.Checksums;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.vnic.AttachedVnic;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Routing a forwarding ring's packet: to a VNIC, over the uplink, or a drop, with the headers rewritten only on the way. */
class Ipv4ForwardingTest {
    static final long ROUTER = Ethernet.macToLong(Ethernet.parseMac("02:00:00:00:00:0a"));
    static final long GATEWAY = Ethernet.macToLong(Ethernet.parseMac("02:00:00:00:ff:fe"));
    final ClassifierTables tables = new ClassifierTables(List.of(
            AttachedVnic.of("a", "02:00:00:00:00:0a", List.of(), List.of("10.0.0.1/24"), 0, "p").config(),
            AttachedVnic.of("b", "02:00:00:00:00:0b", List.of(), List.of("10.0.0.2/24"), 0, "p").config()));
    final UplinkRoutes routes = new UplinkRoutes(List.of(Ipv4Prefix.parse("198.51.100.0/24")), GATEWAY);

    private int route(String dst, int ttl, byte[][] out) {
        byte[] frame = new UdpFrameBuilder().destinationMac(Ethernet.longToMac(ROUTER)).sourceMac(Ethernet.parseMac("02:00:00:00:99:01"))
                .sourceIp(UdpFrameBuilder.parseIpv4("192.0.2.1")).destinationIp(UdpFrameBuilder.parseIpv4(dst)).ttl(ttl).ports(1, 2).build();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(frame.length);
            m.copyFrom(MemorySegment.ofArray(frame));
            int result = Ipv4Forwarding.forward(tables, routes, m.address(), UdpFrameBuilder.parseIpv4(dst), ROUTER);
            out[0] = m.toArray(ValueLayout.JAVA_BYTE);
            out[1] = frame;
            return result;
        }
    }

    @Test
    void toTheOwningVnicOrTheUplinkWithTtlAndChecksumUpdated() {
        byte[][] f = new byte[2][];
        assertEquals(1, route("10.0.0.2", 64, f));
        assertEquals("02:00:00:00:00:0b", Ethernet.formatMac(java.util.Arrays.copyOfRange(f[0], 0, 6)));
        assertEquals("02:00:00:00:00:0a", Ethernet.formatMac(java.util.Arrays.copyOfRange(f[0], 6, 12)));
        assertEquals(63, f[0][22] & 0xff);
        assertEquals(0, Checksums.internet(f[0], 14, 20) & 0xffff, "the header checksum still sums to zero");

        assertEquals(Ipv4Forwarding.UPLINK, route("198.51.100.7", 64, f));
        assertEquals("02:00:00:00:ff:fe", Ethernet.formatMac(java.util.Arrays.copyOfRange(f[0], 0, 6)));
    }

    @Test
    void dropsLeaveTheFrameAsItWas() {
        byte[][] f = new byte[2][];
        assertEquals(Ipv4Forwarding.NO_ROUTE, route("203.0.113.9", 64, f));
        assertEquals(java.util.Arrays.toString(f[1]), java.util.Arrays.toString(f[0]));
        assertEquals(Ipv4Forwarding.TTL_EXPIRED, route("10.0.0.2", 1, f));
        assertEquals(java.util.Arrays.toString(f[1]), java.util.Arrays.toString(f[0]));
    }

    @Test
    void routesNeedAGatewayAndProperPrefixes() {
        assertThrows(IllegalArgumentException.class, () -> new UplinkRoutes(List.of(Ipv4Prefix.parse("10.0.0.0/8")), 0));
        assertThrows(RuntimeException.class, () -> Ipv4Prefix.parse("10.0.0.1/8"));
        assertEquals(0, Ipv4Prefix.parse("0.0.0.0/0").mask());
    }
}
