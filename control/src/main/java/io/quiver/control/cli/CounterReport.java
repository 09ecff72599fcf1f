package io.quiver.control.cli;

import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.datapath.Datapath;
import io.quiver.dataplane.port.Port;
import io.quiver.dataplane.port.QueueCounters;
import io.quiver.dataplane.runtime.DpdkRuntime;
import io.quiver.dataplane.vnic.Vnic;
import io.quiver.dataplane.vnic.VnicCounters;
import java.util.LinkedHashMap;
import java.util.Map;

/** Live counter lines for {@code quiver run}: per port, rates since the last line and totals. */
final class CounterReport {
    private final DpdkRuntime dataplane;
    private final Datapath datapath;
    private final Map<String, long[]> last = new LinkedHashMap<>();
    private long lastNanos = System.nanoTime();

    CounterReport(DpdkRuntime dataplane, Datapath datapath) {
        this.dataplane = dataplane;
        this.datapath = datapath;
        for (String name : dataplane.ports().keySet()) {
            last.put(name, new long[2]);
        }
    }

    String header() {
        return "per port: rx Mpps / tx Mpps (the totals at the end: per port and VNIC, drops by reason)";
    }

    String line() {
        long now = System.nanoTime();
        double seconds = (now - lastNanos) / 1e9;
        lastNanos = now;
        StringBuilder b = new StringBuilder();
        for (Port p : dataplane.ports().values()) {
            long rx = p.rxTotals().packets();
            long tx = p.txTotals().packets();
            long[] prev = last.computeIfAbsent(p.name(), k -> new long[] {rx, tx}); // a port added live (a memif link)
            b.append(b.isEmpty() ? "" : "  ").append(String.format("%s %.2f/%.2f", p.name(),
                    (rx - prev[0]) / seconds / 1e6, (tx - prev[1]) / seconds / 1e6));
            prev[0] = rx;
            prev[1] = tx;
        }
        return b.toString();
    }

    String totals() {
        StringBuilder b = new StringBuilder("totals:");
        for (Port p : dataplane.ports().values()) {
            QueueCounters.Totals rx = p.rxTotals();
            QueueCounters.Totals tx = p.txTotals();
            b.append(String.format("%n  %-10s rx %d, tx %d, dropped %d, no-mbuf %d", p.name(), rx.packets(), tx.packets(),
                    rx.dropped(), p.deviceStats().rxNoMbuf()));
            if (datapath == null && rx.sourceMacMismatch() > 0) { // a cross-connect that only counts foreign sources
                b.append(", foreign source MAC ").append(rx.sourceMacMismatch());
            }
            String drops = dropsText(p.drops());
            if (!drops.isEmpty()) {
                b.append(" (").append(drops).append(')');
            }
        }
        if (datapath != null) {
            for (Vnic v : datapath.vnics()) {
                VnicCounters c = v.counters();
                b.append(String.format("%n  vnic %-10s rx %d, tx %d, forwarded %d, dropped %d", v.name(), c.rxPackets, c.txPackets,
                        c.forwarded, c.totalDrops()));
                String drops = dropsText(c.drops());
                if (!drops.isEmpty()) {
                    b.append(" (").append(drops).append(')');
                }
            }
        }
        return b.toString();
    }

    private static String dropsText(long[] drops) {
        StringBuilder b = new StringBuilder();
        for (DropReason r : DropReason.values()) {
            if (drops[r.ordinal()] > 0) {
                b.append(b.isEmpty() ? "" : ", ").append(r.label()).append(' ').append(drops[r.ordinal()]);
            }
        }
        return b.toString();
    }

}
