package io.quiver.dataplane.priority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.model.IdentificationRule;
import io.quiver.configstore.model.PriorityClass;
import io.quiver.configstore.model.Subscription;
import io.quiver.dataplane.packet.ParsedBurst;
import io.quiver.dataplane.packet.ParsedFrames;
import io.quiver.dataplane.packet.TcpFrameBuilder;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The lcore's half of re-steering identified connections in hardware: what the identifier asks through
 * {@link SteeringRequests} (once per identified TCP or UDP connection, as it arrives from the network, with its class)
 * and the release when the connection table lets the connection go; a full ring refuses and counts, and the lcore's
 * side allocates nothing.
 */
class ConnectionSteeringTest {
    private static final int VNIC_IP = UdpFrameBuilder.parseIpv4("10.0.0.1");
    private static final int PREMIUM = UdpFrameBuilder.parseIpv4("10.8.0.5");
    private static final int OTHER = UdpFrameBuilder.parseIpv4("192.0.2.7");
    private static final byte[] VNIC_MAC = {2, 0, 0, 0, 0, 1};
    private static final byte[] GATEWAY_MAC = {2, 0, 0, 0, 0, (byte) 0xfe};

    private record Seen(int op, long keyHigh, long keyLow, int protocol, int remoteIp, int localIp, int remotePort,
                        int localPort, int cls) {
    }

    private static List<Seen> drain(SteeringRequests requests) {
        List<Seen> seen = new ArrayList<>();
        requests.drain(r -> seen.add(new Seen(r.op, r.keyHigh, r.keyLow, r.protocol, r.remoteIp, r.localIp, r.remotePort,
                r.localPort, r.cls)));
        return seen;
    }

    private static Levels levels() {
        Subscription gold = Subscription.create("gold", Subscription.Kind.SUBSCRIPTION, PriorityClass.HIGH, 0, 0, 10,
                List.of(IdentificationRule.parse("prefix=10.8.0.0/16")));
        return new Levels(List.of(gold), Map.of("gold", 0), name -> 0, null, 0);
    }

    private static byte[] udp(int src, int dst, int srcPort, int dstPort) {
        return new UdpFrameBuilder().destinationMac(VNIC_MAC).sourceMac(GATEWAY_MAC).sourceIp(src).destinationIp(dst)
                .ports(srcPort, dstPort).payload(new byte[16]).build();
    }

    @Test
    void anIdentifiedConnectionIsAskedForOnceAsItArrivesAndReleasedWhenTheTableLetsItGo() {
        Identifier id = new Identifier(64, 4);
        SteeringRequests requests = new SteeringRequests(8);
        id.steerWith(requests);
        Levels levels = levels();
        byte[] syn = new TcpFrameBuilder().destinationMac(GATEWAY_MAC).sourceMac(VNIC_MAC).sourceIp(VNIC_IP).destinationIp(PREMIUM)
                .ports(5555, 80).seq(1).flags(TcpFrameBuilder.SYN).payload(new byte[0]).build();
        try (Arena arena = Arena.ofConfined()) {
            ParsedBurst b = ParsedFrames.parse(arena, List.of(
                    udp(PREMIUM, VNIC_IP, 40000, 9), udp(PREMIUM, VNIC_IP, 40000, 9), udp(OTHER, VNIC_IP, 40001, 9), syn));
            assertEquals(PriorityClass.HIGH.ordinal(), id.classify(levels, b, 0, 0, 0, true, 0, 0, 1));
            assertEquals(PriorityClass.HIGH.ordinal(), id.classify(levels, b, 1, 0, 0, true, 0, 0, 1));
            assertEquals(0, id.classify(levels, b, 2, 0, 0, true, 0, 0, 1), "no level: default class, nothing asked");
            // identified from the guest's side: the rule still names it as it arrives from the network
            assertEquals(PriorityClass.HIGH.ordinal(), id.classify(levels, b, 3, 0, 0, false, 0, 0, 1));
        }
        List<Seen> asked = drain(requests);
        assertEquals(2, asked.size(), "one request per identified connection: " + asked);
        Seen udp = asked.get(0);
        assertEquals(new Seen(SteeringRequests.STEER, udp.keyHigh(), udp.keyLow(), 17, PREMIUM, VNIC_IP, 40000, 9,
                PriorityClass.HIGH.ordinal()), udp);
        Seen tcp = asked.get(1);
        assertEquals(new Seen(SteeringRequests.STEER, tcp.keyHigh(), tcp.keyLow(), 6, PREMIUM, VNIC_IP, 80, 5555,
                PriorityClass.HIGH.ordinal()), tcp);

        // idle past UDP's timeout (60 s) and TCP's (300 s): both go, each released under the key it was asked with
        for (int k = 0; k < 4; k++) {
            id.sweep(1000);
        }
        List<Seen> released = drain(requests);
        assertEquals(2, released.size(), "released: " + released);
        assertTrue(released.stream().allMatch(r -> r.op() == SteeringRequests.RELEASE));
        assertTrue(released.stream().anyMatch(r -> r.keyHigh() == udp.keyHigh() && r.keyLow() == udp.keyLow()));
        assertTrue(released.stream().anyMatch(r -> r.keyHigh() == tcp.keyHigh() && r.keyLow() == tcp.keyLow()));
        assertEquals(0, id.table().size());
    }

    @Test
    void aFullRingRefusesCountsAndTheConnectionIsNeverReleased() {
        Identifier id = new Identifier(64, 4);
        SteeringRequests requests = new SteeringRequests(2);
        id.steerWith(requests);
        Levels levels = levels();
        try (Arena arena = Arena.ofConfined()) {
            List<byte[]> frames = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                frames.add(udp(PREMIUM, VNIC_IP, 41000 + k, 9));
            }
            ParsedBurst b = ParsedFrames.parse(arena, frames);
            for (int k = 0; k < 3; k++) {
                assertEquals(PriorityClass.HIGH.ordinal(), id.classify(levels, b, k, 0, 0, true, 0, 0, 1),
                        "the class holds in software whether or not the NIC is asked");
            }
        }
        assertEquals(1, requests.refused);
        assertEquals(2, drain(requests).size());
        for (int k = 0; k < 4; k++) {
            id.sweep(1000);
        }
        assertEquals(2, drain(requests).size(), "the two asked for are released; the refused one was never steered");
        assertFalse(requests.refused > 1);
    }

    @Test
    void askingAllocatesNothingOnTheLcore() {
        SteeringRequests requests = new SteeringRequests(1024);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 20; round++) { // the JIT first
            for (int k = 0; k < 1000; k++) {
                requests.steer(k, k, 17, PREMIUM, VNIC_IP, k, 9, 2);
            }
            requests.drain(r -> { });
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int k = 0; k < 1000; k++) {
            requests.steer(k, k, 17, PREMIUM, VNIC_IP, k, 9, 2);
            requests.release(k, k);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1024, "steer and release allocate nothing: " + allocated + " B (the counter itself costs a little)");
        assertEquals(2000 - 1024, requests.refused, "1024 slots, 2000 requests and nothing drained: the rest refused");
    }
}
