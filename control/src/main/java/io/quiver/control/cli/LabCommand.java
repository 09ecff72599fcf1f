package io.quiver.control.cli;

import io.quiver.control.lab.NamespaceLab;
import io.quiver.control.lab.VnsLab;
import io.quiver.control.host.Shell;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code quiver lab up|down}: guests in network namespaces, joined to Quiver by veth + af_packet ports. */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = {"Create (up) or remove (down) a namespace lab: guests qv-g1..N and an uplink host qv-up",
                "in 10.77.0.0/24, each joined to Quiver by a veth pair; 'up' writes the Quiver configuration for it.",
                "Then: bin/quiver run --config <dir>/lab.yaml, and e.g. ip netns exec qv-g1 ping 10.77.0.2"})
public final class LabCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "up|down", description = "up or down")
    String action;

    @Option(names = "--guests", defaultValue = "2", description = "guest namespaces (default: ${DEFAULT-VALUE})")
    int guests;

    @Option(names = "--mode", defaultValue = "shared", description = "threading in the written configuration: shared or dedicated (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--ipv6", description = "give every host an IPv6 address too (fd77::N/64) and its VNIC the same")
    boolean ipv6;

    @Option(names = "--link", defaultValue = "veth", description = "how guests are attached: veth (a veth pair and an af_packet port each)"
            + " or tap (a TAP Quiver makes and moves into the guest's namespace, as for a container) (default: ${DEFAULT-VALUE})")
    String link;

    @Option(names = "--mtu", paramLabel = "BYTES", defaultValue = "1500", description = "the guests' MTU: links, ports and VNICs (default: ${DEFAULT-VALUE})")
    int mtu;

    @Option(names = "--vns", description = "the VNS lab instead: two tenants with the same subnets routed by their VNSes, a shared VNS"
            + " and an outside network behind a neighbour (qv-va1, qv-va2, qv-vb1, qv-vb2, qv-vs1, qv-vup)")
    boolean vns;

    @Option(names = "--dir", defaultValue = "/run/quiver-lab", description = "where the configuration goes (default: ${DEFAULT-VALUE})")
    Path dir;

    @Override
    public Integer call() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("the lab creates network namespaces and veth pairs: run it as root");
        }
        for (String tool : new String[] {"ip", "ethtool"}) {
            if (!Shell.available(tool)) {
                throw new IllegalStateException(tool + " not found: install the Debian packages iproute2 and ethtool");
            }
        }
        if (!mode.equals("shared") && !mode.equals("dedicated")) {
            throw new IllegalArgumentException("--mode must be shared or dedicated, not " + mode);
        }
        var out = spec.commandLine().getOut();
        if (vns) {
            switch (action) {
                case "up" -> {
                    Path config = new VnsLab(dir).up();
                    out.println("VNS lab up: tenants a and b on 10.0.0.0/24 and 10.0.1.0/24 (gateways .1), VNS shared on "
                            + "192.168.50.0/24, the outside " + VnsLab.OUTSIDE_HOST + " behind " + VnsLab.OUTSIDE_GATEWAY);
                    out.println("configuration: " + config);
                    out.println("next: bin/quiver run --config " + config + ", then e.g. ip netns exec qv-va1 traceroute -n 10.0.1.2");
                }
                case "down" -> {
                    VnsLab.down();
                    out.println("VNS lab down");
                }
                default -> throw new IllegalArgumentException("lab takes 'up' or 'down', not '" + action + "'");
            }
            return 0;
        }
        switch (action) {
            case "up" -> {
                NamespaceLab lab = new NamespaceLab(guests, mode, dir);
                switch (link) {
                    case "veth" -> { }
                    case "tap" -> lab.withTapLinks();
                    default -> throw new IllegalArgumentException("--link must be veth or tap, not '" + link + "'");
                }
                for (int i = 1; mtu != 1500 && i <= guests; i++) {
                    lab.withMtu(i, mtu);
                }
                Path config = (ipv6 ? lab.withIpv6() : lab).up();
                out.printf("lab up: %d guest(s) qv-g1..qv-g%d (%s1..%d), uplink qv-up (%s)%n", guests, guests,
                        NamespaceLab.SUBNET, guests, NamespaceLab.UPLINK_IP);
                out.println("configuration: " + config);
                out.println("next: bin/quiver run --config " + config);
            }
            case "down" -> {
                NamespaceLab.down(guests);
                out.println("lab down");
            }
            default -> throw new IllegalArgumentException("lab takes 'up' or 'down', not '" + action + "'");
        }
        return 0;
    }
}
