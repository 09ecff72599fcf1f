package io.quiver.dataplane.datapath;

import io.quiver.dataplane.classify.Classifier;
import io.quiver.dataplane.classify.SoftwareClassifier;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.guest.GuestRequestQueue;
import io.quiver.dataplane.guest.GuestServiceAddress;
import io.quiver.dataplane.packet.ArpResponder;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.lcore.PollTask;
import io.quiver.dataplane.packet.PacketKind;
import io.quiver.dataplane.packet.PacketParser;
import io.quiver.dataplane.packet.ParsedBurst;
import io.quiver.dataplane.packet.Vlan;
import io.quiver.dataplane.port.MbufBurst;
import io.quiver.dataplane.port.QueueCounters;
import io.quiver.dataplane.ring.VnicRing;
import io.quiver.dataplane.vnic.VnicCounters;
import io.quiver.dpdk.EthDev;
import io.quiver.dpdk.Mbufs;
import java.lang.foreign.Arena;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Receives on one port and steers every packet: parse once, then
 * <ul>
 *   <li>from the <b>uplink</b>: classify (hardware queue or software lookup) into a VNIC's local or forwarding ring,
 *       flood within the VLAN, or drop an unknown destination;</li>
 *   <li>from a <b>guest port</b>: the egress checks first (source MAC must be the VNIC's primary or a registered
 *       secondary MAC; IPv4 source and ARP sender must be its own addresses; no VLAN tags), then to another VNIC's
 *       ring (never the wire), a flood within its VLAN plus the uplink, or the uplink.</li>
 * </ul>
 * Everything a burst drops is freed with one bulk call; counters say why.
 */
final class PortIngress implements PollTask {
    private static final int DHCP_BROADCAST = -1;

    private final int port;
    private final int rxQueues;
    private final boolean uplink;
    private final int uplinkPort;
    private final long pool;
    private final AtomicReference<DatapathState> state;
    private final Classifier classifier;
    private final QueueCounters[] rxCounters;
    private final LcoreTx tx;
    private final PendingVnics pending;
    private final GuestRequestQueue guestRequests;
    private final MbufBurst rx;
    private final MbufBurst drop;
    private final ParsedBurst parsed;
    private int dropsThisBurst;
    /** Rings staged into during this burst, published together at its end. */
    private final VnicRing[] staged;
    private int stagedCount;

    PortIngress(int port, int rxQueues, boolean uplink, int uplinkPort, long pool, AtomicReference<DatapathState> state,
                Classifier classifier, QueueCounters[] rxCounters, LcoreTx tx, PendingVnics pending,
                GuestRequestQueue guestRequests, Arena arena, int burstSize) {
        this.port = port;
        this.rxQueues = rxQueues;
        this.uplink = uplink;
        this.uplinkPort = uplinkPort;
        this.pool = pool;
        this.state = state;
        this.classifier = uplink ? classifier : SoftwareClassifier.INSTANCE;
        this.rxCounters = rxCounters;
        this.tx = tx;
        this.pending = pending;
        this.guestRequests = guestRequests;
        this.rx = new MbufBurst(arena, burstSize);
        this.drop = new MbufBurst(arena, burstSize);
        this.parsed = new ParsedBurst(burstSize);
        this.staged = new VnicRing[burstSize * 2];
    }

    @Override
    public int poll() {
        final DatapathState s = state.get();
        int total = 0;
        for (int q = 0; q < rxQueues; q++) {
            int n = EthDev.rxBurst(port, q, rx.segment(), rx.capacity());
            if (n == 0) {
                continue;
            }
            total += n;
            QueueCounters c = rxCounters[q];
            final ParsedBurst b = parsed;
            long bytes = 0;
            for (int i = 0; i < n; i++) {
                long m = rx.get(i);
                b.mbuf[i] = m;
                b.frame[i] = Mbufs.data(m);
                int len = Mbufs.dataLen(m);
                b.length[i] = len;
                bytes += Mbufs.pktLen(m);
                PacketParser.parse(b, i);
            }
            c.packets += n;
            c.bytes += bytes;
            for (int i = 0; i < n; i++) {
                if (uplink) {
                    fromUplink(s, b, i, q, c);
                } else {
                    fromGuest(s, b, i, c);
                }
            }
            for (int k = 0; k < stagedCount; k++) {
                staged[k].publishStaged();
            }
            stagedCount = 0;
            c.dropped += dropsThisBurst;
            dropsThisBurst = 0;
            drop.freeAll();
        }
        if (total > 0) {
            tx.flushAll();
        }
        return total;
    }

