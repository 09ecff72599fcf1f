package io.quiver.dataplane.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.dataplane.aggr.AggregationConfig;
import io.quiver.dataplane.counters.DropReason;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Packet trace on an aggregated uplink (active-backup over two real pcap ports): the active member delivers, the
 * backup drops what it receives as standby-member, and a LACPDU is the aggregation's LACP machine's, which a trace
 * does not feed.
 */
class PacketTraceAggregationTest extends AggregationFixture {
    @Test
    void theActiveMemberDeliversTheBackupDropsAndLacpIsTheMachines() throws Exception {
        AggregationConfig a = AggregationConfig.of("aggr0", List.of("m0", "m1")).withMode(AggregationConfig.Mode.ACTIVE_BACKUP, "m0", true);
        try (Datapath datapath = start(a, List.of(), List.of(), "quiver-trace-aggr-")) {
            int inUse = datapath.runtime().pool().inUse();
            PacketTrace.Result active = datapath.trace("m0", toB(1));
            assertEquals("delivered to VNIC B", active.verdict(), active.toString());
            PacketTrace.Result backup = datapath.trace("m1", toB(2));
            assertEquals(DropReason.STANDBY_MEMBER.label(), backup.dropped(), backup.toString());
            assertTrue(backup.verdict().contains("port m1"), backup.verdict());
            PacketTrace.Result lacp = datapath.trace("m0", guestLacpdu());
            assertTrue(lacp.verdict().contains("LACP machine"), lacp.toString());
            PacketTrace.Result fromB = datapath.trace("b", fromB(3, 0));
            assertTrue(fromB.verdict().equals("out port m0"), "the active member carries B's traffic: " + fromB);
            assertEquals(inUse, datapath.runtime().pool().inUse(), "every mbuf back");
        }
    }
}
