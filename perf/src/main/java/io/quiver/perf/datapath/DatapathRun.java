package io.quiver.perf.datapath;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.dataplane.classify.ClassifierChoice;
import io.quiver.dataplane.config.Defaults;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.datapath.Datapath;
import io.quiver.dataplane.datapath.DatapathConfig;
import io.quiver.dataplane.datapath.ThreadingMode;
import io.quiver.dataplane.packet.GuestTraffic;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.port.QueueCounters;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dataplane.vnic.AttachedVnic;
import io.quiver.dataplane.vnic.Vnic;
import io.quiver.perf.measure.JvmWindow;
import io.quiver.perf.measure.ResultFile;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import io.quiver.perf.measure.ChildWindow;
import io.quiver.perf.measure.GuestVnics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * One Quiver measurement of {@code bench datapath}, in its own JVM (the EAL initialises once per process): N VNICs
 * whose guests share one trunk port replaying the pcap, the full path (parse, anti-spoof, classify, ring, deliver,
 * TX) on one lcore in shared mode. Prints one line {@code RESULT {json}}.
 */
@Command(name = "datapath-run", hidden = true, description = "one Quiver datapath measurement (used by bench datapath)")
public final class DatapathRun implements Callable<Integer> {
    @Option(names = "--vnics", required = true)
    int vnics;

    @Option(names = "--pcap", required = true)
    Path pcap;

    @Option(names = "--capture", description = "capture the first VNIC, both directions and drops, into pcapng written to nowhere")
    boolean capture;

    @Mixin
    ChildWindow window;

    @Override
    public Integer call() throws Exception {
        List<AttachedVnic> specs = GuestVnics.on(vnics, "guests");
        var eal = new EalOptions(window.mainCpu, 1024, false, false, "quiver-bench-dp-" + ProcessHandle.current().pid(), List.of());
        // net_pcap's infinite_rx keeps every frame of the file in mbufs of the pool
        int frames = io.quiver.dataplane.capture.PcapFile.read(pcap).size();
        var base = new RuntimeConfig(eal, 16383 + frames, 256, Defaults.DATAPATH_BURST,
                List.of(PortConfig.of("guests", "net_pcap0,rx_pcap=" + pcap + ",infinite_rx=1"), PortConfig.of("uplink", "net_null0,no-rx=1")));
        int localRing = vnics <= 64 ? 256 : Defaults.DATAPATH_BURST; // a burst's worth each, at 4096 VNICs
        var config = new DatapathConfig(base, "uplink", List.of(), null, specs, ThreadingMode.SHARED, List.of(window.cpu), localRing, 16,
                ClassifierChoice.SOFTWARE, null);
        try (Datapath dp = Datapath.start(config)) {
            QueueCounters rx = dp.port("guests").rxCounters(0);
            Capturing captured = capture ? Capturing.start(dp, specs.get(0).name()) : null;
            Thread.sleep(window.warmup * 1000L);
            JvmWindow measured = JvmWindow.open(dp.runtime().loops().get(0).threadId());
            long before = rx.packets;
            long delivered0 = delivered(dp);
            long spoofed0 = spoofed(dp, rx);
            long ringFull0 = ringFull(dp);
            long captured0 = captured == null ? 0 : captured.frames();
            long lost0 = captured == null ? 0 : captured.lost();
            long t0 = System.nanoTime();
            Thread.sleep(window.seconds * 1000L);
            long capturedFrames = captured == null ? 0 : captured.frames() - captured0;
            long lostFrames = captured == null ? 0 : captured.lost() - lost0;
            long packets = rx.packets - before;
            long delivered = delivered(dp) - delivered0;
            long spoofed = spoofed(dp, rx) - spoofed0;
            long ringFull = ringFull(dp) - ringFull0;
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long allocated = measured.allocatedBytes();
            long gcs = measured.collections();
            dp.stopLoops();
            if (captured != null) {
                captured.stop();
            }
            ObjectNode r = ResultFile.JSON.createObjectNode();
            r.put("vnics", vnics).put("mpps", packets / elapsed / 1e6).put("deliveredMpps", delivered / elapsed / 1e6)
                    .put("allocatedBytes", allocated).put("gcCount", gcs)
                    .put("spoofedShare", packets == 0 ? 0 : (double) spoofed / packets).put("ringFull", ringFull)
                    .put("capturedPerSecond", capturedFrames / elapsed).put("capturedLostPerSecond", lostFrames / elapsed);
            System.out.println("RESULT " + ResultFile.JSON.writeValueAsString(r).replace('\n', ' '));
        }
        return 0;
    }

    /** A capture of one VNIC, drained by a thread of its own into pcapng that goes nowhere (what the lcore pays). */
    private static final class Capturing {
        private final io.quiver.dataplane.capture.CaptureTap tap;
        private final AutoCloseable detach;
        private final Thread drainer;
        private final CountingStream written = new CountingStream();
        private volatile boolean stop;

        private Capturing(Datapath dp, String vnic) {
            tap = new io.quiver.dataplane.capture.CaptureTap(
                    new io.quiver.dataplane.capture.CaptureFilter(true, true, true, io.quiver.dataplane.capture.CaptureFilter.MAX_SNAPLEN), 4096);
            detach = dp.captureVnic(vnic, tap);
            drainer = new Thread(() -> {
                try (var w = new io.quiver.dataplane.capture.PcapngWriter(written, "quiver-bench")) {
                    int iface = w.addInterface("vnic:" + vnic, "bench", tap.filter().snaplen());
                    io.quiver.dataplane.capture.CaptureSession.run(tap, w, iface, 0, 0, () -> !stop);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, "capture-drainer");
            drainer.start();
        }

        static Capturing start(Datapath dp, String vnic) {
            return new Capturing(dp, vnic);
        }

        /** Frames written so far: enhanced packet blocks counted as they pass. */
        long frames() {
            return written.packets;
        }

        long lost() {
            return tap.lost();
        }

        void stop() throws Exception {
            detach.close();
            stop = true;
            drainer.join();
        }
    }

    /** Counts the pcapng blocks written to it and keeps nothing. */
    private static final class CountingStream extends java.io.OutputStream {
        volatile long packets;

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len >= 4 && b[off] == 6 && b[off + 1] == 0 && b[off + 2] == 0 && b[off + 3] == 0) {
                packets++;
            }
        }
    }

    private static long spoofed(Datapath dp, QueueCounters rx) {
        return dp.vnics().stream().mapToLong(v -> v.counters().drops(DropReason.SPOOFED_SOURCE_MAC)).sum()
                + rx.drops[DropReason.SPOOFED_SOURCE_MAC.ordinal()];
    }

    private static long ringFull(Datapath dp) {
        return dp.vnics().stream().mapToLong(v -> v.counters().drops(DropReason.RING_FULL)).sum();
    }

    private static long delivered(Datapath dp) {
        long n = 0;
        for (Vnic v : dp.vnics()) {
            n += v.counters().rxPackets;
        }
        return n;
    }
}
