package io.quiver.perf.vns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.perf.measure.ChildJvm;
import io.quiver.perf.measure.ResultFile;
import io.quiver.perf.peers.OvsDpdk;
import io.quiver.perf.measure.Samples;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The routed-path part of {@code bench vns}: {@link RoutedRun} in child JVMs, switched and routed interleaved in each
 * repeat, so the ratio compares the two on the same machine state; then OVS-DPDK on the same pcaps, switching by MAC
 * and routing by host-route flows (mod_dl_src, mod_dl_dst, dec_ttl), where it is installed. Routing's cost is 1/routed - 1/switched over
 * 1/switched: what the router adds to a packet's time on the lcore.
 */
final class RoutedPath {
    private RoutedPath() {
    }

    static void measure(ObjectNode result, int repeats, int seconds, int cpu, PrintWriter log) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("quiver-bench-vns");
        Path switched = work.resolve("switched.pcap");
        Path routed = work.resolve("routed.pcap");
        RoutedRun.pcap(switched, false, 4096);
        RoutedRun.pcap(routed, true, 4096);
        Samples s = new Samples();
        Samples r = new Samples();
        Samples ovsSwitched = new Samples();
        Samples ovsRouted = new Samples();
        boolean ovs = OvsDpdk.available();
        long allocated = 0;
        long gcs = 0;
        for (int rep = 1; rep <= repeats; rep++) {
            JsonNode a = run(switched, seconds, cpu, work, "switched-" + rep);
            JsonNode b = run(routed, seconds, cpu, work, "routed-" + rep);
            if (b.get("routedShare").asDouble() < 0.99 || b.get("deliveredShare").asDouble() < 0.99
                    || a.get("deliveredShare").asDouble() < 0.99) {
                throw new IllegalStateException("a path run did not deliver what it received (switched " + a + ", routed " + b
                        + "); see " + work);
            }
            s.add(a.get("mpps").asDouble());
            r.add(b.get("mpps").asDouble());
            allocated += a.get("allocatedBytes").asLong() + b.get("allocatedBytes").asLong();
            gcs += a.get("gcCount").asLong() + b.get("gcCount").asLong();
            log.printf("path repeat %d  switched %6.2f Mpps  routed %6.2f Mpps%n", rep, s.values().getLast(), r.values().getLast());
            if (ovs) {
                List<String> macs = new ArrayList<>();
                Map<String, String> hosts = new LinkedHashMap<>();
                for (int i = 0; i < 4; i++) {
                    macs.add(Ethernet.formatMac(RoutedRun.mac(i)));
                    hosts.put(RoutedRun.ip(i), Ethernet.formatMac(RoutedRun.mac(i)));
                }
                String router = RoutedRun.vns().routerMac().toString();
                try (OvsDpdk o = OvsDpdk.start(work.resolve("ovs-" + rep), 0, cpu, "net_null1,no-rx=1")) {
                    o.source("net_pcap9,rx_pcap=" + switched + ",infinite_rx=1");
                    o.antiSpoofAndMacForwarding(macs);
                    ovsSwitched.add(o.measureRxMpps(3, seconds));
                    o.source("net_pcap10,rx_pcap=" + routed + ",infinite_rx=1");
                    o.antiSpoofAndRouting(macs, router, hosts);
                    ovsRouted.add(o.measureRxMpps(3, seconds));
                }
                log.printf("path repeat %d  OVS-DPDK switched %6.2f Mpps  routed %6.2f Mpps%n", rep, ovsSwitched.values().getLast(),
                        ovsRouted.values().getLast());
            }
        }
        ObjectNode o = result.putObject("routedPath");
        ResultFile.samples(o, "switchedMpps", s);
        ResultFile.samples(o, "routedMpps", r);
        o.put("routedOverSwitched", r.median() / s.median());
        o.put("routingCostShare", (1 / r.median() - 1 / s.median()) / (1 / s.median()));
        o.put("allocatedBytes", allocated).put("gcCount", gcs);
        if (ovs) {
            ResultFile.samples(o, "ovsSwitchedMpps", ovsSwitched);
            ResultFile.samples(o, "ovsRoutedMpps", ovsRouted);
            o.put("ovsRoutedOverSwitched", ovsRouted.median() / ovsSwitched.median());
            o.put("quiverRoutedOverOvsRouted", r.median() / ovsRouted.median());
        }
    }

    private static JsonNode run(Path pcap, int seconds, int cpu, Path work, String name) throws IOException, InterruptedException {
        return ChildJvm.benchResult(List.of("vns-run", "--pcap", pcap.toString(), "--seconds", Integer.toString(seconds),
                "--warmup", "3", "--cpu", Integer.toString(cpu)), work.resolve(name + ".log"), seconds + 120, "the " + name + " run");
    }
}
