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

    /** A port; {@code drops} sums its {@code ingressDrops} (decided on what it received) and {@code egressDrops} (TX). */
    public record Port(String name, int ethdev, String devargs, String driver, int mtu, String role, String classifier,
                       boolean linkUp, long linkChanges, long rxPackets, List<Long> rxPacketsByQueue, long txPackets, long dropped, long rxNoMbuf,
                       Map<String, Long> drops, Map<String, Long> ingressDrops, Map<String, Long> egressDrops,
                       Map<String, Long> malformed) {
    }

    public record Stats(List<Port> ports, List<Vnic> vnics, long guestRequestsAccepted, long guestRequestsDenied,
                        long guestRequestsRateLimited, long guestRequestsMalformed, long guestRequestOverflows,
                        Latency guestRequestLatency, Map<String, Latency> guestRequestStages, List<Vns> vnses) {
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

    /** A route of a VNS, in add-route's words. */
    public record Route(String vns, String prefix, String nextHop) {
    }

    /** A neighbour in a VNS's ARP cache. */
    public record Neighbour(String vns, String address, String state, String mac) {
    }
}
