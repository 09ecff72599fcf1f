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
 * Static load sharing over an uplink aggregation of two pcap ports: what VNIC B sends leaves by one member per
 * connection and by both members overall, what a member receives reaches B, a guest's slow-protocols frame never
 * leaves; and bad aggregations are refused with the reason.
 */
class AggregatedUplinkTest extends AggregationFixture {
    @Test
    void eachConnectionLeavesByOneMemberAndBothMembersCarry() throws Exception {
        List<byte[]> fromGuest = new ArrayList<>();
        for (int k = 0; k < PER_FLOW; k++) {
            for (int f = 0; f < FLOWS; f++) {
                fromGuest.add(fromB(f, k));
            }
        }
        fromGuest.add(guestLacpdu());
        List<byte[]> toM0 = List.of(toB(0), toB(1), toB(2));
        AggregationConfig a = AggregationConfig.of("aggr0", List.of("m0", "m1")).withPolicy(HashPolicy.L3L4);
        Map<Integer, String> memberOf = new HashMap<>();
        try (Datapath datapath = start(a, fromGuest, toM0, "quiver-aggr-balance-")) {
            Aggregation aggregation = datapath.aggregation();
            // The guest's LACPDU is the last frame B sends: waiting only for its UDP let the assertion race that frame.
            await(() -> datapath.vnic("B").counters().txPackets >= FLOWS * PER_FLOW && datapath.vnic("B").counters().rxPackets >= 3
                    && datapath.vnic("B").counters().ingressDrops[DropReason.SLOW_PROTOCOLS.ordinal()] >= 1, 10_000);
            int m0 = datapath.port("m0").id();
            int m1 = datapath.port("m1").id();
            assertEquals(128, aggregation.distribution().share(m0), "static load sharing: half the table each");
            assertEquals(128, aggregation.distribution().share(m1));
            assertEquals(3, datapath.vnic("B").counters().rxPackets, "what a member received reached B");
            assertEquals(1, datapath.vnic("B").counters().ingressDrops[DropReason.SLOW_PROTOCOLS.ordinal()],
                    "the guest's LACPDU was dropped as slow-protocols");
            datapath.stopLoops();
        }
        int[] perMember = new int[2];
        for (int k = 0; k < 2; k++) {
            for (byte[] f : out("m" + k)) {
                assertTrue(isUdp(f), "only B's UDP leaves: no LACP with --lacp off, and not the guest's LACPDU");
                String before = memberOf.putIfAbsent(sourcePort(f), "m" + k);
                assertTrue(before == null || before.equals("m" + k), "connection " + sourcePort(f) + " left by m0 and m1");
                perMember[k]++;
            }
        }
        assertEquals(FLOWS * PER_FLOW, perMember[0] + perMember[1], "every packet left by a member");
        assertTrue(perMember[0] >= FLOWS * PER_FLOW / 4 && perMember[1] >= FLOWS * PER_FLOW / 4,
                "both members carry: " + perMember[0] + " / " + perMember[1]);
        System.out.printf("static L3,L4 over 2 members, %d connections: %d / %d packets%n", FLOWS, perMember[0], perMember[1]);
    }

    @Test
    void badAggregationsAreRefusedWithTheReason() throws Exception {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AggregationConfig.of("aggr0", List.of())).getMessage()
                .contains("at least one member"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AggregationConfig.of("aggr0", List.of("m0", "m0")))
                .getMessage().contains("named twice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AggregationConfig.of("aggr0", List.of("m0"))
                .withMac(AggregationConfig.parseMac("01:00:5e:00:00:01"))).getMessage().contains("not a unicast"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AggregationConfig.of("aggr0", List.of("m0", "m1"))
                .withLacp(AggregationConfig.Lacp.ACTIVE, AggregationConfig.Timer.SHORT)
                .withMode(AggregationConfig.Mode.ACTIVE_BACKUP, null, true)).getMessage().contains("without LACP"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AggregationConfig.Lacp.parse("sometimes")).getMessage()
                .contains("off, active or passive"));
    }
}
