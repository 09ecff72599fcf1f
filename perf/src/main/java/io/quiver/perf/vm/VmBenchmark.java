package io.quiver.perf.vm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.model.VnicParameter;
import io.quiver.control.cli.QuiverCli;
import io.quiver.control.host.Shell;
import io.quiver.control.host.TapPlacement;
import io.quiver.control.lab.QemuGuest;
import io.quiver.dataplane.port.GuestInterface;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.FileTrees;
import io.quiver.perf.measure.ChildJvm;
import io.quiver.perf.measure.ResultFile;
import io.quiver.perf.measure.Samples;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quiver bench vm}: a real VM (QEMU under TCG, on vhost-user) sends TCP to a container (a namespace on a TAP)
 * for a fixed window; the container counts the bytes. The switch between them is Quiver (two VNICs: the VM's
 * {@code vhostUser}, the container's {@code tap}) or dpdk-testpmd forwarding {@code io} between the same two kinds
 * of port, measured in the same run, interleaved. TCG makes the absolute rate slow (the guest's CPU is emulated):
 * the ratio is the figure. Needs root, qemu-system-x86, linux-image-amd64, busybox-static, dpdk-testpmd, socat.
 */
@Command(name = "vm", mixinStandardHelpOptions = true,
        description = "VM (vhost-user) -> container (TAP) TCP throughput through Quiver against dpdk-testpmd io: Mbit/s and ratio.")
public final class VmBenchmark implements Callable<Integer> {
    static final String NAMESPACE = "qv-bench-c";
    static final String TAP = "qvbc0";
    static final String VM_MAC = "02:00:00:00:08:01";
    static final String CONTAINER_MAC = "02:00:00:00:08:02";
    static final String VM_IP = "10.78.0.1";
    static final String CONTAINER_IP = "10.78.0.2";
    static final int PORT = 5001;

    @Spec
    CommandSpec spec;

    @Option(names = "--seconds", defaultValue = "15", description = "the measured window per repeat (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--repeats", defaultValue = "3")
    int repeats;

    @Option(names = "--json")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("the benchmark makes a namespace and TAP devices: run it as root");
        }
        if (repeats < 3) {
            throw new IllegalArgumentException("at least 3 repeats: min / median / max need them");
        }
        for (String tool : List.of(QemuGuest.QEMU, "dpdk-testpmd", "socat", "busybox")) {
            if (!Shell.available(tool)) {
                throw new IllegalStateException(tool + " is not installed: apt-get install qemu-system-x86 dpdk-dev socat busybox-static linux-image-amd64");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter log = json ? new PrintWriter(System.err, true) : out;
        Path work = Files.createTempDirectory("quiver-bench-vm");
        Path guest = QemuGuest.build(work.resolve("guest"), VM_IP + "/24");
        Map<String, Samples> mbits = new LinkedHashMap<>();
        mbits.put("quiver", new Samples());
        mbits.put("testpmd-io", new Samples());
        try {
            for (int r = 1; r <= repeats; r++) {
                for (String sw : mbits.keySet()) {
                    double rate = measure(sw, guest, work.resolve(sw + "-" + r));
                    mbits.get(sw).add(rate);
                    log.printf("repeat %d  %-11s %8.1f Mbit/s%n", r, sw, rate);
                }
            }
        } finally {
            Shell.quietly("ip", "netns", "del", NAMESPACE);
            FileTrees.delete(work);
        }
        ObjectNode result = ResultFile.start("vm");
        result.put("seconds", seconds).put("repeats", repeats).put("guest", "QEMU TCG, 1 vCPU, Debian kernel, busybox nc")
                .put("path", "VM (vhost-user) -> container (TAP), TCP");
        ObjectNode rates = result.putObject("mbitPerSecond");
        mbits.forEach((name, s) -> ResultFile.samples(rates, name, s));
        double ratio = mbits.get("quiver").median() / mbits.get("testpmd-io").median();
        result.putObject("ratios").put("quiver/testpmd-io", ratio);
        Path saved = ResultFile.save(result);
        if (json) {
            out.println(ResultFile.JSON.writeValueAsString(result));
        } else {
            out.printf("%nVM -> container TCP (Mbit/s)   min / median / max over %d repeats%n", repeats);
            mbits.forEach((name, s) -> out.printf("  %-11s %8.1f %8.1f %8.1f%n", name, s.min(), s.median(), s.max()));
            out.printf("  quiver / testpmd io: %.2f%n", ratio);
            out.println("saved " + saved);
        }
        out.flush();
        return 0;
    }

    /** One window: the switch up, the container's namespace and TAP in place, the VM booted, then the bytes counted. */
    private double measure(String sw, Path guest, Path dir) throws Exception {
        Files.createDirectories(dir);
        Shell.quietly("ip", "netns", "del", NAMESPACE);
        Shell.check("ip", "netns", "add", NAMESPACE);
        Shell.check("ip", "-n", NAMESPACE, "link", "set", "lo", "up");
        Path socket = dir.resolve("vm.sock");
        String prefix = "quiver-bench-vm-" + ProcessHandle.current().pid() + "-" + dir.getFileName();
        Process switchProcess = sw.equals("quiver") ? startQuiver(dir, socket, prefix) : startTestpmd(dir, socket, prefix);
        try (QemuGuest vm = QemuGuest.boot(guest, socket, VM_MAC, dir.resolve("console.log"))) {
            vm.awaitReady(180);
            // the guest learns the container's MAC first, so the window measures the transfer, not ARP
            vm.run("ping -c 2 -W 3 " + CONTAINER_IP, 30);
            Path received = dir.resolve("received");
            Process sink = new ProcessBuilder("ip", "netns", "exec", NAMESPACE, "sh", "-c",
                    "timeout " + seconds + " socat -u TCP-LISTEN:" + PORT + ",reuseaddr - | wc -c")
                    .redirectErrorStream(true).redirectOutput(received.toFile()).start();
            awaitListening();
            vm.run("(dd if=/dev/zero bs=64k count=1000000 2>/dev/null | nc " + CONTAINER_IP + " " + PORT + " &)", 10);
            if (!sink.waitFor(seconds + 30, TimeUnit.SECONDS)) {
                sink.destroyForcibly();
                throw new IllegalStateException("the container's counter did not finish");
            }
            String count = Files.readString(received, StandardCharsets.UTF_8).strip();
            long bytes = Long.parseLong(count.substring(count.lastIndexOf('\n') + 1).strip());
            if (bytes == 0) {
                throw new IllegalStateException(sw + ": no byte reached the container; see " + dir);
            }
            return bytes * 8.0 / seconds / 1e6;
        } finally {
            switchProcess.destroy();
            if (!switchProcess.waitFor(20, TimeUnit.SECONDS)) {
                switchProcess.destroyForcibly();
            }
            FileTrees.delete(EalOptions.runtimeFolder(prefix));
            Shell.quietly("ip", "netns", "del", NAMESPACE);
        }
    }

    private static void awaitListening() throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (Shell.run(List.of("ip", "netns", "exec", NAMESPACE, "ss", "-ltn", "sport = :" + PORT), 10).output().contains(":" + PORT)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the container's listener did not start");
    }

    /** Quiver with the VM's VNIC on vhost-user and the container's on a TAP it places itself; the uplink a sink. */
    private static Process startQuiver(Path dir, Path socket, String prefix) throws Exception {
        Path config = dir.resolve("quiver.yaml");
        Files.writeString(config, """
                eal: { mainCpu: 0 }
                ports:
                  - { name: uplink, devargs: "net_null0,no-rx=1" }
                uplink: { port: uplink }
                datapath: { mode: shared, cpus: [1] }
                vnics:
                  - { name: vm1, mac: "%s", ipv4: ["%s/24"], vhostUser: { socket: "%s" } }
                  - { name: c1, mac: "%s", ipv4: ["%s/24"], tap: { name: %s, namespace: %s } }
                """.formatted(VM_MAC, VM_IP, socket, CONTAINER_MAC, CONTAINER_IP, TAP, NAMESPACE));
        List<String> cmd = ChildJvm.command(QuiverCli.class.getName(), List.of("run", "--config", config.toString(), "--file-prefix", prefix,
                "--state-dir", dir.resolve("state").toString(), "--api", "127.0.0.1:0"));
        Path log = dir.resolve("quiver.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitLine(p, log, "quiver: running");
        return p;
    }

    /** testpmd forwarding io between the same two kinds of port; the TAP placed and configured as Quiver does it. */
    private static Process startTestpmd(Path dir, Path socket, String prefix) throws Exception {
        Path log = dir.resolve("testpmd.log");
        List<String> cmd = List.of("dpdk-testpmd", "--no-huge", "-m", "1024", "--no-pci", "-l", "0,1", "--file-prefix", prefix,
                "--vdev", "net_vhost0,iface=" + socket + ",client=1,queues=1", "--vdev", "net_tap0,iface=" + TAP,
                "--log-level", "lib.eal:warning", "--", "--forward-mode=io", "--auto-start", "--total-num-mbufs=16384",
                "--stats-period", "1");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitLine(p, log, "NIC statistics for port");
        VnicConfig container = VnicConfig.create("c1", CONTAINER_MAC).with(VnicParameter.IPV4_ADDRESSES, CONTAINER_IP + "/24");
        TapPlacement.place(new GuestInterface.Tap(TAP, NAMESPACE), container);
        return p;
    }

    private static void awaitLine(Process p, Path log, String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!Files.readString(log, StandardCharsets.ISO_8859_1).contains(line)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("'" + line + "' never came; see " + log);
            }
            Thread.sleep(100);
        }
    }
}
