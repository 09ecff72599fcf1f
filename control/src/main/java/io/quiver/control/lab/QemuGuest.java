package io.quiver.control.lab;

import io.quiver.control.host.Shell;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real VM for the tests and benchmarks: QEMU system emulation (TCG: this machine's KVM cannot boot a guest) with the Debian kernel
 * and a busybox initramfs that {@code vm/build-guest.sh} makes, its virtio-net device on a vhost-user socket QEMU
 * serves and Quiver connects to, and a shell on its serial console that {@link #run} drives. The facts it relies on
 * (shared memfd memory, {@code vectors=0}, the module order, QEMU as the socket's server) are in
 * ../shared/docs/FFM-DPDK-NOTES.md.
 */
public final class QemuGuest implements AutoCloseable {
    public static final String QEMU = "qemu-system-x86_64";
    /** Where QEMU runs: the main lcore's CPU (Quiver's default lcore is CPU 1). */
    private static final String QEMU_CPUS = "0";
    private static final Pattern READY = Pattern.compile("QUIVER-GUEST-READY");
    /**
     * A guest on a TAP must fill its own checksums and send no super-frames: offloaded, its TCP would reach a packet
     * socket (Quiver's af_packet member) with the checksum left for hardware, and the far end would drop it.
     */
    private static final String NO_OFFLOADS = ",csum=off,gso=off,guest_csum=off,guest_tso4=off,guest_tso6=off,guest_ecn=off"
            + ",guest_ufo=off,host_tso4=off,host_tso6=off,host_ecn=off,host_ufo=off";

    private final Process qemu;
    private final StringBuffer console = new StringBuffer();
    private final OutputStream input;
    /** Where the console is copied as it arrives (for a failed test's reader). */
    private final Path log;
    private int commands;
    /** QEMU's human monitor, where a guest booted on TAPs has one (its NICs' links are set there); else null. */
    private final Path monitor;

    private QemuGuest(Process qemu, Path log) {
        this(qemu, log, null);
    }

    private QemuGuest(Process qemu, Path log, Path monitor) {
        this.qemu = qemu;
        this.monitor = monitor;
        this.input = qemu.getOutputStream();
        this.log = log;
        Thread reader = new Thread(() -> pump(qemu.getInputStream()), "qemu-console");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Why no guest can be built and booted here (what to install), or null: QEMU, busybox-static, cpio and a kernel in
     * /boot. bin/quiver-test installs them.
     */
    public static String unavailable() {
        if (!Shell.available(QEMU)) {
            return "qemu-system-x86 is not installed (bin/quiver-test installs it)";
        }
        if (!Shell.available("busybox") || !Shell.available("cpio")) {
            return "busybox-static and cpio are not installed (bin/quiver-test installs them)";
        }
        if (Shell.run(List.of("sh", "-c", "ls /boot/vmlinuz-*"), 10).exitCode() != 0) {
            return "no kernel in /boot (linux-image-amd64; bin/quiver-test installs it)";
        }
        return null;
    }

    /** Builds the guest's kernel and initramfs into {@code dir}; the guest takes {@code address} (a.b.c.d/len) on eth0. */
    public static Path build(Path dir, String address) throws IOException {
        Path script = Files.createTempFile("quiver-build-guest", ".sh");
        try (InputStream in = QemuGuest.class.getResourceAsStream("/vm/build-guest.sh")) {
            if (in == null) {
                throw new IllegalStateException("vm/build-guest.sh is not on the class path: rebuild with ./mvnw package");
            }
            Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Shell.check(List.of("sh", script.toString(), dir.toString(), address), 300);
        } finally {
            Files.deleteIfExists(script);
        }
        return dir;
    }

    /**
     * Boots the guest built in {@code guestDir} with one virtio-net device of MAC {@code mac} on {@code socket}. QEMU
     * serves the socket and waits until the switch (Quiver, testpmd) has connected before it boots.
     */
    public static QemuGuest boot(Path guestDir, Path socket, String mac, Path log) throws IOException {
        // on the main CPU: Quiver's lcore busy-polls the other one, and TCG's vCPU thread beside it would halve both
        List<String> cmd = List.of("taskset", "-c", QEMU_CPUS, QEMU, "-machine", "pc", "-cpu", "max", "-smp", "1", "-m", "256",
                "-object", "memory-backend-memfd,id=mem,size=256M,share=on", "-numa", "node,memdev=mem",
                "-kernel", guestDir.resolve("vmlinuz").toString(), "-initrd", guestDir.resolve("initramfs.gz").toString(),
                "-append", "console=ttyS0 panic=-1 quiet loglevel=3",
                "-chardev", "socket,id=vhost0,path=" + socket + ",server=on",
                "-netdev", "vhost-user,id=net0,chardev=vhost0",
                "-device", "virtio-net-pci,netdev=net0,mac=" + mac + ",vectors=0",
                "-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        return new QemuGuest(p, log);
    }

    /**
     * Boots the guest built in {@code guestDir} with a virtio-net device on each of {@code taps}, host TAP devices QEMU
     * makes (a Linux peer with several NICs, e.g. a bond, that host tools and DPDK af_packet ports reach); the k-th
     * device gets {@code macs.get(k)} and is the guest's eth{@code k}. Each says 10 Gbit/s full duplex: 802.3ad
     * leaves a member of unknown duplex out of LACP, and virtio-net says nothing unless told.
     */
    public static QemuGuest bootOnTaps(Path guestDir, List<String> taps, List<String> macs, Path log) throws IOException {
        if (taps.size() != macs.size() || taps.isEmpty()) {
            throw new IllegalArgumentException("one MAC per TAP, at least one TAP");
        }
        List<String> cmd = new java.util.ArrayList<>(List.of("taskset", "-c", QEMU_CPUS, QEMU, "-machine", "pc", "-cpu", "max",
                "-smp", "1", "-m", "256", "-kernel", guestDir.resolve("vmlinuz").toString(),
                "-initrd", guestDir.resolve("initramfs.gz").toString(), "-append", "console=ttyS0 panic=-1 quiet loglevel=3"));
        for (int k = 0; k < taps.size(); k++) {
            cmd.addAll(List.of("-netdev", "tap,id=net" + k + ",ifname=" + taps.get(k) + ",script=no,downscript=no",
                    "-device", "virtio-net-pci,netdev=net" + k + ",mac=" + macs.get(k) + ",speed=10000,duplex=full" + NO_OFFLOADS));
        }
        Path monitor = guestDir.resolve("monitor-" + ProcessHandle.current().pid() + ".sock");
        Files.deleteIfExists(monitor);
        cmd.addAll(List.of("-display", "none", "-monitor", "unix:" + monitor + ",server=on,wait=off", "-serial", "stdio", "-no-reboot"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        return new QemuGuest(p, log, monitor);
    }

    /**
     * Sets the link of the guest's NIC {@code k} (booted on TAPs) up or down, as a cable plugged or pulled on the
     * guest's side: the guest's driver sees the carrier change (QEMU's {@code set_link}).
     */
    public void setLink(int k, boolean up) throws IOException, InterruptedException {
        if (monitor == null) {
            throw new IllegalStateException("only a guest booted on TAPs has a monitor");
        }
        try (var channel = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(monitor))) {
            channel.write(java.nio.ByteBuffer.wrap(("set_link net" + k + " " + (up ? "on" : "off") + "\n").getBytes(StandardCharsets.UTF_8)));
            Thread.sleep(200); // the monitor answers with its prompt; closing at once could cut the command
        }
    }

    private void pump(InputStream in) {
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                String text = new String(buffer, 0, n, StandardCharsets.UTF_8);
                console.append(text);
                if (log != null) {
                    Files.writeString(log, text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                }
            }
        } catch (IOException e) {
            console.append("\n[console closed: ").append(e.getMessage()).append("]\n");
        }
    }

    /** Waits until the guest's init has brought eth0 up and its shell listens. */
    public void awaitReady(long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!READY.matcher(console).find()) {
            if (!qemu.isAlive() || System.nanoTime() > end) {
                throw new IllegalStateException("the VM did not come up within " + seconds + " s (QEMU "
                        + (qemu.isAlive() ? "running" : "exited " + qemu.exitValue()) + "); its console:\n" + console);
            }
            Thread.sleep(100);
        }
    }

    /** What a command run in the guest printed, and its exit code. */
    public record Result(int exitCode, String output) {
    }

    /** Runs a shell command in the guest and waits for it (the console's echo of the command is left out). */
    public synchronized Result run(String command, long seconds) throws IOException, InterruptedException {
        int n = ++commands;
        int from = console.length();
        String end = "__QV_END_" + n + "__";
        input.write((command + "; echo " + end + " $?\n").getBytes(StandardCharsets.UTF_8));
        input.flush();
        Pattern done = Pattern.compile(Pattern.quote(end) + " (\\d+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            Matcher m = done.matcher(console.substring(from));
            if (m.find()) {
                String out = console.substring(from, from + m.start());
                int echo = out.indexOf('\n'); // the tty echoes the command line first
                return new Result(Integer.parseInt(m.group(1)), echo < 0 ? "" : out.substring(echo + 1));
            }
            if (!qemu.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("'" + command + "' did not finish within " + seconds + " s; console since:\n"
                        + console.substring(from));
            }
            Thread.sleep(50);
        }
    }

    public String console() {
        return console.toString();
    }

    @Override
    public void close() throws InterruptedException {
        qemu.destroy();
        if (!qemu.waitFor(10, TimeUnit.SECONDS)) {
            qemu.destroyForcibly();
        }
    }
}
