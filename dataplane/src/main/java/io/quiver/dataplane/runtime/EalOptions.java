package io.quiver.dataplane.runtime;

import io.quiver.dataplane.config.Defaults;
import java.util.ArrayList;
import java.util.List;

/**
 * The EAL command line Quiver uses, built from a few choices.
 *
 * @param mainCpu   the CPU of the main lcore (the thread that initialises the EAL)
 * @param memoryMb  EAL memory in MiB
 * @param hugePages use hugepages; false runs with {@code --no-huge} (this machine has none)
 * @param pci       scan the PCI bus (off for purely virtual setups: faster start, no vfio needed)
 * @param filePrefix the EAL runtime folder's name: unique per process, so several DPDK processes never collide
 * @param extra     further EAL arguments, passed through as given
 */
public record EalOptions(int mainCpu, int memoryMb, boolean hugePages, boolean pci, String filePrefix, List<String> extra) {
    public EalOptions {
        if (mainCpu < 0) {
            throw new IllegalArgumentException("main CPU must be >= 0, not " + mainCpu);
        }
        if (memoryMb < 64) {
            throw new IllegalArgumentException("EAL memory must be at least 64 MiB, not " + memoryMb);
        }
        if (filePrefix == null || filePrefix.isBlank() || !filePrefix.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("file prefix '" + filePrefix + "' must be letters, digits, '.', '_' or '-'");
        }
        extra = List.copyOf(extra == null ? List.of() : extra);
    }

    /** Virtual ports only, no hugepages, a prefix unique to this process. */
    public static EalOptions virtualDefaults() {
        return new EalOptions(0, Defaults.EAL_MEMORY_MB, false, false, "quiver-" + ProcessHandle.current().pid(), List.of());
    }

    /**
     * Where the EAL of a process started with {@code filePrefix} keeps its runtime files: DPDK's own rule,
     * {@code /var/run/dpdk/<prefix>} for root, else under {@code $XDG_RUNTIME_DIR} (or {@code /tmp}). For peers such
     * as dpdk-testpmd, whose folder Quiver cleans up; Quiver's own EAL reports its folder ({@code Eal.runtimeDir()}).
     */
    public static java.nio.file.Path runtimeFolder(String filePrefix) {
        String base = "root".equals(System.getProperty("user.name")) ? "/var/run"
                : System.getenv().getOrDefault("XDG_RUNTIME_DIR", "/tmp");
        return java.nio.file.Path.of(base, "dpdk", filePrefix);
    }

    public EalOptions withFilePrefix(String prefix) {
        return new EalOptions(mainCpu, memoryMb, hugePages, pci, prefix, extra);
    }

    public List<String> arguments() {
        List<String> args = new ArrayList<>();
        args.add("-l");
        args.add(Integer.toString(mainCpu));
        args.add("-m");
        args.add(Integer.toString(memoryMb));
        if (!hugePages) {
            args.add("--no-huge");
        }
        if (!pci) {
            args.add("--no-pci");
        }
        args.add("--file-prefix");
        args.add(filePrefix);
        args.add("--log-level");
        args.add("lib.eal:warning");
        args.addAll(extra);
        return args;
    }
}
