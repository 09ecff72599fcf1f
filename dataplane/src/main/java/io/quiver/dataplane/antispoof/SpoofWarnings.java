package io.quiver.dataplane.antispoof;

import io.quiver.configstore.model.Ipv6Address;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.dataplane.config.Defaults;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.counters.SpoofRecord;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.port.Port;
import io.quiver.dataplane.port.QueueCounters;
import io.quiver.dataplane.vnic.Vnic;
import io.quiver.dataplane.vnic.VnicCounters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns about forged traffic at a limited rate, from the control side: the lcores only count and keep the last
 * refused frame's evidence ({@link SpoofRecord}); once a second this looks at the counters and warns at most once per
 * VNIC (and per guest port, for frames no single VNIC could be charged with) per interval, naming the VNIC, how many
 * frames were dropped since, and for the last of them the reason, the offending value and what would have been its own.
 */
public final class SpoofWarnings implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("io.quiver.antispoof");
    static final long INTERVAL_NANOS = Defaults.SPOOF_WARNING_INTERVAL.toNanos();

    private final Supplier<List<Vnic>> vnics;
    private final Supplier<List<Port>> guestPorts;
    private final Consumer<String> warn;
    /** By VNIC or port (the object: a VNIC removed and added again under its name starts afresh): {drops warned of, time}. */
    private final Map<Object, long[]> reported = new IdentityHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "quiver-spoof-warnings");
        t.setDaemon(true);
        return t;
    });

    public SpoofWarnings(Supplier<List<Vnic>> vnics, Supplier<List<Port>> guestPorts) {
        this(vnics, guestPorts, LOG::warn);
    }

    /** With the warnings going to {@code warn} (tests). */
    SpoofWarnings(Supplier<List<Vnic>> vnics, Supplier<List<Port>> guestPorts, Consumer<String> warn) {
        this.vnics = vnics;
        this.guestPorts = guestPorts;
        this.warn = warn;
    }

    public void start() {
        timer.scheduleAtFixedRate(this::check, 1, 1, TimeUnit.SECONDS);
    }

    public void check() {
        long now = System.nanoTime();
        List<Vnic> current = vnics.get();
        List<Port> ports = guestPorts.get();
        Set<Object> present = Collections.newSetFromMap(new IdentityHashMap<>());
        present.addAll(current);
        present.addAll(ports);
        reported.keySet().retainAll(present); // removed VNICs are forgotten
        for (Vnic v : current) {
            VnicCounters c = v.counters();
            long[] counts = new long[DropReason.COUNT];
            for (DropReason r : DropReason.values()) {
                counts[r.ordinal()] = r.isSpoof() ? c.drops(r) : 0;
            }
            long[] warned = due(v, counts, now);
            if (warned != null) {
                List<String> parts = new ArrayList<>();
                for (DropReason r : DropReason.values()) {
                    long fresh = counts[r.ordinal()] - warned[r.ordinal()];
                    if (fresh > 0) {
                        parts.add(fresh + " " + describe(c.lastSpoof[r.ordinal()].read(), v.config()));
                    }
                }
                warn.accept("VNIC " + v.name() + ": dropped forged frames since the last warning: " + String.join("; ", parts)
                        + " (totals: " + totals(c) + ")");
                System.arraycopy(counts, 0, warned, 0, counts.length);
            }
        }
        for (Port p : ports) {
            long[] counts = new long[DropReason.COUNT];
            counts[DropReason.SPOOFED_SOURCE_MAC.ordinal()] = p.rxTotals().drops(DropReason.SPOOFED_SOURCE_MAC);
            long[] warned = due(p, counts, now);
            if (warned != null) {
                SpoofRecord.Evidence e = lastOf(p);
                List<String> own = current.stream().filter(v -> v.portId() == p.id())
                        .map(v -> v.name() + " " + macsOf(v.config())).toList();
                warn.accept("port " + p.name() + ": dropped " + (counts[DropReason.SPOOFED_SOURCE_MAC.ordinal()]
                        - warned[DropReason.SPOOFED_SOURCE_MAC.ordinal()]) + " frame(s) from MACs none of its VNICs has"
                        + " since the last warning; the last: source MAC " + (e == null ? "?" : Ethernet.formatMac(e.low()))
                        + ", its VNICs: " + (own.isEmpty() ? "none" : String.join("; ", own)));
                System.arraycopy(counts, 0, warned, 0, counts.length);
            }
        }
    }

    /**
     * The counts {@code key} was last warned of, when it has drops since and its interval is over (the caller warns
     * and stores the new counts there); null otherwise.
     */
    private long[] due(Object key, long[] counts, long now) {
        long[] last = reported.computeIfAbsent(key, k -> new long[DropReason.COUNT + 1]);
        boolean fresh = false;
        for (int r = 0; r < counts.length; r++) {
            fresh |= counts[r] > last[r];
        }
        if (fresh && (last[DropReason.COUNT] == 0 || now - last[DropReason.COUNT] >= INTERVAL_NANOS)) {
            last[DropReason.COUNT] = now;
            return last;
        }
        return null;
    }

    private static SpoofRecord.Evidence lastOf(Port p) {
        for (int q = 0; q < p.rxQueues(); q++) {
            SpoofRecord.Evidence e = p.rxCounters(q).lastSpoof[DropReason.SPOOFED_SOURCE_MAC.ordinal()].read();
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    /** The reason, the offending value and what the VNIC's own values are. */
    static String describe(SpoofRecord.Evidence e, VnicConfig own) {
        if (e == null) {
            return "unknown";
        }
        String label = e.reason().label();
        return switch (e.reason()) {
            case SPOOFED_SOURCE_MAC -> label + ": source MAC " + Ethernet.formatMac(e.low()) + ", its MACs are " + macsOf(own);
            case SPOOFED_SOURCE_IP -> label + ": source " + UdpFrameBuilder.formatIpv4((int) e.low()) + ", its IPv4 addresses are "
                    + listOrNone(own.ipv4Addresses());
            case SPOOFED_ARP_SENDER -> label + ": ARP sender " + UdpFrameBuilder.formatIpv4((int) e.low()) + " at "
                    + Ethernet.formatMac(e.high()) + ", its addresses are " + listOrNone(own.ipv4Addresses()) + " at " + macsOf(own);
            case SPOOFED_SOURCE_IPV6 -> label + ": source " + Ipv6Address.format(e.high(), e.low()) + ", its IPv6 addresses are "
                    + listOrNone(own.ipv6Addresses()) + " and the link-local addresses of " + macsOf(own);
            default -> label + ": a neighbour discovery message claiming an address or link-layer address that is not its own"
                    + " (its MACs: " + macsOf(own) + ")";
        };
    }

    private static String macsOf(VnicConfig c) {
        return c.allMacs().stream().map(Object::toString).collect(Collectors.joining(","));
    }

    private static String listOrNone(List<?> values) {
        return values.isEmpty() ? "none" : values.stream().map(Object::toString).collect(Collectors.joining(","));
    }

    private static String totals(VnicCounters c) {
        List<String> parts = new ArrayList<>();
        for (DropReason r : DropReason.values()) {
            if (r.isSpoof()) {
                parts.add(r.label() + " " + c.drops(r));
            }
        }
        return String.join(", ", parts);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
