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
 * Active-backup over an uplink aggregation of two pcap ports: everything on the active member, the backup's
 * receptions dropped, and B's addresses announced on the new active member when it changes.
 */
class ActiveBackupUplinkTest extends AggregationFixture {
    @Test
    void activeBackupCarriesOnOneMemberAndAnnouncesItsAddressesWhenTheActiveChanges() throws Exception {
        List<byte[]> fromGuest = new ArrayList<>();
        for (int f = 0; f < FLOWS; f++) {
            fromGuest.add(fromB(f, 0));
        }
        AggregationConfig a = AggregationConfig.of("aggr0", List.of("m0", "m1"))
                .withMode(AggregationConfig.Mode.ACTIVE_BACKUP, "m0", true);
        try (Datapath datapath = start(a, fromGuest, List.of(), "quiver-aggr-ab-")) {
            Aggregation aggregation = datapath.aggregation();
            int m0 = datapath.port("m0").id();
            int m1 = datapath.port("m1").id();
            await(() -> datapath.vnic("B").counters().txPackets >= FLOWS, 10_000);
            assertEquals(m0, aggregation.active(), "the primary is active");
            assertEquals(256, aggregation.distribution().share(m0));
            assertFalse(aggregation.distribution().collects(m1), "the backup's receptions are dropped");
            // the primary moves to m1: B's addresses are announced on it (a gratuitous ARP, a neighbour advertisement)
            datapath.updateAggregation(a.withMode(AggregationConfig.Mode.ACTIVE_BACKUP, "m1", true));
            await(() -> aggregation.active() == m1 && aggregation.announcementsSent >= 4, 2_000);
            assertEquals(m1, aggregation.active());
            await(() -> {
                try {
                    return out("m1").stream().anyMatch(AggregationFixture::isGratuitousArpForB);
                } catch (Exception e) {
                    return false;
                }
            }, 2_000);
            datapath.stopLoops();
        }
        List<byte[]> onM0 = out("m0");
        List<byte[]> onM1 = out("m1");
        assertEquals(FLOWS, onM0.stream().filter(AggregationFixture::isUdp).count(), "every connection on the active member");
        assertEquals(1, onM0.stream().filter(AggregationFixture::isGratuitousArpForB).count(), "B announced on m0 at start");
        assertEquals(1, onM1.stream().filter(AggregationFixture::isGratuitousArpForB).count(), "and on m1 when it became active");
        assertTrue(onM1.stream().anyMatch(f -> f.length > 54 && f[12] == (byte) 0x86 && f[13] == (byte) 0xdd && f[54] == (byte) 136),
                "and an unsolicited neighbour advertisement for its link-local address");
    }
}
