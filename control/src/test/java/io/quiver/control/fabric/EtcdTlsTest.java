package io.quiver.control.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.model.VnicConfig;
import io.quiver.control.config.FabricOptions;
import io.quiver.control.host.Shell;
import io.quiver.control.service.ServiceException;
import io.quiver.dataplane.fabric.FabricSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory over TLS with client certificates, against a real etcd started with {@code --client-cert-auth}:
 * appliances with a certificate its CA signed publish and see each other's VNICs; one without a certificate is
 * refused, and its changes get 503 (docs/fabric.md says how to make the certificates: these commands).
 */
class EtcdTlsTest {
    @TempDir
    Path dir;

    @Test
    void appliancesWithACertificatePublishAndOneWithoutIsRefused() throws Exception {
        Assumptions.assumeTrue(EtcdCluster.available() && Shell.available("openssl"), "etcd, etcdctl and openssl are needed (bin/quiver-test installs them)");
        String ca = pki();
        int port = 24379;
        Process etcd = new ProcessBuilder("etcd", "--name", "tls", "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", "https://127.0.0.1:" + port, "--advertise-client-urls", "https://127.0.0.1:" + port,
                "--listen-peer-urls", "http://127.0.0.1:" + (port + 100), "--initial-advertise-peer-urls", "http://127.0.0.1:" + (port + 100),
                "--initial-cluster", "tls=http://127.0.0.1:" + (port + 100),
                "--cert-file", dir.resolve("server.pem").toString(), "--key-file", dir.resolve("server.key").toString(),
                "--trusted-ca-file", ca, "--client-cert-auth")
                .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
        List<String> endpoints = List.of("https://127.0.0.1:" + port);
        List<List<DirectoryEntries.Vnic>> seenByB = new CopyOnWriteArrayList<>();
        try (EtcdDirectory a = directory("qa", new FabricOptions.EtcdOptions(endpoints, null, 5, ca, cert("qa"), key("qa")), (x, v) -> { });
             EtcdDirectory b = directory("qb", new FabricOptions.EtcdOptions(endpoints, null, 5, ca, cert("qb"), key("qb")),
                     (x, v) -> seenByB.add(v));
             EtcdDirectory stranger = directory("qc", new FabricOptions.EtcdOptions(endpoints, null, 5, ca, null, null), (x, v) -> { })) {
            a.start();
            b.start();
            stranger.start();
            awaitTrue(() -> a.reachable() && b.reachable(), 30_000);
            VnicConfig v = VnicConfig.create("g1", "02:00:00:00:00:01").with("ipv4-addresses", "10.77.0.1/24");
            a.publish(null, v);
            awaitTrue(() -> !seenByB.isEmpty() && seenByB.get(seenByB.size() - 1).stream().anyMatch(e -> e.vnic().equals("g1")), 10_000);
            assertEquals("10.77.0.1/24", seenByB.get(seenByB.size() - 1).get(0).config().ipv4Addresses().get(0).toString());
            assertFalse(stranger.reachable(), "no client certificate: etcd refuses the connection");
            ServiceException refused = assertThrows(ServiceException.class, () -> stranger.publish(null, v));
            assertEquals(503, refused.status());
        } finally {
            etcd.destroyForcibly();
            etcd.waitFor();
        }
    }

    private EtcdDirectory directory(String name, FabricOptions.EtcdOptions options, EtcdDirectory.Listener listener) {
        return new EtcdDirectory(options, new FabricSettings(name, 0, FabricSettings.VXLAN_PORT, FabricSettings.DEFAULT_VNI_BASE),
                0, null, List::of, listener);
    }

    /** A CA, a server certificate for 127.0.0.1 and client certificates for qa and qb, as docs/fabric.md describes. */
    private String pki() throws Exception {
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path("ca.key"),
                "-out", path("ca.pem"), "-subj", "/CN=quiver-etcd-ca", "-days", "30");
        sign("server", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth");
        sign("qa", "extendedKeyUsage=clientAuth");
        sign("qb", "extendedKeyUsage=clientAuth");
        return path("ca.pem");
    }

    private void sign(String name, String extensions) throws Exception {
        Files.writeString(dir.resolve(name + ".ext"), extensions + "\n");
        run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path(name + ".key"),
                "-out", path(name + ".csr"), "-subj", "/CN=" + name);
        run("openssl", "x509", "-req", "-in", path(name + ".csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"), "-CAcreateserial",
                "-out", path(name + ".pem"), "-days", "30", "-extfile", path(name + ".ext"));
    }

    private String cert(String name) {
        return path(name + ".pem");
    }

    private String key(String name) {
        return path(name + ".key");
    }

    private String path(String file) {
        return dir.resolve(file).toString();
    }

    private static void run(String... command) {
        Shell.Result r = Shell.run(List.of(command), 30);
        assertEquals(0, r.exitCode(), String.join(" ", command) + ": " + r.output());
    }

    private static void awaitTrue(java.util.function.BooleanSupplier done, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(done.getAsBoolean(), "in time");
    }
}
