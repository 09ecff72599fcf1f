package io.quiver.control.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What {@code quiver doctor} looks at: whether this machine is ready to run Quiver on real NICs, read from
 * {@code /proc} and {@code /sys} (given as roots, so a test can hand it a made-up machine). Each check says what it
 * found and, where something is missing, what to do. Nothing here changes the machine.
 */
public final class MachineCheck {
    /** How a check came out: a server can run, can run but should change something, or cannot run without a fix. */
    public enum Status { READY, ADVICE, MISSING }

    /** One line of the report. */
    public record Finding(String check, Status status, String found, String todo) {
    }

    /** Ethernet controllers: PCI class 0x02 (network), subclass 0x00. */
    private static final String ETHERNET_CLASS = "0x0200";
    /** A locked-memory limit below this cannot hold the pool's DMA memory on a server. */
    static final long MEMLOCK_NEEDED = 64L << 20;
    private static final List<String> NETWORK_FILESYSTEMS = List.of("nfs", "nfs4", "cifs", "smb3", "9p", "fuse.sshfs", "ceph", "glusterfs");

    private final Path proc;
    private final Path sys;

    public MachineCheck(Path proc, Path sys) {
        this.proc = proc;
        this.sys = sys;
    }

    /** The running machine's. */
    public static MachineCheck ofThisMachine() {
        return new MachineCheck(Path.of("/proc"), Path.of("/sys"));
    }

    public Finding jdk(Runtime.Version version) {
        return version.feature() >= 25 ? new Finding("jdk", Status.READY, "Java " + version, "")
                : new Finding("jdk", Status.MISSING, "Java " + version, "install JDK 25 (Project Panama FFM): bin/quiver finds it in /usr/lib/jvm or JAVA_HOME");
    }

    /** @param version DPDK's own version string, or empty when its libraries could not be loaded (and why) */
    public Finding dpdk(Optional<String> version, String whyNot) {
        if (version.isEmpty()) {
            return new Finding("dpdk", Status.MISSING, "not loadable: " + whyNot, "apt-get install dpdk libdpdk-dev (DPDK 22.11)");
        }
        return version.get().contains("22.11") ? new Finding("dpdk", Status.READY, version.get(), "")
                : new Finding("dpdk", Status.ADVICE, version.get(), "Quiver is built and tested against DPDK 22.11 (Debian 12's)");
    }

    public Finding hugepages() {
        long total = meminfo("HugePages_Total");
        long free = meminfo("HugePages_Free");
        long sizeKb = meminfo("Hugepagesize");
        if (total <= 0) {
            return new Finding("hugepages", Status.ADVICE, "none reserved: Quiver runs with --no-huge (labs, virtual ports)",
                    "for NICs reserve them: sysctl -w vm.nr_hugepages=1024 (2 MiB pages), or hugepagesz=1G hugepages=4 on the kernel"
                            + " command line; then eal.hugePages: true (docs/deployment.md)");
        }
        String found = total + " x " + (sizeKb >= 1 << 20 ? sizeKb / (1 << 20) + " GiB" : sizeKb / 1024 + " MiB") + ", " + free + " free";
        return free > 0 ? new Finding("hugepages", Status.READY, found, "")
                : new Finding("hugepages", Status.MISSING, found, "every hugepage is in use: stop what holds them or reserve more");
    }

    public Finding iommu() {
        long groups = count(sys.resolve("kernel/iommu_groups"));
        boolean vfio = Files.isDirectory(sys.resolve("bus/pci/drivers/vfio-pci")) || modules().contains("vfio_pci");
        if (groups == 0) {
            return new Finding("iommu", Status.ADVICE, "no IOMMU groups: the IOMMU is off",
                    "for vfio-pci add intel_iommu=on iommu=pt (AMD: amd_iommu=on iommu=pt) to the kernel command line");
        }
        return vfio ? new Finding("iommu", Status.READY, groups + " IOMMU groups, vfio-pci loaded", "")
                : new Finding("iommu", Status.ADVICE, groups + " IOMMU groups, vfio-pci not loaded",
                        "modprobe vfio-pci; echo vfio-pci > /etc/modules-load.d/vfio-pci.conf");
    }

