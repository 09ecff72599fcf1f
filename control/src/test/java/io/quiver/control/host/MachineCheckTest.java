package io.quiver.control.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.control.host.MachineCheck.Finding;
import io.quiver.control.host.MachineCheck.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** quiver doctor's checks over made-up /proc and /sys trees: a lab machine, and a server as docs/deployment.md sets it up. */
class MachineCheckTest {
    @TempDir
    Path root;
    Path proc;
    Path sys;
    MachineCheck check;

    @BeforeEach
    void machine() throws IOException {
        proc = Files.createDirectories(root.resolve("proc"));
        sys = Files.createDirectories(root.resolve("sys"));
        check = new MachineCheck(proc, sys);
    }

    void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** A PCI device with a class, ids, NUMA node and (when given) a driver link. */
    void pciDevice(String address, String pciClass, String driver) throws IOException {
        Path d = sys.resolve("bus/pci/devices/" + address);
        write(d.resolve("class"), pciClass + "\n");
        write(d.resolve("vendor"), "0x8086\n");
        write(d.resolve("device"), "0x1592\n");
        write(d.resolve("numa_node"), "1\n");
        if (driver != null) {
            Path drv = Files.createDirectories(sys.resolve("bus/pci/drivers/" + driver));
            Files.createSymbolicLink(d.resolve("driver"), drv);
        }
    }

    @Test
    void aLabMachineGetsAdviceNotFailures() throws IOException {
        write(proc.resolve("meminfo"), "MemTotal: 24000000 kB\nHugePages_Total:       0\nHugePages_Free:        0\nHugepagesize:       2048 kB\n");
        write(proc.resolve("self/limits"), "Limit                     Soft Limit           Hard Limit           Units\n"
                + "Max locked memory         8388608              8388608              bytes\n");
        write(sys.resolve("devices/system/cpu/isolated"), "\n");
        Files.createDirectories(sys.resolve("kernel/iommu_groups"));
        assertEquals(Status.ADVICE, check.hugepages().status());
        assertTrue(check.hugepages().todo().contains("vm.nr_hugepages"), check.hugepages().todo());
        assertEquals(Status.ADVICE, check.iommu().status());
        assertTrue(check.iommu().todo().contains("intel_iommu=on"));
        assertEquals(Status.ADVICE, check.memlock().status(), check.memlock().toString());
        assertEquals(Status.ADVICE, check.cpuIsolation().status());
        List<Finding> nics = check.nics();
        assertEquals(1, nics.size());
        assertTrue(nics.getFirst().found().contains("no Ethernet controller"), nics.toString());
    }

    @Test
    void aServerSetUpAsTheGuideSaysIsReady() throws IOException {
        write(proc.resolve("meminfo"), "HugePages_Total:       4\nHugePages_Free:        4\nHugepagesize:    1048576 kB\n");
        write(proc.resolve("self/limits"), "Max locked memory         unlimited            unlimited            bytes\n");
        write(proc.resolve("modules"), "vfio_pci 16384 0 - Live 0x0000000000000000\n");
        write(sys.resolve("devices/system/cpu/isolated"), "2-5\n");
        write(sys.resolve("devices/system/cpu/nohz_full"), "2-5\n");
        Files.createDirectories(sys.resolve("kernel/iommu_groups/0"));
        Files.createDirectories(sys.resolve("kernel/iommu_groups/1"));
        pciDevice("0000:03:00.0", "0x020000", "vfio-pci");
        pciDevice("0000:03:00.1", "0x020000", "ice");
        Files.createDirectories(sys.resolve("bus/pci/devices/0000:03:00.1/net/enp3s0f1"));
        write(proc.resolve("net/route"), "Iface\tDestination\tGateway\nenp3s0f1\t00000000\t0100000A\n");
        pciDevice("0000:00:1f.0", "0x060100", "lpc_ich"); // not a NIC
        assertEquals(new Finding("hugepages", Status.READY, "4 x 1 GiB, 4 free", ""), check.hugepages());
        assertEquals(Status.READY, check.iommu().status(), check.iommu().toString());
        assertEquals(Status.READY, check.memlock().status());
        assertEquals(Status.READY, check.cpuIsolation().status());
        assertTrue(check.cpuIsolation().found().contains("2-5"));
        List<Finding> nics = check.nics();
        assertEquals(2, nics.size(), nics.toString());
        assertEquals(Status.READY, nics.get(0).status());
        assertTrue(nics.get(0).found().contains("0000:03:00.0") && nics.get(0).found().contains("vfio-pci")
                && nics.get(0).found().contains("NUMA node 1"), nics.get(0).found());
        assertEquals(Status.ADVICE, nics.get(1).status());
        assertTrue(nics.get(1).todo().contains("ip link set enp3s0f1 down; dpdk-devbind.py --bind=vfio-pci 0000:03:00.1"), nics.get(1).todo());
        assertTrue(nics.get(1).found().contains("carrying routes") && nics.get(1).todo().contains("cuts them"), nics.get(1).toString());
    }

    @Test
    void everyHugepageInUseIsMissing() throws IOException {
        write(proc.resolve("meminfo"), "HugePages_Total:    1024\nHugePages_Free:        0\nHugepagesize:       2048 kB\n");
        assertEquals(Status.MISSING, check.hugepages().status());
        assertEquals("1024 x 2 MiB, 0 free", check.hugepages().found());
    }

    @Test
    void theDatabaseMustNotLiveOnANetworkFilesystem() throws IOException {
        write(proc.resolve("mounts"), "/dev/sda1 / ext4 rw 0 0\nserver:/export /var/lib/quiver nfs4 rw 0 0\ntmpfs /run tmpfs rw 0 0\n");
        assertEquals(Status.MISSING, check.stateFilesystem(Path.of("/var/lib/quiver")).status());
        assertEquals(Status.ADVICE, check.stateFilesystem(Path.of("/run/quiver")).status());
        Finding local = check.stateFilesystem(Path.of("/srv/quiver"));
        assertEquals(Status.READY, local.status());
        assertTrue(local.found().contains("ext4"), local.found());
    }

    @Test
    void theJdkAndDpdkVersionsAreChecked() {
        assertEquals(Status.READY, check.jdk(Runtime.Version.parse("25.0.1")).status());
        assertEquals(Status.MISSING, check.jdk(Runtime.Version.parse("17.0.9")).status());
        assertEquals(Status.READY, check.dpdk(Optional.of("DPDK 22.11.11"), "").status());
        assertEquals(Status.ADVICE, check.dpdk(Optional.of("DPDK 23.11.0"), "").status());
        Finding none = check.dpdk(Optional.empty(), "librte_eal.so.23: cannot open shared object file");
        assertEquals(Status.MISSING, none.status());
        assertTrue(none.todo().contains("apt-get install dpdk"), none.todo());
    }
}
