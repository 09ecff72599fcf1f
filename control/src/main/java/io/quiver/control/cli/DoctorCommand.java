package io.quiver.control.cli;

import io.quiver.control.host.MachineCheck;
import io.quiver.control.host.MachineCheck.Finding;
import io.quiver.control.host.MachineCheck.Status;
import io.quiver.dataplane.runtime.EalRuntime;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quiver doctor}: is this machine ready to run Quiver on real NICs, and what to do where it is not. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check this machine for Quiver, line by line: the JDK, DPDK, hugepages, the IOMMU and vfio-pci,",
                "every NIC with its driver and binding, the memlock limit, CPU isolation, and the state folder's filesystem.",
                "Exit code 0 when nothing is missing, 1 when something is (advice alone does not fail)."})
public final class DoctorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--state-dir", defaultValue = "/var/lib/quiver", description = "where the configuration database lives (default: ${DEFAULT-VALUE})")
    Path stateDir;

    @Option(names = "--proc", defaultValue = "/proc", hidden = true)
    Path proc;

    @Option(names = "--sys", defaultValue = "/sys", hidden = true)
    Path sys;

    @Override
    public Integer call() {
        MachineCheck check = new MachineCheck(proc, sys);
        List<Finding> findings = new ArrayList<>();
        findings.add(check.jdk(Runtime.version()));
        Optional<String> dpdk;
        String whyNot = "";
        try {
            dpdk = Optional.of(EalRuntime.dpdkVersion());
        } catch (RuntimeException | LinkageError e) {
            dpdk = Optional.empty();
            whyNot = e.getMessage();
        }
        findings.add(check.dpdk(dpdk, whyNot));
        findings.add(check.hugepages());
        findings.add(check.iommu());
        findings.addAll(check.nics());
        findings.add(check.memlock());
        findings.add(check.cpuIsolation());
        findings.add(check.stateFilesystem(stateDir));
        PrintWriter out = spec.commandLine().getOut();
        for (Finding f : findings) {
            String mark = switch (f.status()) {
                case READY -> "ok     ";
                case ADVICE -> "advice ";
                case MISSING -> "MISSING";
            };
            out.printf("%s %-9s %s%n", mark, f.check(), f.found());
            if (!f.todo().isEmpty()) {
                out.printf("%17s-> %s%n", "", f.todo());
            }
        }
        boolean missing = findings.stream().anyMatch(f -> f.status() == Status.MISSING);
        out.println(missing ? "doctor: something Quiver needs is missing (see MISSING above)" : "doctor: ready (advice is for a server's best run)");
        return missing ? 1 : 0;
    }
}
