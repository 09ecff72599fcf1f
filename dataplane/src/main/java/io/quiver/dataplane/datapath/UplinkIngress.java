package io.quiver.dataplane.datapath;

import io.quiver.dataplane.aggr.Aggregation;
import io.quiver.dataplane.aggr.Distribution;
import io.quiver.dataplane.classify.Classifier;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.fabric.FabricState;
import io.quiver.dataplane.fabric.Vxlan;
import io.quiver.dataplane.packet.ArpResponder;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.PacketParser;
import io.quiver.dpdk.Mbufs;
import io.quiver.dataplane.packet.PacketKind;
import io.quiver.dataplane.packet.ParsedBurst;
import io.quiver.dataplane.port.LcoreTx;
import io.quiver.dataplane.port.QueueCounters;
import io.quiver.dataplane.priority.Identifier;
import io.quiver.dataplane.ring.PendingVnics;
import io.quiver.dataplane.ring.VnicRing;
import java.lang.foreign.Arena;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Traffic from the network: classified (the hardware's RX queue or a software lookup) into a VNIC's local or
 * forwarding ring, flooded within its VLAN, or dropped as an unknown destination or malformed.
 */
final class UplinkIngress extends PortIngress {
    private final Classifier classifier;
    private final UplinkTarget target;
    /** The uplink's aggregation and its distribution for the current burst; null while the uplink is a port. */
    private Aggregation aggregation;
    private Distribution distribution;

    /**
     * @param queues the RX queues in the order to poll them (the class queues first, where the NIC classifies)
     * @param target what the uplink is: this port receives while it is the uplink port or the aggregation's member
     */
    UplinkIngress(int port, int[] queues, long pool, AtomicReference<DatapathState> state, Classifier classifier,
                  QueueCounters[] rxCounters, LcoreTx tx, PendingVnics pending, Arena arena, int burstSize, UplinkTarget target) {
        super(port, queues, new UplinkChoice(target, false), pool, state, rxCounters, tx, pending, arena, burstSize);
        this.classifier = classifier;
        this.target = target;
    }

    @Override
    boolean receivesNow() {
        aggregation = target.aggregation;
        if (aggregation == null) {
            return port == target.port;
        }
        distribution = aggregation.distribution();
        return distribution.isMember(port);
    }

    @Override
    void steer(DatapathState s, ParsedBurst b, int i, int q, QueueCounters c) {
        if (b.dstMac[i] == Ethernet.SLOW_PROTOCOLS) {
            if (aggregation != null) { // LACP's, on the control side: a copy is queued, the mbuf goes back at once
                aggregation.slowFrames().offer(port, b.frame[i], b.length[i]);
                release(b.mbuf[i]);
            } else {
                portDrop(c, DropReason.SLOW_PROTOCOLS, b.mbuf[i]);
            }
            return;
        }
        if (aggregation != null && !distribution.collects(port)) {
            portDrop(c, DropReason.STANDBY_MEMBER, b.mbuf[i]);
            return;
        }
        FabricState f = s.fabric;
        if (f != null && b.dstIp[i] == f.settings().vtepIp() && b.tags[i] == 0 && f.settings().hasVtep()) {
            toVtep(s, f, b, i, c);
            return;
        }
        if (b.tags[i] == 2) {
            steerStacked(s, b, i, c);
            return;
        }
        long m = b.mbuf[i];
        int vlan = b.vlan[i];
        int steering = classifier.classify(s.tables, b, i, q, vlan);
        if (steering >= 0) {
            int cls = Classifier.isForwarding(steering) ? 0 : classOf(s, b, i, Classifier.vnicOf(steering), true);
            if (cls == Identifier.DROP) {
                vnicDrop(s.counters[Classifier.vnicOf(steering)], DropReason.OVER_LIMIT, m);
                return;
            }
            toRing(s, steering, m, vlan != 0, b, i, cls);
        } else if (steering == Classifier.FLOOD) {
            int router = b.kind[i] == PacketKind.ARP && b.op[i] == 1 ? s.routerWithUplinkAddress(b.dstIp[i], vlan) : -1;
            int[] domain = s.vnicsByVlan[vlan];
            if (router >= 0) {
                toRouter(s, router, m, b, i, c);
            } else if (domain == null) {
                portDrop(c, DropReason.UNKNOWN_DESTINATION, m);
            } else {
                flood(s, domain, -1, m, vlan != 0, b, i, false, 0);
            }
        } else if (steering == Classifier.UNKNOWN && s.routerOf(b.dstMac[i], vlan) >= 0) {
            toRouter(s, s.routerOf(b.dstMac[i], vlan), m, b, i, c);
        } else {
            portDrop(c, steering == Classifier.MALFORMED ? DropReason.MALFORMED : DropReason.UNKNOWN_DESTINATION, m);
        }
    }

    /**
     * For this appliance's VTEP: an ARP request for its address is answered in place, a VXLAN frame from a peer's
     * VTEP is decapsulated and delivered as that peer's ({@link #fromPeer}); anything else is dropped.
     */
    private void toVtep(DatapathState s, FabricState f, ParsedBurst b, int i, QueueCounters c) {
        long m = b.mbuf[i];
        int kind = b.kind[i];
        if (kind == PacketKind.ARP) {
            if (b.op[i] == 1) {
                long frame = b.frame[i];
                ArpResponder.answerInPlace(frame, frame + b.l3[i], f.uplinkMac(), b.dstIp[i]);
                tx.to(port).add(m);
            } else {
                release(m); // a reply: the VTEP learns its peers' MACs from the directory
            }
            return;
        }
        if (kind != PacketKind.IPV4 || b.op[i] != 17 || b.fragment[i]) {
            portDrop(c, kind == PacketKind.MALFORMED ? DropReason.MALFORMED : DropReason.UNKNOWN_DESTINATION, m);
            return;
        }
        long udp = b.frame[i] + b.l4[i];
        int room = b.length[i] - b.l4[i];
        if (room < 8 || Vxlan.destinationPort(udp) != f.settings().udpPort()) {
            portDrop(c, DropReason.UNKNOWN_DESTINATION, m);
            return;
        }
        int vni = Vxlan.vniOf(udp, room);
        int vlan = vni < 0 ? -1 : f.settings().vlanOf(vni);
        int p = f.peerWithVtep(b.srcIp[i]);
        if (vlan < 0 || p < 0) {
            portDrop(c, vni < 0 ? DropReason.MALFORMED : DropReason.UNKNOWN_REMOTE, m);
            return;
        }
        int outer = b.l4[i] + 16;
        if (!Mbufs.adjustHead(m, outer)) {
            portDrop(c, DropReason.MALFORMED, m);
            return;
        }
        b.frame[i] += outer; // the inner frame: what adjustHead moved, without reading the mbuf back
        b.length[i] -= outer;
        b.pktLen[i] -= outer;
        PacketParser.parse(b, i);
        if (b.tags[i] != 0) { // a segment is one VLAN: the inner frame carries none
            peerDrop(f.counters(p), DropReason.TAGGED_FROM_GUEST, m);
            return;
        }
        fromPeer(s, f, p, b, i, vlan);
    }

    /** To VNS {@code vns}'s router: its ring, which the routing lcore drains (ARP to learn or answer, IPv4 to route). */
    private void toRouter(DatapathState s, int vns, long m, ParsedBurst b, int i, QueueCounters c) {
        int kind = b.kind[i];
        if ((kind != PacketKind.IPV4 && kind != PacketKind.ARP)
                || stage(s.vnses[vns].ring, m, b.vlan[i] != 0, b.dstIp[i], b.l3[i]) == VnicRing.FULL) {
            portDrop(c, kind == PacketKind.IPV4 || kind == PacketKind.ARP ? DropReason.RING_FULL : DropReason.UNKNOWN_DESTINATION, m);
        }
    }

    /**
     * A Q-in-Q frame: delivered, as L2 with its inner tag kept, to the VNIC its destination MAC names in the outer
     * tag's VLAN (flooded there when it is a broadcast); dropped as stacked-vlan when no VNIC is in that VLAN. It is
     * never routed: the inner tag is the guest's business.
     */
    private void steerStacked(DatapathState s, ParsedBurst b, int i, QueueCounters c) {
        long m = b.mbuf[i];
        int vlan = b.vlan[i];
        int[] domain = s.vnicsByVlan[vlan];
        if (domain == null || vlan == 0) {
            portDrop(c, DropReason.STACKED_VLAN, m);
        } else if (b.isMulticast(i)) {
            flood(s, domain, -1, m, true, b, i, false, 0);
        } else {
            int vnic = s.tables.vnicOf(b.dstMac[i], vlan);
            if (vnic < 0) {
                portDrop(c, DropReason.UNKNOWN_DESTINATION, m);
            } else {
                toRing(s, Classifier.local(vnic), m, true, b, i);
            }
        }
    }
}
