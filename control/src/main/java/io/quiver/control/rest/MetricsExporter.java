package io.quiver.control.rest;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.quiver.control.service.GuestRequestStats;
import io.quiver.control.service.QuiverService;
import io.quiver.control.service.Views;
import io.quiver.control.tls.TlsOffloadService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

/**
 * Prometheus metrics, read from the lcores' plain counters at scrape time (nothing on the fast path knows about
 * metrics): per port and per VNIC packets and drops by reason, and the guest request service's outcomes.
 */
final class MetricsExporter {
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
    private final PrometheusRegistry registry = new PrometheusRegistry();

    MetricsExporter(QuiverService service, GuestRequestStats guests, io.quiver.control.fabric.FabricDirectory fabric,
                    TlsOffloadService tlsOffload) {
        registry.register((MultiCollector) () -> snapshot(service.stats(guests), service.mbufs()));
        if (fabric != null) {
            registry.register((MultiCollector) () -> fabricSnapshot(fabric.view()));
        }
        if (tlsOffload != null) {
            registry.register((MultiCollector) () -> tlsOffloadSnapshot(tlsOffload.view()));
        }
    }

    /** The TLS offload service (docs/tls-offload.md): its work, what it holds, what it refused. */
    private static MetricSnapshots tlsOffloadSnapshot(TlsOffloadService.View v) {
        var requests = CounterSnapshot.builder().name("quiver_tls_offload_requests").help("Offload requests received, from sockets and VNICs");
        requests.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(v.requests()).build());
        var handshakes = CounterSnapshot.builder().name("quiver_tls_offload_handshakes").help("Offloaded handshakes completed");
        handshakes.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(v.handshakes()).build());
        var sessions = GaugeSnapshot.builder().name("quiver_tls_offload_sessions").help("Sessions the engine holds");
        sessions.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(v.sessions()).build());
        var secrets = GaugeSnapshot.builder().name("quiver_tls_offload_secrets").help("Secrets (handles) the engine holds");
        secrets.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(v.secrets()).build());
        var clients = GaugeSnapshot.builder().name("quiver_tls_offload_clients").help("Clients connected (sockets) or seen (VNICs)");
        clients.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(v.clients().size()).build());
        var ringFull = CounterSnapshot.builder().name("quiver_tls_offload_ring_full").help("Requests refused because the offload ring was full");
        ringFull.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(v.ringFull()).build());
        var foreign = CounterSnapshot.builder().name("quiver_tls_offload_foreign_handles")
                .help("Requests that named another client's handle (refused as unknown)");
        foreign.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(v.foreignHandles()).build());
        var failures = CounterSnapshot.builder().name("quiver_tls_offload_failures").help("Requests answered with a failure, by reason");
        v.failures().forEach((reason, n) -> failures.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(Labels.of("reason", reason)).value(n).build()));
        return MetricSnapshots.of(requests.build(), handshakes.build(), sessions.build(), secrets.build(), clients.build(),
                ringFull.build(), foreign.build(), failures.build());
    }

    /** The fabric's directory and each peer's traffic (docs/fabric.md). */
    private static MetricSnapshots fabricSnapshot(io.quiver.control.fabric.FabricDirectory.View v) {
        var reachable = GaugeSnapshot.builder().name("quiver_fabric_directory_reachable")
                .help("1 while the fabric's directory (etcd) is reachable; 0: forwarding on the last directory, changes refused");
        reachable.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(v.status().reachable() ? 1 : 0).build());
        var resyncs = CounterSnapshot.builder().name("quiver_fabric_directory_reads")
                .help("Times the whole directory was read afresh (at start and after every reconnection)");
        resyncs.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(v.status().resyncs()).build());
        var remotes = GaugeSnapshot.builder().name("quiver_fabric_remote_vnics").help("VNICs a peer appliance hosts, by the medium that reaches it");
        var packets = CounterSnapshot.builder().name("quiver_fabric_peer_packets").help("Frames to and from a peer appliance");
        var bytes = CounterSnapshot.builder().name("quiver_fabric_peer_bytes").help("Bytes of frames to and from a peer appliance");
        var drops = CounterSnapshot.builder().name("quiver_fabric_peer_drops")
                .help("Frames from a peer appliance dropped (or to it not sent), by reason");
        for (var p : v.peers()) {
            remotes.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("appliance", p.appliance(), "medium", p.medium()))
                    .value(p.remoteVnics()).build());
            packets.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("appliance", p.appliance(), "direction", "received"))
                    .value(p.rxPackets()).build());
            packets.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("appliance", p.appliance(), "direction", "sent"))
                    .value(p.txPackets()).build());
            bytes.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("appliance", p.appliance(), "direction", "received"))
                    .value(p.rxBytes()).build());
            bytes.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("appliance", p.appliance(), "direction", "sent"))
                    .value(p.txBytes()).build());
            p.drops().forEach((reason, n) -> drops.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(Labels.of("appliance", p.appliance(), "reason", reason)).value(n).build()));
        }
        return MetricSnapshots.of(reachable.build(), resyncs.build(), remotes.build(), packets.build(), bytes.build(), drops.build());
    }

    byte[] scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        return out.toByteArray();
    }

    private static MetricSnapshots snapshot(Views.Stats s, Views.Mbufs pool) {
        var portRx = CounterSnapshot.builder().name("quiver_port_rx_packets").help("Packets received on a port");
        var portTx = CounterSnapshot.builder().name("quiver_port_tx_packets").help("Packets transmitted on a port");
        var portDrops = CounterSnapshot.builder().name("quiver_port_drops").help("Packets dropped on a port, by reason: its ingress decisions and its full TX queues");
        var portNoMbuf = CounterSnapshot.builder().name("quiver_port_rx_nombuf").help("Receives that found no mbuf");
        var link = GaugeSnapshot.builder().name("quiver_port_link_up").help("1 when the port's link is up");
        for (Views.Port p : s.ports()) {
            Labels l = Labels.of("port", p.name(), "role", p.role());
            portRx.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(p.rxPackets()).build());
            portTx.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(p.txPackets()).build());
            portNoMbuf.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(p.rxNoMbuf()).build());
            link.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(l).value(p.linkUp() ? 1 : 0).build());
            for (Map.Entry<String, Long> d : p.drops().entrySet()) {
                portDrops.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(Labels.of("port", p.name(), "reason", d.getKey())).value(d.getValue()).build());
            }
        }
        var malformed = CounterSnapshot.builder().name("quiver_port_malformed")
                .help("Malformed frames received on a port, by why the parser refused them");
        for (Views.Port p : s.ports()) {
            for (var e : p.malformed().entrySet()) {
                malformed.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(Labels.of("port", p.name(), "reason", e.getKey())).value(e.getValue()).build());
            }
        }
        var mbufsInUse = GaugeSnapshot.builder().name("quiver_mbufs_in_use")
                .help("Packet buffers in use (rings, bursts, frames held for resolution): a number that only grows is a leak");
        mbufsInUse.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(pool.inUse()).build());
        var mbufs = GaugeSnapshot.builder().name("quiver_mbufs").help("Packet buffers in the pool");
        mbufs.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(pool.capacity()).build());
        var vnicRx = CounterSnapshot.builder().name("quiver_vnic_rx_packets").help("Packets delivered to a VNIC's guest");
        var vnicTx = CounterSnapshot.builder().name("quiver_vnic_tx_packets").help("Packets a VNIC's guest sent that passed the egress checks");
        var vnicFwd = CounterSnapshot.builder().name("quiver_vnic_forwarded_packets").help("Packets routed from a VNIC's forwarding ring");
        var vnicDrops = CounterSnapshot.builder().name("quiver_vnic_drops").help("Packets dropped for a VNIC, by reason");
        var vnicReq = CounterSnapshot.builder().name("quiver_vnic_guest_requests").help("Configuration requests a VNIC's guest sent");
        for (Views.Vnic v : s.vnics()) {
            Labels l = Labels.of("vnic", v.name());
            vnicRx.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(v.counters().rxPackets()).build());
            vnicTx.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(v.counters().txPackets()).build());
            vnicFwd.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(v.counters().forwarded()).build());
            vnicReq.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(v.counters().guestRequests()).build());
            for (Map.Entry<String, Long> d : v.counters().drops().entrySet()) {
                vnicDrops.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(Labels.of("vnic", v.name(), "reason", d.getKey())).value(d.getValue()).build());
            }
        }
        var guest = CounterSnapshot.builder().name("quiver_guest_requests").help("Guest configuration requests by outcome");
        guest.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("outcome", "accepted")).value(s.guestRequestsAccepted()).build());
        guest.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("outcome", "denied")).value(s.guestRequestsDenied()).build());
        guest.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("outcome", "rate_limited")).value(s.guestRequestsRateLimited()).build());
        guest.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("outcome", "malformed")).value(s.guestRequestsMalformed()).build());
        guest.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("outcome", "overflow")).value(s.guestRequestOverflows()).build());
        var vns = CounterSnapshot.builder().name("quiver_vns_packets")
                .help("What each VNS's router did, by event: routed, local, no_route, ttl_exceeded, too_big, arp_miss, held, "
                        + "held_dropped, icmp_sent, rate_limited, neighbour_dropped");
        for (Views.Vns v : s.vnses()) {
            Views.VnsCounters k = v.counters();
            long[] values = {k.routed(), k.local(), k.noRoute(), k.ttlExceeded(), k.tooBig(), k.arpMiss(), k.held(),
                    k.heldDropped(), k.icmpSent(), k.rateLimited(), k.neighbourDrops()};
            String[] events = {"routed", "local", "no_route", "ttl_exceeded", "too_big", "arp_miss", "held", "held_dropped",
                    "icmp_sent", "rate_limited", "neighbour_dropped"};
            for (int e = 0; e < events.length; e++) {
                vns.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(Labels.of("vns", v.name(), "event", events[e])).value(values[e]).build());
            }
        }
        var levelPackets = CounterSnapshot.builder().name("quiver_subscription_packets")
                .help("Packets of connections a subscription level or flow identified, handled at its class");
        var levelBytes = CounterSnapshot.builder().name("quiver_subscription_bytes").help("Their bytes");
        var levelConnections = CounterSnapshot.builder().name("quiver_subscription_connections")
                .help("Connections a subscription level or flow identified");
        var levelOver = CounterSnapshot.builder().name("quiver_subscription_over_limit")
                .help("Packets a subscription level's or flow's maxbw/maxpps dropped");
        for (Views.Subscription v : java.util.stream.Stream.concat(s.subscriptions().stream(), s.flows().stream()).toList()) {
            Labels l = Labels.of("level", v.name(), "kind", v.kind(), "class", v.priority());
            levelPackets.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(v.counters().packets()).build());
            levelBytes.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(v.counters().bytes()).build());
            levelConnections.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(v.counters().connections()).build());
            levelOver.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(v.counters().overLimit()).build());
        }
        var connections = GaugeSnapshot.builder().name("quiver_connections").help("Connections in the connection table");
        connections.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(s.connections()).build());
        var refused = CounterSnapshot.builder().name("quiver_connection_table_full")
                .help("Packets of new connections the full connection table could not admit (they stay at their default class)");
        refused.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(s.connectionsRefused()).build());
        var rules = GaugeSnapshot.builder().name("quiver_connection_rules")
                .help("Identified connections the NIC re-steers with an rte_flow rule (0 where the uplink classifies in software)");
        rules.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(s.connectionSteering().rules()).build());
        var rulesRefused = CounterSnapshot.builder().name("quiver_connection_rules_refused")
                .help("Connection rules not made: refused by the NIC, or by the lcore's full request ring (those keep their class in software)");
        rulesRefused.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("by", "nic"))
                .value(s.connectionSteering().refusedByNic()).build());
        rulesRefused.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("by", "ring"))
                .value(s.connectionSteering().refusedByRing()).build());
        var attached = GaugeSnapshot.builder().name("quiver_aggregation_member_attached")
                .help("1 while an aggregation's member carries traffic (attached), 0 while it is standby or down");
        var changes = CounterSnapshot.builder().name("quiver_aggregation_changes")
                .help("Times the members that carry an aggregation's traffic changed (failovers, joins, LACP agreements)");
        var noMember = CounterSnapshot.builder().name("quiver_aggregation_no_member_drops")
                .help("Packets for the network dropped because no member of the aggregation could carry them");
        var lacpdus = CounterSnapshot.builder().name("quiver_aggregation_lacpdus").help("LACPDUs a member received and sent");
        var controlLost = CounterSnapshot.builder().name("quiver_aggregation_control_frames_lost")
                .help("LACPDUs received while the control side lagged (in), and LACPDUs and announcements that never left (out)");
        for (Views.Aggregation a : s.aggregations()) {
            Labels al = Labels.of("aggregation", a.name());
            changes.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(al).value(a.changes()).build());
            noMember.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(al).value(a.noMemberDrops()).build());
            controlLost.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("aggregation", a.name(), "way", "in"))
                    .value(a.lacpduOverflows()).build());
            controlLost.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("aggregation", a.name(), "way", "out"))
                    .value(a.framesNotSent()).build());
            for (Views.AggregationMember m : a.members()) {
                Labels ml = Labels.of("aggregation", a.name(), "port", m.port());
                attached.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(ml)
                        .value(m.state().equals("attached") ? 1 : 0).build());
                if (m.lacp() != null) {
                    lacpdus.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                            .labels(Labels.of("aggregation", a.name(), "port", m.port(), "direction", "received")).value(m.lacp().received()).build());
                    lacpdus.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                            .labels(Labels.of("aggregation", a.name(), "port", m.port(), "direction", "sent")).value(m.lacp().sent()).build());
                }
            }
        }
        return MetricSnapshots.of(attached.build(), changes.build(), noMember.build(), lacpdus.build(), controlLost.build(), levelPackets.build(), levelBytes.build(), levelConnections.build(), levelOver.build(),
                connections.build(), refused.build(), rules.build(), rulesRefused.build(), portRx.build(), portTx.build(), portDrops.build(), portNoMbuf.build(), link.build(),
                vnicRx.build(), vnicTx.build(), vnicFwd.build(), vnicDrops.build(), vnicReq.build(), guest.build(), vns.build(), malformed.build(),
                mbufsInUse.build(), mbufs.build());
    }
}