    /** Every Ethernet controller on the PCI bus, its driver, binding and NUMA node. */
    public List<Finding> nics() {
        List<Finding> out = new ArrayList<>();
        Path devices = sys.resolve("bus/pci/devices");
        for (Path d : list(devices)) {
            if (!read(d.resolve("class")).orElse("").startsWith(ETHERNET_CLASS)) {
                continue;
            }
            String address = d.getFileName().toString();
            String driver = driverOf(d);
            String node = read(d.resolve("numa_node")).orElse("-1");
            String found = address + " " + read(d.resolve("vendor")).orElse("?") + ":" + read(d.resolve("device")).orElse("?")
                    + ", driver " + driver + (node.equals("-1") ? "" : ", NUMA node " + node);
            if (driver.equals("vfio-pci") || driver.equals("uio_pci_generic") || driver.equals("igb_uio")) {
                out.add(new Finding("nic", Status.READY, found + ": ready for DPDK (devargs \"" + address + "\")", ""));
            } else if (driver.equals("mlx5_core")) {
                out.add(new Finding("nic", Status.READY, found + ": mlx5 works beside its kernel driver", ""));
            } else {
                String iface = list(d.resolve("net")).stream().map(n -> n.getFileName().toString()).findFirst().orElse(null);
                boolean routed = iface != null && lines(proc.resolve("net/route")).stream().skip(1)
                        .anyMatch(l -> l.split("\\s+")[0].equals(iface));
                out.add(new Finding("nic", Status.ADVICE, found + ": the kernel's" + (iface == null ? "" : " (" + iface + ")")
                        + (routed ? ", carrying routes" : ""),
                        (routed ? "it carries this machine's routes: binding it to DPDK cuts them (a management connection?); " : "")
                                + "to give it to Quiver: ip link set " + (iface == null ? "<its interface>" : iface)
                                + " down; dpdk-devbind.py --bind=vfio-pci " + address));
            }
        }
        if (out.isEmpty()) {
            out.add(new Finding("nic", Status.ADVICE, "no Ethernet controller on the PCI bus",
                    "Quiver runs on virtual ports (net_tap, net_af_packet, net_vhost, ...) without one"));
        }
        return out;
    }

    public Finding memlock() {
        for (String line : lines(proc.resolve("self/limits"))) {
            if (line.startsWith("Max locked memory")) {
                String soft = line.substring("Max locked memory".length()).trim().split("\\s+")[0];
                if (soft.equals("unlimited")) {
                    return new Finding("memlock", Status.READY, "unlimited", "");
                }
                long bytes = Long.parseLong(soft);
                return bytes >= MEMLOCK_NEEDED ? new Finding("memlock", Status.READY, bytes / (1 << 20) + " MiB", "")
                        : new Finding("memlock", Status.ADVICE, bytes / 1024 + " KiB",
                                "DMA memory is locked: LimitMEMLOCK=infinity in the unit (quiver.service has it) or ulimit -l unlimited");
            }
        }
        return new Finding("memlock", Status.ADVICE, "unknown (no " + proc.resolve("self/limits") + ")", "");
    }

    public Finding cpuIsolation() {
        String isolated = read(sys.resolve("devices/system/cpu/isolated")).orElse("");
        String nohz = read(sys.resolve("devices/system/cpu/nohz_full")).orElse("");
        if (isolated.isEmpty() || isolated.equals("(null)")) {
            return new Finding("cpus", Status.ADVICE, "no isolated CPUs",
                    "give the lcores CPUs of their own: isolcpus=2-5 nohz_full=2-5 rcu_nocbs=2-5 on the kernel command line,"
                            + " then datapath.cpus from them");
        }
        return new Finding("cpus", Status.READY, "isolated " + isolated + (nohz.isEmpty() || nohz.equals("(null)") ? "" : ", nohz_full " + nohz), "");
    }

    /** The filesystem the configuration database lives on: local, and shared memory maps work on it. */
    public Finding stateFilesystem(Path stateDir) {
        Path target = stateDir.toAbsolutePath().normalize();
        String best = "";
        String type = "?";
        for (String line : lines(proc.resolve("mounts"))) {
            String[] f = line.split(" ");
            if (f.length < 3) {
                continue;
            }
            String mountPoint = f[1].replace("\\040", " ");
            if (target.startsWith(mountPoint) && mountPoint.length() > best.length()) {
                best = mountPoint;
                type = f[2];
            }
        }
        String found = target + " on " + type + " (" + best + ")";
        if (NETWORK_FILESYSTEMS.contains(type.toLowerCase(Locale.ROOT))) {
            return new Finding("state", Status.MISSING, found, "the database is a shared memory map: put --state-dir on a local filesystem");
        }
        if (type.equals("tmpfs")) {
            return new Finding("state", Status.ADVICE, found, "tmpfs forgets the database at reboot: use /var/lib/quiver");
        }
        return new Finding("state", Status.READY, found, "");
    }

    private String driverOf(Path device) {
        try {
            Path link = device.resolve("driver");
            return Files.isSymbolicLink(link) ? Files.readSymbolicLink(link).getFileName().toString() : "none";
        } catch (IOException e) {
            return "none";
        }
    }

    private long meminfo(String key) {
        for (String line : lines(proc.resolve("meminfo"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
            }
        }
        return 0;
    }

    private String modules() {
        return String.join("\n", lines(proc.resolve("modules")));
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file).strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static long count(Path dir) {
        return list(dir).size();
    }
}
