package io.quiver.control.service;

import java.util.List;
import java.util.Map;

/** What the service shows: plain records the REST API serialises and the CLI prints. */
public final class Views {
    private Views() {
    }

    /** A VNIC: its parameters from the database, its attachment, its live counters. */
    public record Vnic(String name, String port, String mac, List<String> secondaryMacs, List<String> ipv4, List<String> ipv6,
                       int vlan, Map<String, String> properties, Counters counters) {
    }

    public record Counters(long rxPackets, long rxBytes, long txPackets, long txBytes, long forwarded, long guestRequests,
                           Map<String, Long> drops) {
    }

    /** The packet pool's buffers: in use and in all. */
    public record Mbufs(int inUse, int capacity) {
    }

    /** A port; {@code drops} sums its {@code ingressDrops} (decided on what it received) and {@code egressDrops} (TX). */
    public record Port(String name, int ethdev, String devargs, String driver, int mtu, String role, String classifier,
                       boolean linkUp, long linkChanges, long rxPackets, long rxBytes, List<Long> rxPacketsByQueue, long txPackets, long txBytes,
                       long dropped, long rxNoMbuf,
                       Map<String, Long> drops, Map<String, Long> ingressDrops, Map<String, Long> egressDrops,
                       Map<String, Long> malformed) {
    }

    public record Stats(List<Port> ports, List<Vnic> vnics, long guestRequestsAccepted, long guestRequestsDenied,
                        long guestRequestsRateLimited, long guestRequestsMalformed, long guestRequestOverflows,
                        Latency guestRequestLatency, Map<String, Latency> guestRequestStages, List<Vns> vnses,
                        List<Subscription> subscriptions, List<Subscription> flows, long connections, long connectionsRefused,
                        Steering connectionSteering, List<Aggregation> aggregations) {
    }

    /** Request-to-dataplane-effect latency of accepted guest requests, in microseconds. */
    public record Latency(long count, double p50Micros, double p99Micros, double p999Micros, double maxMicros) {
    }

    /** The request to create a VNIC. */
    public record CreateVnic(String name, String port, String mac, List<String> secondaryMacs, List<String> ipv4, List<String> ipv6,
                             Integer vlan, Map<String, String> properties) {
    }

    public record Audit(long sequence, String time, String requester, String action, String vnic, String parameter,
                        String value, boolean committed, String denial, String reason) {
    }

    /** A VNS: its properties from the database and its router's live counters. */
    public record Vns(String name, String routerMac, Map<String, String> properties, int routes, int fibEntries, int neighbours,
                      VnsCounters counters) {
    }

    public record VnsCounters(long routed, long local, long noRoute, long ttlExceeded, long tooBig, long icmpSent,
                              long rateLimited, long malformed, long loops, long full, long arpMiss, long held,
                              long heldDropped, long probesSent, long neighbourDrops) {
    }

    /** The request to create a VNS: its name and any properties (set-vnsprop's names). */
    public record CreateVns(String name, Map<String, String> properties) {
    }

    /**
     * The uplink's link aggregation, as show-aggr shows it: its settings, who carries ({@code balance},
     * {@code active-backup}, or {@code none}), its changes, and its members ({@code -x}, {@code -L}). What its control
     * lost is counted: LACPDUs received while the control side lagged ({@code lacpduOverflows}), and LACPDUs and
     * announcements that never left (the injection queue full, or no mbuf: {@code framesNotSent}).
     */
    public record Aggregation(String name, List<String> ports, String policy, String lacp, String lacpTimer, String mode,
                              String primary, String lacpFallback, String mac, String system, int key, String carrying,
                              String activePort, long changes, String lastChange, long announcements, long noMemberDrops,
                              long badLacpdus, long lacpduOverflows, long framesNotSent, List<String> warnings,
                              List<AggregationMember> members) {
    }

    /**
     * One member: its LACP port number, link, whether it carries ({@code attached}), waits ({@code standby}) or is
     * {@code down}, its share of the 256 hash entries, its speed (Mbit/s, 0 when the driver says none), since when
     * (seconds), packets, what it dropped as a non-collecting member, and LACP's view (null with LACP off).
     */
    public record AggregationMember(String port, int lacpPort, boolean linkUp, String state, int share, int speed,
                                    double sinceSeconds, long rxPackets, long txPackets, long standbyDrops, AggregationLacp lacp) {
    }

    /**
     * A member's LACP: its own state bits, its mux, the partner as last heard (empty when none is), and how long ago
     * its last LACPDU arrived (-1 before any; kept after its information expired).
     */
    public record AggregationLacp(String actorState, String mux, String partnerSystem, int partnerKey, int partnerPort,
                                  String partnerState, long received, long sent, double heardSecondsAgo) {
    }

    /**
     * create-aggr's and modify-aggr's body (modify-aggr: fields left out keep their values; an empty primary clears
     * it), and what the state folder keeps.
     */
    public record AggregationRequest(String name, List<String> ports, String policy, String lacp, String lacpTimer, String mac,
                                     String mode, String primary, String lacpFallback) {
    }

    /** add-aggr's body. */
    public record AggregationPort(String port) {
    }

    /** A route of a VNS, in add-route's words. */
    public record Route(String vns, String prefix, String nextHop) {
    }

    /** A neighbour in a VNS's ARP cache. */
    public record Neighbour(String vns, String address, String state, String mac) {
    }

    /**
     * A subscription level or flow: its settings from the database ({@code maxbw} in bit/s of frames, Crossbow's
     * units; "unlimited" when none) and its live counters.
     */
    public record Subscription(String name, String kind, String priority, String maxbw, String maxpps, int rank,
                               List<String> rules, LevelCounters counters) {
    }

    /** Packets and bytes handled at the level's class, connections it identified, packets its limits dropped. */
    public record LevelCounters(long packets, long bytes, long connections, long overLimit) {
    }

    /** The request to create a subscription level: rules in their text form ({@code prefix=10.8.0.0/16}, ...). */
    public record CreateSubscription(String name, String priority, String maxbw, String maxpps, Integer rank,
                                     List<String> rules) {
    }

    /** The request to add a flow: one VNIC, one match ({@code transport=tcp,local-port=443}), Crossbow's add-flow. */
    public record CreateFlow(String name, String vnic, String match, String priority, String maxbw, String maxpps,
                             Integer rank) {
    }

    /** A live connection: its endpoints (lower address first), what identified it, its class, its counts. */
    public record Connection(String vns, String protocol, String endpointA, String endpointB, String level, String priority,
                             String state, long packets, long bytes, int idleSeconds) {
    }

    /** The connection table: its use and what identification did. */
    public record ConnectionTable(int size, int capacity, long inserted, long expired, long full,
                                  Map<String, Long> identified, Map<String, Double> meanPacketsToIdentify,
                                  Map<String, Long> mostPacketsToIdentify, long inspectionsUnmatched, long inspectionsWithoutBuffer,
                                  Steering steering, List<Connection> connections) {
    }

    /**
     * Where identified connections are re-steered: {@code path} is "rte_flow" (a NIC rule per connection to its
     * class's queue, besides the software class rings) or "software" (the uplink classifies in software).
     */
    public record Steering(String path, long rules, long created, long destroyed, long refusedByNic, long refusedByRing,
                           String lastRefusal) {
    }
}
