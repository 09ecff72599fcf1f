package io.quiver.dataplane.datapath;

import io.quiver.dataplane.aggr.Aggregation;
import io.quiver.dataplane.antispoof.EgressChecks;
import io.quiver.dataplane.antispoof.SourceMacCheck;
import io.quiver.dataplane.capture.CaptureTap;
import io.quiver.dataplane.classify.Classifier;
import io.quiver.dataplane.classify.SoftwareClassifier;
import io.quiver.dataplane.config.Defaults;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.counters.SpoofRecord;
import io.quiver.dataplane.fabric.FabricState;
import io.quiver.dataplane.guest.GuestRequestQueue;
import io.quiver.dataplane.guest.GuestServiceAddress;
import io.quiver.dataplane.packet.ArpResponder;
import io.quiver.dataplane.packet.PacketKind;
import io.quiver.dataplane.packet.PacketParser;
import io.quiver.dataplane.packet.ParsedBurst;
import io.quiver.dataplane.port.LcoreTx;
import io.quiver.dataplane.port.QueueCounters;
import io.quiver.dataplane.ring.PendingVnics;
import io.quiver.dataplane.vnic.VnicCounters;
import io.quiver.dataplane.priority.Identifier;
import io.quiver.dataplane.priority.TokenBucket;
import io.quiver.dataplane.vns.VnsState;
import java.lang.foreign.Arena;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Traffic a guest sends: its source MAC must name a VNIC attached by this port, then the egress checks
 * ({@link EgressChecks}) apply; what passes goes to another VNIC's ring (never the wire), a flood within its VLAN plus
 * the uplink, the configuration service, or the uplink.
 */
final class GuestEgress extends PortIngress {
    private final GuestRequestQueue guestRequests;
    private final GuestRequestQueue tlsRequests;
    /** The source MACs of this port's VNICs under the state of the current burst. */
    private SourceMacCheck sources;

    /** What the uplink is, where this port may become an aggregation's member (then the aggregation receives on it); else null. */
    private final UplinkTarget target;

    GuestEgress(int port, int rxQueues, UplinkChoice uplink, UplinkTarget target, long pool, AtomicReference<DatapathState> state,
                QueueCounters[] rxCounters, LcoreTx tx, PendingVnics pending, GuestRequestQueue guestRequests,
                GuestRequestQueue tlsRequests, Arena arena, int burstSize) {
        super(port, inOrder(rxQueues), uplink, pool, state, rxCounters, tx, pending, arena, burstSize);
        this.guestRequests = guestRequests;
        this.tlsRequests = tlsRequests;
        this.target = target;
    }

    @Override
    boolean receivesNow() {
        Aggregation aggregation = target == null ? null : target.aggregation;
        return aggregation == null || !aggregation.distribution().isMember(port);
    }

    /** A guest port's drops are charged to the VNIC that sent the frame (a full ring, charged to its receiver, says so). */
    @Override
    int dropDirection() {
        return CaptureTap.OUTBOUND;
    }

    @Override
    void onState(DatapathState s) {
        sources = s.sources.of(port);
    }

