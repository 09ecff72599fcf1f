package io.quiver.control.fabric;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd cluster of local processes (Debian's etcd-server), each member on its own client and peer port and data
 * folder, that tests stop and start member by member.
 */
public final class EtcdCluster implements AutoCloseable {
    private final Path dir;
    private final int size;
    private final int basePort;
    private final Process[] members;

    private EtcdCluster(Path dir, int size, int basePort) {
        this.dir = dir;
        this.size = size;
        this.basePort = basePort;
        this.members = new Process[size];
    }

    /** Starts {@code size} members, client ports from {@code basePort}, peer ports from {@code basePort + 100}. */
    public static EtcdCluster start(Path dir, int size, int basePort) throws Exception {
        EtcdCluster c = new EtcdCluster(dir, size, basePort);
        for (int m = 0; m < size; m++) {
            c.startMember(m);
        }
        c.awaitHealthy(30);
        return c;
    }

    public static boolean available() {
        return io.quiver.control.host.Shell.available("etcd") && io.quiver.control.host.Shell.available("etcdctl");
    }

    public List<String> endpoints() {
        List<String> e = new ArrayList<>();
        for (int m = 0; m < size; m++) {
            e.add(clientUrl(m));
        }
        return e;
    }

    private String clientUrl(int m) {
        return "http://127.0.0.1:" + (basePort + m);
    }

    private String peerUrl(int m) {
        return "http://127.0.0.1:" + (basePort + 100 + m);
    }

    public void startMember(int m) throws IOException {
        List<String> cluster = new ArrayList<>();
        for (int k = 0; k < size; k++) {
            cluster.add("e" + k + "=" + peerUrl(k));
        }
        Path data = dir.resolve("e" + m);
        Files.createDirectories(dir);
        members[m] = new ProcessBuilder("etcd", "--name", "e" + m, "--data-dir", data.toString(),
                "--listen-client-urls", clientUrl(m), "--advertise-client-urls", clientUrl(m),
                "--listen-peer-urls", peerUrl(m), "--initial-advertise-peer-urls", peerUrl(m),
                "--initial-cluster", String.join(",", cluster), "--initial-cluster-state", "new",
                "--initial-cluster-token", "quiver-test-" + basePort,
                // a loaded 2-CPU machine: elections must not fire on a slow heartbeat
                "--heartbeat-interval", "200", "--election-timeout", "2000")
                .redirectErrorStream(true).redirectOutput(dir.resolve("e" + m + ".log").toFile()).start();
    }

    /** Kills member {@code m} with SIGKILL and waits for it to be gone. */
    public void kill(int m) throws InterruptedException {
        Process p = members[m];
        if (p != null) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            members[m] = null;
        }
    }

    /** Waits until every running member answers {@code etcdctl endpoint health}. */
    public void awaitHealthy(long seconds) throws Exception {
        List<String> running = new ArrayList<>();
        for (int m = 0; m < size; m++) {
            if (members[m] != null) {
                running.add(clientUrl(m));
            }
        }
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            var r = io.quiver.control.host.Shell.run(List.of("etcdctl", "--endpoints", String.join(",", running),
                    "--dial-timeout", "1s", "endpoint", "health"), 10);
            if (r.exitCode() == 0) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("etcd members " + running + " not healthy after " + seconds + " s; logs in " + dir);
    }

    @Override
    public void close() throws InterruptedException {
        for (int m = 0; m < size; m++) {
            kill(m);
        }
    }
}