    private void fromUplink(DatapathState s, ParsedBurst b, int i, int q, QueueCounters c) {
        long m = b.mbuf[i];
        int vlan = b.vlan[i];
        int r = classifier.classify(s.tables, b, i, q, vlan);
        if (r >= 0) {
            toRing(s, r, m, vlan != 0, b, i);
        } else if (r == Classifier.FLOOD) {
            int[] domain = s.vnicsByVlan[vlan];
            if (domain == null) {
                portDrop(c, DropReason.UNKNOWN_DESTINATION, m);
            } else {
                flood(s, domain, -1, m, vlan != 0, b, i, false, 0);
            }
        } else {
            portDrop(c, r == Classifier.MALFORMED ? DropReason.MALFORMED : DropReason.UNKNOWN_DESTINATION, m);
        }
    }

    private void fromGuest(DatapathState s, ParsedBurst b, int i, QueueCounters c) {
        int kind = b.kind[i];
        int v = kind == PacketKind.MALFORMED ? -1 : s.sourcesByPort[port].get(b.srcMac[i], 0);
        DropReason refused = v < 0 ? (kind == PacketKind.MALFORMED ? DropReason.MALFORMED : DropReason.SPOOFED_SOURCE_MAC)
                : egressRefusal(s, b, i, kind, v);
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
        vc.txPackets++;
        vc.txBytes += b.length[i];
        int vlan = s.tables.vlanOf(v);
        int r = SoftwareClassifier.INSTANCE.classify(s.tables, b, i, 0, vlan);
        if (r >= 0) {
            toRing(s, r, m, false, b, i);
        } else if (r == Classifier.FLOOD) {
            flood(s, s.floodDomain[v], v, m, false, b, i, true, vlan);
        } else {
            toUplink(m, vlan, vc);
        }
    }

    /**
     * The egress checks after the source MAC named VNIC {@code v}: no VLAN tag from a guest, an IPv4 source or an ARP
     * sender (protocol and hardware address) of its own. Null when the frame may go.
     */
    private DropReason egressRefusal(DatapathState s, ParsedBurst b, int i, int kind, int v) {
        if (b.vlan[i] != 0 || b.l3[i] != Ethernet.HEADER_LENGTH) {
            return DropReason.TAGGED_FROM_GUEST;
        }
        if (kind == PacketKind.IPV4) {
            int sip = b.srcIp[i];
            if (!s.tables.owns(v, sip) && !(sip == 0 && b.dstIp[i] == DHCP_BROADCAST)) {
                return DropReason.SPOOFED_SOURCE_IP;
            }
        } else if (kind == PacketKind.ARP) {
            int sender = b.srcIp[i];
            long senderMac = PacketParser.arpSenderMac(b.frame[i] + b.l3[i]);
            // the sender MAC must be one of v's; the frame's source MAC already is, so only another needs a lookup
            if ((sender != 0 && !s.tables.owns(v, sender))
                    || (senderMac != b.srcMac[i] && s.sourcesByPort[port].get(senderMac, 0) != v)) {
                return DropReason.SPOOFED_ARP_SENDER;
            }
        }
        return null;
    }

    /**
     * Drops a guest's frame and counts why: on its VNIC ({@code v}, or the port's only VNIC when the source MAC named
     * none), with the forged address for the warning, else on the port. Kept out of {@link #fromGuest} so that the
     * accepting path stays small enough to be compiled into the poll loop.
     */
    private void guestDrop(DatapathState s, ParsedBurst b, int i, QueueCounters c, int v, DropReason reason) {
        long m = b.mbuf[i];
        int charged = v >= 0 ? v : s.onlyVnicOfPort[port];
        if (charged < 0) {
            portDrop(c, reason, m);
            return;
        }
        VnicCounters vc = s.counters[charged];
        if (reason == DropReason.SPOOFED_SOURCE_MAC) {
            vc.lastForgedMac = b.srcMac[i];
        } else if (reason == DropReason.SPOOFED_SOURCE_IP || reason == DropReason.SPOOFED_ARP_SENDER) {
            vc.lastForgedIp = b.srcIp[i];
        }
        vnicDrop(vc, reason, m);
    }