    @Override
    void steer(DatapathState s, ParsedBurst b, int i, int q, QueueCounters c) {
        int kind = b.kind[i];
        int v = kind == PacketKind.MALFORMED ? -1 : sources.owner(b.srcMac[i]);
        if (v < 0 && kind != PacketKind.MALFORMED) {
            v = s.sources.unprotectedVnicOf(port);
        }
        DropReason refused = v < 0 ? (kind == PacketKind.MALFORMED ? DropReason.MALFORMED : DropReason.SPOOFED_SOURCE_MAC)
                : EgressChecks.refusal(s.tables, sources, b, i, kind, v);
        if (refused != null) {
            guestDrop(s, b, i, c, v, refused);
            return;
        }
        long m = b.mbuf[i];
        VnicCounters vc = s.counters[v];
        if (b.dstIp[i] == GuestServiceAddress.IP) {
            toService(b, i, v, vc, m);
            return;
        }
        TokenBucket policer = s.policers[v];
        if (policer != null && !policer.admit(b.pktLen[i], now)) { // nothing queues a guest's sends: policed
            vnicDrop(vc, DropReason.OVER_LIMIT, m);
            return;
        }
        int cls = classOf(s, b, i, v, false);
        if (cls == Identifier.DROP) {
            vnicDrop(vc, DropReason.OVER_LIMIT, m);
            return;
        }
        sent(vc, m, b.length[i]);
        int vns = s.tables.vnsOf(v);
        VnsState router = s.vnses[vns];
        if (b.dstMac[i] == router.routerMac || (kind == PacketKind.ARP && router.isOwn(b.dstIp[i]))) {
            toRouter(s, router, b, i, v, vc, m);
            return;
        }
        int vlan = s.tables.vlanOf(v);
        int steering = SoftwareClassifier.INSTANCE.classifyIn(s.tables, b, i, vlan, vns);
        if (steering >= 0) {
            toRing(s, steering, m, false, b, i, cls);
        } else if (steering == Classifier.FLOOD) {
            FabricState f = s.fabric;
            if (f != null && toRemoteOwner(f, b, i, vns, vlan, m)) {
                return;
            }
            if (f != null) {
                floodToPeers(f, m, vlan, b, i);
            }
            flood(s, s.floodDomain[v], v, m, false, b, i, true, vlan);
        } else if (steering == Classifier.OTHER_VNS) {
            vnicDrop(vc, DropReason.UNKNOWN_DESTINATION, m);
        } else {
            FabricState f = s.fabric;
            int remote = f == null ? -1 : f.remotes().vnicOf(b.dstMac[i], vlan);
            if (remote < 0) {
                toUplink(m, vlan, vc, cls, b, i);
            } else if (f.remotes().vnsOf(remote) != vns) { // another VNS's VNIC, on another appliance
                vnicDrop(vc, DropReason.UNKNOWN_DESTINATION, m);
            } else {
                toRemote(f, remote, m, vlan, b, i, cls);
            }
        }
    }

    /**
     * Counts a frame the guest sent that passed the egress checks, and hands it to the VNIC's capture when it has one.
     * Out of {@link #steer}: its bytecode must stay under the JIT's inlining limit (bin/jvm.options' FreqInlineSize) to
     * be compiled into the poll loop, and the capture's check pushed it over (7 % of the datapath's rate, measured).
     */
    private static void sent(VnicCounters vc, long m, int length) {
        vc.txPackets++;
        vc.txBytes += length;
        CaptureTap tap = vc.tap;
        if (tap != null) {
            tap.record(m, CaptureTap.OUTBOUND);
        }
    }

    /**
     * An ARP request for an address a remote VNIC of the sender's VNS and VLAN owns goes to that VNIC's appliance
     * alone, as a local owner's gets its ring alone; true when it went.
     */
    private boolean toRemoteOwner(FabricState f, ParsedBurst b, int i, int vns, int vlan, long m) {
        if (b.kind[i] != PacketKind.ARP || b.op[i] != 1) {
            return false;
        }
        int owner = f.remotes().ownerOf(vns, b.dstIp[i]);
        if (owner < 0 || f.remotes().vlanOf(owner) != vlan) {
            return false;
        }
        toRemote(f, owner, m, vlan, b, i, 0);
        return true;
    }

