package io.quiver.dataplane.datapath;

import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.fabric.FabricState;
import io.quiver.dataplane.packet.PacketParser;
import io.quiver.dataplane.packet.ParsedBurst;
import io.quiver.dataplane.packet.Vlan;
import io.quiver.dataplane.port.LcoreTx;
import io.quiver.dataplane.port.QueueCounters;
import io.quiver.dataplane.ring.PendingVnics;
import io.quiver.dpdk.Mbufs;
import java.lang.foreign.Arena;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a memif link to a peer appliance receives: frames of that peer's VNICs, each tagged with its segment's VLAN
 * (none: untagged), delivered as the peer's ({@link #fromPeer}) once the tag is off.
 */
final class FabricIngress extends PortIngress {
    FabricIngress(int port, UplinkChoice uplink, long pool, AtomicReference<DatapathState> state, QueueCounters[] rxCounters,
                  LcoreTx tx, PendingVnics pending, Arena arena, int burstSize) {
        super(port, inOrder(rxCounters.length), uplink, pool, state, rxCounters, tx, pending, arena, burstSize);
    }

    @Override
    void steer(DatapathState s, ParsedBurst b, int i, int q, QueueCounters c) {
        long m = b.mbuf[i];
        FabricState f = s.fabric;
        int p = f == null ? -1 : f.peerOnPort(port);
        if (p < 0) { // the link's peer left the directory: nothing from it is trusted
            portDrop(c, DropReason.UNKNOWN_REMOTE, m);
            return;
        }
        int vlan = 0;
        if (b.tags[i] == 1) {
            vlan = b.vlan[i];
            if (!Vlan.strip(m)) {
                portDrop(c, DropReason.MALFORMED, m);
                return;
            }
            b.frame[i] = Mbufs.data(m);
            b.length[i] = Mbufs.dataLen(m);
            b.pktLen[i] = Mbufs.pktLen(m);
            PacketParser.parse(b, i);
        } else if (b.tags[i] > 1) {
            portDrop(c, DropReason.STACKED_VLAN, m);
            return;
        }
        fromPeer(s, f, p, b, i, vlan);
    }
}