    /**
     * Traffic for the configuration service never leaves the appliance: a UDP request to its port goes to the
     * control side (the VNIC it arrived on is the requester), an ARP request for its address is answered in place,
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
        if (b.op[i] != 17 || l4Room < 8 || PacketParser.be16(l3 + ihl + 2) != GuestServiceAddress.PORT) {
            vnicDrop(vc, DropReason.UNKNOWN_DESTINATION, m);
            return;
        }
        int udpLength = PacketParser.be16(l3 + ihl + 4);
        int payload = udpLength - 8;
        if (payload < 0 || udpLength > l4Room || payload > GuestServiceAddress.MAX_PAYLOAD) {
            vnicDrop(vc, DropReason.MALFORMED, m);
            return;
        }
        vc.guestRequests++;
        guestRequests.offer(v, b.srcMac[i], b.srcIp[i], PacketParser.be16(l3 + ihl), l3 + ihl + 8, payload);
        release(m); // the payload was copied; the mbuf goes back to the pool
    }

    private void toRing(DatapathState s, int r, long m, boolean tagged, ParsedBurst b, int i) {
        int vnic = Classifier.vnicOf(r);
        boolean forwarding = Classifier.isForwarding(r);
        VnicRing ring = forwarding ? s.vnics[vnic].forwardingRing() : s.localRings[vnic];
        int r2 = ring.stage(m, tagged, b.dstIp[i], b.l3[i]);
        if (r2 < 0) {
            vnicDrop(s.counters[vnic], DropReason.RING_FULL, m);
            return;
        }
        if (r2 > 0) { // the ring's first packet since it was last published: remember to publish and to deliver it
            if (stagedCount == staged.length) { // more rings than slots (floods): publish early
                for (int k = 0; k < stagedCount; k++) {
                    staged[k].publishStaged();
                }
                stagedCount = 0;
            }
            staged[stagedCount++] = ring;
            if (pending != null) {
                if (forwarding) {
                    pending.markForwarding(vnic);
                } else {
                    pending.mark(vnic);
                }
            }
        }
    }

    /**
     * Delivers a broadcast to every VNIC of {@code domain} but {@code except}, and to the uplink when it came from a
     * guest. The original goes to the last receiver; the others get copies (floods are rare: ARP and the like).
     */
    private void flood(DatapathState s, int[] domain, int except, long m, boolean tagged, ParsedBurst b, int i,
                       boolean alsoUplink, int vlan) {
        int receivers = domain.length - (except >= 0 ? 1 : 0);
        int sent = 0;
        for (int w : domain) {
            if (w == except) {
                continue;
            }
            boolean last = ++sent == receivers && !alsoUplink;
            long copy = last ? m : Mbufs.copy(m, pool);
            if (copy == 0) {
                s.counters[w].drops[DropReason.NO_MBUF.ordinal()]++;
                continue;
            }
            toRing(s, Classifier.local(w), copy, tagged, b, i);
        }
        if (alsoUplink) {
            toUplink(m, vlan, except >= 0 ? s.counters[except] : null);
        } else if (receivers == 0) { // no one to deliver to (cannot happen with today's flood domains): counted
            addDrop(m);
        }
    }

    private void toUplink(long m, int vlan, VnicCounters charge) {
        if (vlan != 0 && !Vlan.insert(m, vlan)) {
            if (charge != null) {
                vnicDrop(charge, DropReason.MALFORMED, m);
            } else {
                addDrop(m);
            }
            return;
        }
        tx.to(uplinkPort).add(m);
    }

    private void vnicDrop(VnicCounters vc, DropReason reason, long m) {
        vc.drops[reason.ordinal()]++;
        addDrop(m);
    }

    private void portDrop(QueueCounters c, DropReason reason, long m) {
        c.drops[reason.ordinal()]++;
        addDrop(m);
    }

    private void addDrop(long m) {
        dropsThisBurst++;
        release(m);
    }

    /** Returns an mbuf to the pool with the burst's others (one bulk free), without counting a drop. */
    private void release(long m) {
        if (drop.isFull()) {
            drop.freeAll();
        }
        drop.add(m);
    }

    @Override
    public void drain() {
        drop.freeAll();
        tx.flushAll();
    }
}
