package io.quiver.dataplane.antispoof;

import io.quiver.dataplane.config.Defaults;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.vnic.Vnic;
import io.quiver.dataplane.vnic.VnicCounters;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns about forged traffic at a limited rate, from the control side: the lcores only count (and note the last
 * forged address); once a second this looks at the counters and logs at most one warning per VNIC per interval,
 * naming the VNIC, how many frames were dropped since the last warning and the forged address.
 */
public final class SpoofWarnings implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("io.quiver.antispoof");
    static final long INTERVAL_NANOS = Defaults.SPOOF_WARNING_INTERVAL.toNanos();

    private final Supplier<List<Vnic>> vnics;
    /** By VNIC (the object: a VNIC removed and added again under its name starts afresh): {drops at last warning, time}. */
    private final Map<Vnic, long[]> reported = new java.util.IdentityHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "quiver-spoof-warnings");
        t.setDaemon(true);
        return t;
    });

    public SpoofWarnings(Supplier<List<Vnic>> vnics) {
        this.vnics = vnics;
    }

    public void start() {
        timer.scheduleAtFixedRate(this::check, 1, 1, TimeUnit.SECONDS);
    }

    public void check() {
        long now = System.nanoTime();
        List<Vnic> current = vnics.get();
        java.util.Set<Vnic> present = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        present.addAll(current);
        reported.keySet().retainAll(present); // removed VNICs are forgotten
        for (Vnic v : current) {
            VnicCounters c = v.counters();
            long forged = c.drops(DropReason.SPOOFED_SOURCE_MAC) + c.drops(DropReason.SPOOFED_SOURCE_IP) + c.drops(DropReason.SPOOFED_ARP_SENDER);
            long[] last = reported.computeIfAbsent(v, k -> new long[] {0, now - INTERVAL_NANOS});
            if (forged > last[0] && now - last[1] >= INTERVAL_NANOS) {
                LOG.warn("VNIC {}: dropped {} forged frame(s) (source MAC {}, source IP {}); totals: mac {}, ip {}, arp {}",
                        v.name(), forged - last[0], Ethernet.formatMac(c.lastForgedMac), UdpFrameBuilder.formatIpv4(c.lastForgedIp),
                        c.drops(DropReason.SPOOFED_SOURCE_MAC), c.drops(DropReason.SPOOFED_SOURCE_IP), c.drops(DropReason.SPOOFED_ARP_SENDER));
                last[0] = forged;
                last[1] = now;
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
