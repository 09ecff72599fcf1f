package io.quiver.perf.priority;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.configstore.model.VnicParameter;
import io.quiver.dataplane.classify.ClassifierChoice;
import io.quiver.dataplane.config.Defaults;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.datapath.Datapath;
import io.quiver.dataplane.datapath.DatapathConfig;
import io.quiver.dataplane.datapath.PrioritySettings;
import io.quiver.dataplane.datapath.ThreadingMode;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.priority.Identifier;
import io.quiver.dataplane.priority.LevelCounters;
import io.quiver.dataplane.priority.Levels;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dataplane.vnic.AttachedVnic;
import io.quiver.dataplane.vnic.VnicCounters;
import io.quiver.perf.measure.JvmWindow;
import io.quiver.perf.measure.ResultFile;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Quiver's side of {@code bench priority}'s overload scenario, in its own JVM (the generator has its own EAL): the
 * uplink and the VNIC's port on af_packet over {@link OverloadScenario}'s veths, the VNIC shaped to the capacity, the
 * levels given or not. Prints {@code READY} once forwarding; measures the lcore's allocation from the first line on
 * stdin (the end of the warm-up) to the second, then prints {@code RESULT {json}}.
 */
@Command(name = "priority-run", hidden = true, description = "Quiver's side of bench priority's overload scenario")
public final class PriorityRun implements Callable<Integer> {
    @Option(names = "--cpu", defaultValue = "1")
    int cpu;

    @Option(names = "--main-cpu", defaultValue = "0")
    int mainCpu;

    @Option(names = "--no-levels", description = "run without subscription levels (everything best-effort)")
    boolean noLevels;

    @Override
    public Integer call() throws Exception {
        var eal = new EalOptions(mainCpu, 512, false, false, "quiver-bench-prio-" + ProcessHandle.current().pid(), List.of());
        var base = new RuntimeConfig(eal, 16383, 256, Defaults.BURST, List.of(
                PortConfig.of("uplink", "net_af_packet0,iface=" + OverloadScenario.UPLINK),
                PortConfig.of("guest", "net_af_packet1,iface=" + OverloadScenario.GUEST)));
        var vnic = AttachedVnic.of("A", Ethernet.formatMac(OverloadScenario.VNIC_MAC), List.of(), List.of("10.0.0.1/24"), 0, "guest");
        var shaped = new AttachedVnic(vnic.config().with(VnicParameter.BANDWIDTH_LIMIT, Long.toString(OverloadScenario.CAPACITY)),
                "guest");
        var config = new DatapathConfig(base, "uplink", List.of(), null, List.of(shaped), ThreadingMode.SHARED, List.of(cpu),
                Defaults.LOCAL_RING, 16, ClassifierChoice.SOFTWARE, null, List.of(), List.of(),
                new PrioritySettings(1 << 16, PrioritySettings.DEFAULT.lowestShare(), noLevels ? List.of() : OverloadScenario.levels()));
        try (Datapath dp = Datapath.start(config)) {
            System.out.println("READY");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            in.readLine(); // the warm-up is over: the JIT has compiled the paths
            JvmWindow window = JvmWindow.open(dp.runtime().loops().get(0).threadId());
            in.readLine();
            long allocated = window.allocatedBytes();
            long gcs = window.collections();
            dp.stopLoops();
            ObjectNode r = ResultFile.JSON.createObjectNode();
            r.put("allocatedBytes", allocated).put("gcCount", gcs);
            VnicCounters c = dp.vnic("A").counters();
            r.put("delivered", c.rxPackets).put("ringFull", c.drops(DropReason.RING_FULL)).put("overLimit", c.drops(DropReason.OVER_LIMIT));
            Identifier id = dp.identifier();
            if (id != null) {
                ObjectNode ident = r.putObject("identified");
                String[] how = {"prefix", "sni", "token"};
                for (int k = 0; k < 3; k++) {
                    ident.putObject(how[k]).put("connections", id.identified[k])
                            .put("meanPacketsToIdentify", id.identified[k] == 0 ? 0 : (double) id.packetsToIdentify[k] / id.identified[k])
                            .put("mostPacketsToIdentify", id.mostPacketsToIdentify[k]);
                }
                Levels levels = dp.levels();
                ObjectNode byLevel = r.putObject("levels");
                for (int i = 0; i < levels.size(); i++) {
                    if (levels.level(i) != null) {
                        LevelCounters k = levels.counters(i);
                        byLevel.putObject(levels.level(i).name()).put("packets", k.packets).put("connections", k.connections);
                    }
                }
            }
            System.out.println("RESULT " + ResultFile.JSON.writeValueAsString(r).replace('\n', ' '));
        }
        return 0;
    }
}
