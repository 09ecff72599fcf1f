package io.quiver.perf.fabric;

import com.fasterxml.jackson.databind.JsonNode;
import io.quiver.control.host.Shell;
import io.quiver.perf.measure.ResultFile;
import java.util.List;

/**
 * The kernel as the encapsulation's peer: two namespaces on a veth pair, UDP of 64-byte payloads from one to the
 * other (iperf3, unpaced) once plainly over the veth and once through Linux vxlan devices on it. The ratio of the two
 * rates is the kernel's price for VXLAN, beside Quiver's. The sender (a user-space iperf3 on a 2-CPU machine) bounds
 * both rates, so the kernel's ratio is, if anything, kinder to the kernel than Quiver's single-lcore ratio is to Quiver.
 */
final class KernelVxlan {
    private static final String A = "qv-kx1";
    private static final String B = "qv-kx2";

    private KernelVxlan() {
    }

    static boolean available() {
        return "root".equals(System.getProperty("user.name")) && Shell.available("iperf3") && Shell.available("ip");
    }

    /** Received packets per second, plain and through vxlan, for {@code seconds}. */
    static double[] measure(int seconds) throws Exception {
        down();
        try {
            up();
            return new double[] {rate("192.0.3.2", seconds), rate("10.99.0.2", seconds)};
        } finally {
            down();
        }
    }

    private static void up() {
        Shell.check("ip", "netns", "add", A);
        Shell.check("ip", "netns", "add", B);
        Shell.check("ip", "link", "add", "qvkxa", "netns", A, "mtu", "1550", "type", "veth", "peer", "name", "qvkxb", "netns", B, "mtu", "1550");
        int k = 1;
        for (String[] end : new String[][] {{A, "qvkxa"}, {B, "qvkxb"}}) {
            String ns = end[0];
            in(ns, "ip", "link", "set", "lo", "up");
            in(ns, "ip", "addr", "add", "192.0.3." + k + "/24", "dev", end[1]);
            in(ns, "ip", "link", "set", end[1], "up");
            in(ns, "ip", "link", "add", "vxlan0", "type", "vxlan", "id", "10000", "dstport", "4789", "local", "192.0.3." + k,
                    "remote", "192.0.3." + (3 - k), "dev", end[1]);
            in(ns, "ip", "addr", "add", "10.99.0." + k + "/24", "dev", "vxlan0");
            in(ns, "ip", "link", "set", "vxlan0", "up");
            k++;
        }
    }

    private static double rate(String server, int seconds) throws Exception {
        Process s = new ProcessBuilder("ip", "netns", "exec", B, "iperf3", "-s", "-1", "-B", server).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Thread.sleep(500);
        Shell.Result c = Shell.run(List.of("ip", "netns", "exec", A, "taskset", "-c", "1", "iperf3", "-u", "-l", "64", "-b", "0",
                "-t", Integer.toString(seconds), "-c", server, "-J"), seconds + 30L);
        s.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        s.destroyForcibly();
        JsonNode sum = ResultFile.JSON.readTree(c.output()).get("end").get("sum");
        return (sum.get("packets").asLong() - sum.get("lost_packets").asLong()) / sum.get("seconds").asDouble();
    }

    private static void in(String ns, String... command) {
        List<String> c = new java.util.ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(command));
        Shell.check(c.toArray(String[]::new));
    }

    private static void down() {
        Shell.quietly("ip", "netns", "del", A);
        Shell.quietly("ip", "netns", "del", B);
    }
}
