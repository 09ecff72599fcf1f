package io.quiver.dataplane.datapath;

import io.quiver.dataplane.classify.Classifier;
import io.quiver.dataplane.classify.SoftwareClassifier;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.fabric.FabricState;
import io.quiver.dataplane.fabric.PeerCounters;
import io.quiver.dataplane.guest.GuestRequestQueue;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.MalformedReason;
import io.quiver.dataplane.packet.PacketKind;
import io.quiver.dataplane.packet.PacketParser;
import io.quiver.dataplane.packet.ParsedBurst;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.port.LcoreTx;
import io.quiver.dataplane.port.Port;
import io.quiver.dataplane.port.QueueCounters;
import io.quiver.dataplane.port.TxBatcher;
import io.quiver.dataplane.ring.VnicRing;
import io.quiver.dataplane.vnic.VnicCounters;
import io.quiver.dataplane.vns.VnsState;
import io.quiver.dpdk.Mbufs;
import io.quiver.dpdk.NativeMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Why one frame goes where it goes (VPP's {@code trace}, OVS's {@code ofproto/trace}): the frame is put in a real mbuf
 * and steered by the same ingress code the lcore runs ({@link PortIngress#traceOne}: {@link UplinkIngress} or
 * {@link GuestEgress}), on a state of the trace's own ({@link DatapathState#forTrace}: the live tables, and rings,
 * counters, TX batchers and service queues that only the trace reads). What those then hold says where the lcore would
 * have sent it and what it would have counted; routing is {@link Router#decide}, what the router does. Nothing leaves,
 * no live counter moves, and every mbuf goes back to the pool. Runs on the control side, one trace at a time.
 */
public final class PacketTrace {
    /** One step and what it decided, e.g. ("anti-spoof", "refused: spoofed-src-ip"). */
    public record Stage(String name, String decision) {
    }

    /**
     * @param verdict  where the frame ends, in one line
     * @param dropped  the drop reason's label, or null when it is not dropped
     * @param frameOut the frame as it would leave a port (hex), or null when it leaves by none
     */
    public record Result(String port, List<Stage> stages, String verdict, String dropped, String frameOut) {
    }

    /** The trace's ingress bursts: one frame, with room for what a flood stages at once. */
    private static final int TRACE_BURST = 8;

    private final Datapath datapath;
    private final List<Stage> stages = new ArrayList<>();
    private final List<String> ends = new ArrayList<>();
    private String dropped;
    private String frameOut;
    /** A guest's frame: its VNIC (-1: none), and how it classifies once the egress checks pass. */
    private int sender = -1;
    private String guestClassification;

    private PacketTrace(Datapath datapath) {
        this.datapath = datapath;
    }

    /**
     * Traces {@code frame} as received on {@code port} under {@code live}, the datapath's current state.
     *
     * @param ingress the port's ingress: the uplink's (or an aggregation member's) or a guest port's
     */
    static Result run(Datapath datapath, DatapathState live, Port port, boolean uplink, UplinkTarget target, byte[] frame,
                      GuestRequestQueue guestRequests, GuestRequestQueue tlsRequests) {
        if (frame.length < 1 || frame.length > datapath.runtime().config().mbufDataRoom() - Mbufs.HEADROOM) {
            throw new IllegalArgumentException("a frame of 1 to " + (datapath.runtime().config().mbufDataRoom() - Mbufs.HEADROOM)
                    + " bytes, not " + frame.length);
        }
        return new PacketTrace(datapath).trace(live, port, uplink, target, frame, guestRequests, tlsRequests);
    }

    private Result trace(DatapathState live, Port port, boolean uplink, UplinkTarget target, byte[] frame,
                         GuestRequestQueue guestRequests, GuestRequestQueue tlsRequests) {
        long pool = datapath.runtime().pool().address();
        DatapathState s = live.forTrace();
        try (Arena arena = Arena.ofConfined()) {
            long m = Mbufs.alloc(pool);
            if (m == 0) {
                throw new IllegalStateException("no mbuf free to trace with: the pool is exhausted (frames drop as no-mbuf now)");
            }
            long data = Mbufs.append(m, frame.length);
            MemorySegment.copy(frame, 0, NativeMemory.ALL, ValueLayout.JAVA_BYTE, data, frame.length);
            QueueCounters rx = new QueueCounters("trace", 0);
            LcoreTx tx = LcoreTx.holding(datapath.runtime().ports().values(), arena);
            ParsedBurst before = parse(m);
            stages.add(new Stage("receive", (uplink ? "uplink port " : "guest port ") + port.name() + ", " + frame.length + " bytes"));
            stages.add(new Stage("parse", describe(before)));
            PortIngress ingress = uplink
                    ? new UplinkIngress(port.id(), new int[] {0}, pool, new AtomicReference<>(s), SoftwareClassifier.INSTANCE,
                    new QueueCounters[] {rx}, tx, null, arena, TRACE_BURST, target)
                    : new GuestEgress(port.id(), 1, new UplinkChoice(target, true), target, pool, new AtomicReference<>(s),
                    new QueueCounters[] {rx}, tx, null, sandbox(guestRequests), sandbox(tlsRequests), arena, TRACE_BURST);
            if (uplink) {
                ingress.receivesNow(); // the aggregation's distribution for this frame, as at the start of a poll
            }
            if (uplink && before.dstMac[0] == Ethernet.SLOW_PROTOCOLS && target.aggregation != null) {
                Mbufs.free(m); // LACP's own: the trace does not feed the aggregation's LACP machine
                return finish(port, "to the aggregation's LACP machine (control side): a trace does not feed it");
            }
            if (!uplink) {
                source(s, port, before);
            } else {
                stages.add(new Stage("classify", classification(s, SoftwareClassifier.INSTANCE.classify(s.tables, before, 0, 0, before.vlan[0]))));
            }
            boolean steered = false;
            try {
                ingress.traceOne(s, m, rx, System.nanoTime());
                steered = true;
                outcome(s, port, rx, tx, ingress);
            } catch (RuntimeException e) { // a bug of the trace or the datapath: the pool gets its mbufs back all the same
                release(s, tx, ingress, steered ? 0 : m);
                throw e;
            }
        }
        return finish(port, null);
    }

    /** Frees whatever the trace's rings, TX batchers and dropped burst still hold, and {@code m} unless 0. */
    private static void release(DatapathState s, LcoreTx tx, PortIngress ingress, long m) {
        if (m != 0) {
            Mbufs.free(m);
        }
        for (int v = 0; v < s.vnics.length; v++) {
            if (s.vnics[v] != null) {
                for (VnicRing r : s.classRings[v]) {
                    if (r != null) {
                        r.drain(Mbufs::free);
                    }
                }
                s.forwardingRings[v].drain(Mbufs::free);
            }
        }
        for (VnsState vns : s.vnses) {
            if (vns != null) {
                vns.ring.drain(Mbufs::free);
            }
        }
        for (TxBatcher b : tx.batchers()) {
            for (long held : b.takeHeld()) {
                Mbufs.free(held);
            }
        }
        ingress.releaseTraced();
    }

    private Result finish(Port port, String verdict) {
        String v = verdict != null ? verdict : dropped != null ? "dropped: " + dropped + " (" + String.join("; ", ends) + ")"
                : ends.isEmpty() ? "consumed (no ring, no port)" : String.join("; ", ends);
        return new Result(port.name(), List.copyOf(stages), v, dropped, frameOut);
    }

    private static ParsedBurst parse(long m) {
        ParsedBurst b = new ParsedBurst(1);
        b.mbuf[0] = m;
        b.frame[0] = Mbufs.data(m);
        b.length[0] = Mbufs.dataLen(m);
        b.pktLen[0] = Mbufs.pktLen(m);
        PacketParser.parse(b, 0);
        return b;
    }

    private static String describe(ParsedBurst b) {
        String macs = Ethernet.formatMac(b.srcMac[0]) + " > " + Ethernet.formatMac(b.dstMac[0]);
        String vlan = b.tags[0] == 0 ? "" : b.tags[0] == 1 ? ", VLAN " + b.vlan[0] : ", Q-in-Q outer VLAN " + b.vlan[0] + " inner " + b.innerVlan[0];
        return switch (b.kind[0]) {
            case PacketKind.MALFORMED -> "malformed: " + MalformedReason.values()[b.malformed[0]].label();
            case PacketKind.IPV4 -> "IPv4 " + protocol(b.op[0]) + " " + UdpFrameBuilder.formatIpv4(b.srcIp[0]) + " > "
                    + UdpFrameBuilder.formatIpv4(b.dstIp[0]) + ", " + macs + vlan + (b.fragment[0] ? ", a fragment" : "");
            case PacketKind.ARP -> "ARP " + (b.op[0] == 1 ? "request" : b.op[0] == 2 ? "reply" : "op " + b.op[0]) + " "
                    + UdpFrameBuilder.formatIpv4(b.srcIp[0]) + " > " + UdpFrameBuilder.formatIpv4(b.dstIp[0]) + ", " + macs + vlan;
            case PacketKind.IPV6 -> "IPv6 " + io.quiver.configstore.model.Ipv6Address.format(b.src6Hi[0], b.src6Lo[0]) + " > "
                    + io.quiver.configstore.model.Ipv6Address.format(b.dst6Hi[0], b.dst6Lo[0]) + ", " + macs + vlan;
            default -> "ethertype other than IPv4, IPv6 and ARP, " + macs + vlan;
        };
    }

    private static String protocol(int p) {
        return switch (p) {
            case 1 -> "ICMP";
            case 6 -> "TCP";
            case 17 -> "UDP";
            default -> "protocol " + p;
        };
    }

    /** A guest port: which of its VNICs sends with the frame's source MAC. */
    private void source(DatapathState s, Port port, ParsedBurst b) {
        if (b.kind[0] == PacketKind.MALFORMED) {
            return;
        }
        int v = s.sources.of(port.id()).owner(b.srcMac[0]);
        int unprotected = s.sources.unprotectedVnicOf(port.id());
        stages.add(new Stage("source", v >= 0 ? "VNIC " + name(s, v) + " sends with " + Ethernet.formatMac(b.srcMac[0])
                : unprotected >= 0 ? "VNIC " + name(s, unprotected) + " (its MAC is not protected)"
                : "no VNIC on port " + port.name() + " sends with " + Ethernet.formatMac(b.srcMac[0])));
        sender = v >= 0 ? v : unprotected;
        if (sender >= 0) {
            int steering = SoftwareClassifier.INSTANCE.classifyIn(s.tables, b, 0, s.tables.vlanOf(sender), s.tables.vnsOf(sender));
            guestClassification = "in VNS " + s.vnses[s.tables.vnsOf(sender)].name + ", VLAN " + s.tables.vlanOf(sender) + ": "
                    + (steering == Classifier.UNKNOWN ? "no VNIC here has this MAC: to the uplink (or a remote VNIC's appliance)"
                    : classification(s, steering));
        }
    }

    private static String classification(DatapathState s, int steering) {
        if (steering >= 0) {
            int v = Classifier.vnicOf(steering);
            return Classifier.isForwarding(steering) ? "VNIC " + name(s, v) + "'s MAC, an address it does not own: its forwarding ring (routed)"
                    : "VNIC " + name(s, v) + ": its local ring";
        }
        return switch (steering) {
            case Classifier.FLOOD -> "a broadcast or multicast: flooded in its VLAN";
            case Classifier.OTHER_VNS -> "a VNIC of another VNS";
            case Classifier.MALFORMED -> "malformed";
            default -> "no VNIC's MAC in this VLAN";
        };
    }

    /** Reads where the frame went: the trace's counters, rings, TX batchers and service queues. */
    private void outcome(DatapathState s, Port port, QueueCounters rx, LcoreTx tx, PortIngress ingress) {
        for (int r = 0; r < DropReason.COUNT; r++) {
            if (rx.drops[r] > 0) {
                drop(DropReason.values()[r], "counted on port " + port.name());
            }
        }
        if (sender >= 0 && !refusedBySender(s)) {
            stages.add(new Stage("anti-spoof", "passed: VNIC " + name(s, sender) + "'s egress checks" + policer(s, sender)));
            stages.add(new Stage("classify", guestClassification));
        }
        for (int v = 0; v < s.counters.length; v++) {
            VnicCounters k = s.counters[v];
            if (k == null) {
                continue;
            }
            if (k.guestRequests > 0) {
                stages.add(new Stage("service", "the appliance's service address: the frame's payload is a request of VNIC " + name(s, v)));
                ends.add("to the appliance's service, as VNIC " + name(s, v) + "'s request");
            }
            for (int r = 0; r < DropReason.COUNT; r++) {
                if (k.ingressDrops[r] > 0) {
                    DropReason reason = DropReason.values()[r];
                    if (reason.isSpoof() || isGuestCheck(reason)) {
                        stages.add(new Stage("anti-spoof", "refused: " + reason.label()));
                    }
                    drop(reason, "counted on VNIC " + name(s, v));
                }
            }
            rings(s, v);
        }
        for (VnsState vns : s.vnses) {
            if (vns != null && vns.ring.queued() > 0) {
                stages.add(new Stage("ring", "VNS " + vns.name + "'s router ring (frames from the uplink for its router)"));
                vns.ring.drain(m -> routeFromUplink(s, vns, m));
            }
        }
        FabricState f = s.fabric;
        if (f != null) {
            for (int p = 0; p < f.peerCount(); p++) {
                PeerCounters pc = f.counters(p);
                if (pc.txPackets > 0) {
                    ends.add("to appliance " + f.peer(p).appliance() + " by " + f.peer(p).medium().wireName());
                }
                for (int r = 0; r < DropReason.COUNT; r++) {
                    if (pc.drops[r] > 0) {
                        drop(DropReason.values()[r], "counted on fabric peer " + f.peer(p).appliance());
                    }
                }
            }
        }
        for (TxBatcher b : tx.batchers()) {
            for (long m : b.takeHeld()) {
                String out = datapath.portName(b.port());
                boolean answered = b.port() == port.id();
                stages.add(new Stage("tx", "port " + out + (answered ? " (answered in place: back where it came from)" : "")));
                ends.add((answered ? "answered, out port " : "out port ") + out);
                frameOut = HexFormat.of().formatHex(bytes(m));
                Mbufs.free(m);
            }
        }
        ingress.releaseTraced();
    }

    /** Whether the guest's egress checks refused the frame (a spoof, a tag, its MTU...), charged to its VNIC. */
    private boolean refusedBySender(DatapathState s) {
        long[] drops = s.counters[sender].ingressDrops;
        for (int r = 0; r < DropReason.COUNT; r++) {
            DropReason reason = DropReason.values()[r];
            if (drops[r] > 0 && (reason.isSpoof() || isGuestCheck(reason) || reason == DropReason.MALFORMED)) {
                return true;
            }
        }
        return false;
    }

    private static String policer(DatapathState s, int v) {
        return s.policers[v] == null ? ""
                : s.counters[v].ingressDrops[DropReason.OVER_LIMIT.ordinal()] > 0 ? "; but its bandwidth-limit's tokens are spent now"
                : "; within its bandwidth-limit";
    }

    private static boolean isGuestCheck(DropReason r) {
        return switch (r) {
            case TAGGED_FROM_GUEST, RA_GUARD, DHCP_GUARD, RESTRICTED_ETHERTYPE, MTU_EXCEEDED, SLOW_PROTOCOLS -> true;
            default -> false;
        };
    }

    private void drop(DropReason reason, String where) {
        dropped = dropped == null ? reason.label() : dropped + ", " + reason.label();
        stages.add(new Stage("drop", reason.label() + ", " + where));
        ends.add(where);
    }

    /** What VNIC {@code v}'s trace rings hold: delivered to it, or to be routed from its forwarding ring. */
    private void rings(DatapathState s, int v) {
        VnicRing[] classes = s.classRings[v];
        for (int c = 0; c < classes.length; c++) {
            VnicRing ring = classes[c];
            if (ring != null && ring.queued() > 0) {
                int cls = c;
                VnicRing liveRing = s.vnics[v].classRing(cls);
                stages.add(new Stage("ring", "VNIC " + name(s, v) + "'s " + (cls == 0 ? "local ring" : "ring of class " + cls)
                        + live(liveRing)));
                if (liveRing != null && liveRing.queued() >= liveRing.capacity()) { // what stage() would say now: FULL
                    drop(DropReason.RING_FULL, "counted on VNIC " + name(s, v) + ": its ring is full now");
                } else {
                    ends.add("delivered to VNIC " + name(s, v));
                }
                ring.drain(Mbufs::free);
            }
        }
        VnicRing forwarding = s.forwardingRings[v];
        if (forwarding.queued() > 0) {
            stages.add(new Stage("ring", "VNIC " + name(s, v) + "'s forwarding ring" + live(s.vnics[v].forwardingRing())));
            forwarding.drain(m -> route(s, s.tables.vnsOf(v), m));
        }
    }

    /** How full the live ring is now: a frame finding it full is dropped as ring-full. */
    private static String live(VnicRing ring) {
        return ring == null ? "" : " (the live ring holds " + ring.queued() + " of " + ring.capacity() + " now)";
    }

    private void routeFromUplink(DatapathState s, VnsState vns, long m) {
        if (Ethernet.etherType(Mbufs.data(m)) == PacketParser.ETHERTYPE_ARP) {
            stages.add(new Stage("route", "ARP for VNS " + vns.name + "'s router: a reply teaches a neighbour, a request for "
                    + UdpFrameBuilder.formatIpv4(vns.uplinkIp) + " is answered"));
            ends.add("to VNS " + vns.name + "'s router (ARP)");
            Mbufs.free(m);
            return;
        }
        route(s, vns.index, m);
    }

    /** The router's decision for the IPv4 packet in {@code m} entering VNS {@code vns} ({@link Router#decide}). */
    private void route(DatapathState s, int vns, long m) {
        long ip = Mbufs.data(m) + Ethernet.HEADER_LENGTH;
        int dst = PacketParser.be32(ip + 16);
        int length = PacketParser.be16(ip + 2);
        long decision = Router.decide(s, vns, dst, io.quiver.dataplane.packet.Ipv4.ttl(ip));
        VnsState v = s.vnses[Router.decidedIn(decision)];
        int arg = Router.decidedArgument(decision);
        String in = "VNS " + v.name + (Router.decidedIn(decision) == vns ? "" : " (through VNS " + s.vnses[vns].name + "'s route)");
        switch (Router.decidedKind(decision)) {
            case Router.LOCAL -> end("route", in + ": for the router itself (an ICMP echo request is answered, the rest dropped)",
                    "to VNS " + v.name + "'s router");
            case Router.TTL_EXPIRES -> routed(s, DropReason.TTL_EXPIRED, in + ": the TTL expires (an ICMP time-exceeded goes back)", vns);
            case Router.TO_VNIC -> {
                int limit = s.tables.frameLimitOf(arg) - Ethernet.HEADER_LENGTH;
                if (length > limit) {
                    routed(s, DropReason.TOO_BIG, in + ": to VNIC " + name(s, arg) + ", but " + length + " bytes exceed its MTU " + limit, vns);
                } else {
                    end("route", in + ": to VNIC " + name(s, arg), "routed to VNIC " + name(s, arg));
                }
            }
            case Router.LOOP -> routed(s, DropReason.ROUTING_LOOP, in + ": cross-VNS routes lead through more than "
                    + Router.MAX_VNS_HOPS + " VNSes", vns);
            case Router.TO_NEIGHBOUR -> {
                if (length > v.mtu) {
                    routed(s, DropReason.TOO_BIG, in + ": to neighbour " + UdpFrameBuilder.formatIpv4(arg) + ", but " + length
                            + " bytes exceed the VNS's MTU " + v.mtu, vns);
                } else {
                    String state = v.neighbours.stateOf(arg);
                    end("route", in + ": to neighbour " + UdpFrameBuilder.formatIpv4(arg) + " on the uplink, " + state
                                    + (state.equals("none") || state.equals("incomplete") ? " (held while an ARP request asks for it)"
                                    : " at " + Ethernet.formatMac(v.neighbours.macOf(arg))),
                            "routed to " + UdpFrameBuilder.formatIpv4(arg) + " by the uplink");
                }
            }
            case Router.TO_GATEWAY_MAC -> {
                if (length > v.mtu) {
                    routed(s, DropReason.TOO_BIG, in + ": to the uplink's gateway, but " + length + " bytes exceed the VNS's MTU " + v.mtu, vns);
                } else {
                    end("route", in + ": to the gateway " + Ethernet.formatMac(v.hops.mac(arg)) + " by the uplink",
                            "routed to the uplink's gateway");
                }
            }
            default -> routed(s, DropReason.NO_ROUTE, in + ": no route to " + UdpFrameBuilder.formatIpv4(dst)
                    + " (an ICMP net-unreachable goes back)", vns);
        }
        Mbufs.free(m);
    }

    private void end(String stage, String decision, String end) {
        stages.add(new Stage(stage, decision));
        ends.add(end);
    }

    private void routed(DatapathState s, DropReason reason, String decision, int vns) {
        stages.add(new Stage("route", decision));
        drop(reason, "by VNS " + s.vnses[vns].name);
    }

    private static String name(DatapathState s, int v) {
        return s.vnics[v].name();
    }

    private static byte[] bytes(long m) {
        byte[] out = new byte[Mbufs.dataLen(m)];
        MemorySegment.copy(NativeMemory.ALL, ValueLayout.JAVA_BYTE, Mbufs.data(m), out, 0, out.length);
        return out;
    }

    /** A queue like {@code live} (served or not, the same largest payload) that only the trace's frame reaches. */
    private static GuestRequestQueue sandbox(GuestRequestQueue live) {
        GuestRequestQueue q = new GuestRequestQueue(4, live.maxPayload());
        q.served(live.isServed());
        return q;
    }
}
