package io.quiver.dataplane.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * LACP over pcap ports, where no partner ever answers: the members speak LACP (numbered from 1), and the aggregation
 * falls back to active-backup, or carries nothing when told not to fall back.
 */
class LacpFallbackTest extends AggregationFixture {
    @Test
    void lacpWithoutAPartnerFallsBackToActiveBackupOrCarriesNothing() throws Exception {
        List<byte[]> fromGuest = new ArrayList<>();
        for (int f = 0; f < FLOWS; f++) {
            fromGuest.add(fromB(f, 0));
        }
        AggregationConfig a = AggregationConfig.of("aggr0", List.of("m0", "m1"))
                .withLacp(AggregationConfig.Lacp.ACTIVE, AggregationConfig.Timer.SHORT);
        try (Datapath datapath = start(a, fromGuest, List.of(), "quiver-aggr-lacp-")) {
            Aggregation aggregation = datapath.aggregation();
            await(() -> datapath.vnic("B").counters().txPackets >= FLOWS, 10_000);
            assertTrue(aggregation.fellBack(), "no partner: active-backup");
            assertEquals(datapath.port("m0").id(), aggregation.active());
            // without the fallback nothing carries: what B sends is counted as having no member
            datapath.updateAggregation(a.withMode(AggregationConfig.Mode.BALANCE, null, false));
            assertEquals(0, aggregation.distribution().share(datapath.port("m0").id()) + aggregation.distribution().share(datapath.port("m1").id()));
            await(() -> {
                try {
                    return out("m0").stream().filter(f -> f.length > 13 && f[12] == (byte) 0x88 && f[13] == 0x09).count() >= 1
                            && out("m1").stream().filter(f -> f.length > 13 && f[12] == (byte) 0x88 && f[13] == 0x09).count() >= 1;
                } catch (Exception e) {
                    return false;
                }
            }, 3_000);
            datapath.stopLoops();
        }
        for (String m : List.of("m0", "m1")) {
            List<Lacpdu> pdus = new ArrayList<>();
            for (byte[] f : out(m)) {
                if (f[12] == (byte) 0x88 && f[13] == 0x09) {
                    pdus.add(Lacpdu.decode(f));
                }
            }
            assertFalse(pdus.isEmpty(), "an active member speaks LACP unasked on " + m);
            assertTrue(pdus.get(0).actor().port() >= 1, "LACP port numbers start at 1");
        }
        Set<Integer> numbers = new HashSet<>();
        for (String m : List.of("m0", "m1")) {
            out(m).stream().filter(f -> f[12] == (byte) 0x88).findFirst().ifPresent(f -> numbers.add(Lacpdu.decode(f).actor().port()));
        }
        assertEquals(Set.of(1, 2), numbers, "members numbered 1 and 2 in their configured order");
    }
}