    /**
     * A frame for the VNIC's VNS router: an ARP request for one of its addresses is answered in place, IPv4 goes to the
     * VNIC's forwarding ring to be routed, anything else is dropped.
     */
    private void toRouter(DatapathState s, VnsState router, ParsedBurst b, int i, int v, VnicCounters vc, long m) {
        int kind = b.kind[i];
        if (kind == PacketKind.IPV4) {
            toRing(s, Classifier.forwarding(v), m, false, b, i);
        } else if (kind == PacketKind.ARP && b.op[i] == 1 && router.isOwn(b.dstIp[i])) {
            long frame = b.frame[i];
            ArpResponder.answerInPlace(frame, frame + b.l3[i], router.routerMac, b.dstIp[i]);
            tx.to(port).add(m);
        } else {
            vnicDrop(vc, DropReason.UNKNOWN_DESTINATION, m);
        }
    }

    /**
     * Drops a guest's frame and counts why: on its VNIC ({@code v}, or the port's only VNIC when the source MAC named
     * none), with the forged address for the warning, else on the port. Kept out of {@link #steer} so that the
     * accepting path stays small enough to be compiled into the poll loop.
     */
    private void guestDrop(DatapathState s, ParsedBurst b, int i, QueueCounters c, int v, DropReason reason) {
        long m = b.mbuf[i];
        int charged = v >= 0 ? v : s.sources.onlyVnicOf(port);
        if (reason.isSpoof()) {
            SpoofRecord evidence = (charged >= 0 ? s.counters[charged].lastSpoof : c.lastSpoof)[reason.ordinal()];
            switch (reason) {
                case SPOOFED_SOURCE_MAC -> evidence.record(reason, 0, b.srcMac[i]);
                case SPOOFED_SOURCE_IPV6 -> evidence.record(reason, b.src6Hi[i], b.src6Lo[i]);
                case SPOOFED_ARP_SENDER -> evidence.record(reason, PacketParser.arpSenderMac(b.frame[i] + b.l3[i]), b.srcIp[i]);
                default -> evidence.record(reason, 0, b.srcIp[i]);
            }
        }
        if (charged < 0) {
            portDrop(c, reason, m);
            return;
        }
        vnicDrop(s.counters[charged], reason, m);
    }

    /**
     * Traffic for the appliance's services never leaves it: a UDP request to the configuration service's port, or to
     * the TLS offload service's, goes to the control side (the VNIC it arrived on is the requester), an ARP request for its address is answered in place,
     * anything else to it is dropped.
     */
    private void toService(ParsedBurst b, int i, int v, VnicCounters vc, long m) {
        long frame = b.frame[i];
        long l3 = frame + b.l3[i];
        if (b.kind[i] == PacketKind.ARP) {
            if (b.op[i] == 1) {
                ArpResponder.answerInPlace(frame, l3, GuestServiceAddress.MAC_LONG, GuestServiceAddress.IP);
                tx.to(port).add(m);
            } else {
                addDrop(m);
            }
            return;
        }
        int ihl = (PacketParser.u8(l3) & 0x0f) * 4;
        int l4Room = b.length[i] - b.l3[i] - ihl;
        int servicePort = b.op[i] != 17 || l4Room < 8 ? -1 : PacketParser.be16(l3 + ihl + 2);
        GuestRequestQueue queue = servicePort == GuestServiceAddress.PORT ? guestRequests
                : servicePort == GuestServiceAddress.TLS_OFFLOAD_PORT ? tlsRequests : null;
        if (queue == null || !queue.isServed()) {
            vnicDrop(vc, DropReason.UNKNOWN_DESTINATION, m);
            return;
        }
        int udpLength = PacketParser.be16(l3 + ihl + 4);
        int payload = udpLength - 8;
        if (payload < 0 || udpLength > l4Room || payload > queue.maxPayload()) {
            vnicDrop(vc, DropReason.MALFORMED, m);
            return;
        }
        vc.guestRequests++;
        CaptureTap tap = vc.tap;
        if (tap != null) {
            tap.record(m, CaptureTap.OUTBOUND);
        }
        queue.offer(v, b.srcMac[i], b.srcIp[i], PacketParser.be16(l3 + ihl), l3 + ihl + 8, payload);
        release(m); // the payload was copied; the mbuf goes back to the pool
    }
}
