package io.quiver.control.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quiver.control.daemon.QuiverProcess;
import io.quiver.control.host.Shell;
import io.quiver.dataplane.offload.tls.HandshakeProgress;
import io.quiver.dataplane.offload.tls.SecretKind;
import io.quiver.dataplane.offload.tls.host.HandshakeOffloadClient;
import io.quiver.dataplane.offload.tls.interop.OffloadedTls13Client;
import io.quiver.dataplane.offload.tls.interop.OpenSslServer;
import io.quiver.dataplane.offload.tls.protocol.CipherSuite;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import io.quiver.dataplane.offload.tls.wire.SocketOffloadChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The running daemon serves TLS handshake offload (docs/tls-offload.md): to a host process over its Unix socket, and
 * to a guest through its own VNIC, each against a real {@code openssl s_server -tls1_3}; the C client
 * ({@code libquiver-tls}) on both ways; the offload policy refusing a guest, audited. Real namespaces and the real
 * daemon; needs root, openssl and a C compiler (bin/quiver-test installs them) and skips, saying why, without.
 */
@Timeout(300)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class TlsOffloadLabTest {
    @TempDir
    static Path dir;
    static QuiverProcess quiver;
    static String api;
    static Path socket;

    @BeforeAll
    static void up() throws Exception {
        LabApi.assumeLab("ip", "openssl", "cc");
        String why = OpenSslServer.unavailableReason();
        org.junit.jupiter.api.Assumptions.assumeTrue(why == null, () -> "TLS offload lab skipped: " + why);
        Path config = new NamespaceLab(2, "shared", dir).up();
        socket = dir.resolve("tls-offload.sock");
        Files.writeString(config, """
                tls-offload:
                  socket: %s
                  guests:
                    offloadByDefault: false
                    vnics: { g1: true }
                """.formatted(socket), StandardOpenOption.APPEND);
        quiver = LabApi.start(config, "quiver-tlslab", dir);
        api = quiver.apiUrl(60);
        quiver.awaitOutput("quiver: running", 30);
        for (int i = 1; i <= 2; i++) {
            Shell.check("ip", "netns", "exec", NamespaceLab.guestNamespace(i), "ip", "link", "set", "lo", "up");
        }
    }

    @AfterAll
    static void down() throws Exception {
        if (quiver != null) {
            quiver.stop();
        }
        NamespaceLab.down(2);
    }

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({
            "TLS_AES_128_GCM_SHA256, X25519",
            "TLS_AES_256_GCM_SHA384, SECP256R1",
            "TLS_CHACHA20_POLY1305_SHA256, X25519",
            "TLS_AES_128_GCM_SHA256, SECP256R1",
            "TLS_AES_256_GCM_SHA384, X25519",
            "TLS_CHACHA20_POLY1305_SHA256, SECP256R1",
    })
    void aHostProcessOffloadsItsHandshakeToTheDaemonOverTheSocket(CipherSuite suite, NamedGroup group) throws Exception {
        Path tmp = Files.createTempDirectory(dir, "host");
        try (OpenSslServer server = OpenSslServer.start(tmp, suite.name(), 2);
             SocketOffloadChannel channel = SocketOffloadChannel.connect(socket)) {
            HandshakeOffloadClient offload = new HandshakeOffloadClient(channel);
            OffloadedTls13Client.Ticket ticket;
            try (OffloadedTls13Client client = new OffloadedTls13Client(offload, 1, suite, group, server.port())) {
                client.handshake();
                assertEquals(HandshakeProgress.COMPLETE, client.progress());
                String line = "a host's " + suite + " over " + group + "\n";
                client.send(line.getBytes(StandardCharsets.US_ASCII));
                assertEquals(new StringBuilder(line.strip()).reverse() + "\n",
                        new String(client.receive(line.length()), StandardCharsets.US_ASCII), server::output);
                assertTrue(!client.tickets().isEmpty(), server::output);
                ticket = client.tickets().getFirst();
                client.closeNotify();
            }
            try (OffloadedTls13Client resumed = new OffloadedTls13Client(offload, 2, suite, group, server.port())) {
                resumed.resume(ticket);
                assertTrue(resumed.resumed(), () -> "s_server took the PSK: " + server.output());
                resumed.send("psk\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("ksp\n", new String(resumed.receive(4), StandardCharsets.US_ASCII));
            }
        }
        JsonNode view = LabApi.ok(api, "GET", "/v1/tls-offload", null);
        assertTrue(view.get("handshakes").asLong() >= 2, view.toString());
    }

    /** The guest-side Java client, run inside guest {@code i}'s namespace. */
    static Shell.Result inGuest(int i, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", NamespaceLab.guestNamespace(i),
                ProcessHandle.current().info().command().orElse("java"),
                "@" + Path.of(System.getProperty("quiver.home"), "bin", "jvm.options"),
                "-cp", System.getProperty("java.class.path"), GuestTlsClient.class.getName()));
        cmd.addAll(List.of(args));
        return Shell.run(cmd, 120);
    }

    @Test
    void aGuestOffloadsThroughItsOwnVnic() throws Exception {
        Shell.Result r = inGuest(1, "TLS_AES_128_GCM_SHA256", "X25519");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("guest TLS offload: ok"), r.output());
        JsonNode g1 = client("g1");
        assertTrue(g1.get("handshakes").asLong() >= 2, g1.toString());
        assertEquals("vnic", g1.get("kind").asText());
        Shell.Result p256 = inGuest(1, "TLS_CHACHA20_POLY1305_SHA256", "SECP256R1");
        assertEquals(0, p256.exitCode(), p256.output());
    }

    @Test
    void aGuestThePolicyRefusesIsToldCountedAndAudited() throws Exception {
        Shell.Result r = inGuest(2, "TLS_AES_128_GCM_SHA256", "X25519");
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains("NOT_PERMITTED"), r.output());
        assertTrue(client("g2").get("refusals").get("not-permitted").asLong() >= 1);
        boolean audited = false;
        for (JsonNode a : LabApi.ok(api, "GET", "/v1/audit?limit=1000", null)) {
            audited |= a.get("action").asText().equals("TLS_OFFLOAD_REFUSED") && a.get("requester").asText().equals("guest:g2");
        }
        assertTrue(audited, "the refusal is in the audit log");
    }

    @Test
    void theCClientRunsRfc8448OverTheSocketAndThroughAVnicAndCannotUseAnotherClientsHandle() throws Exception {
        Path binary = dir.resolve("qtls_rfc8448");
        Path home = Path.of(System.getProperty("quiver.home"));
        Shell.Result cc = Shell.run(List.of("cc", "-std=c11", "-D_DEFAULT_SOURCE", "-Wall", "-Wextra", "-Werror", "-O2",
                "-I", home.resolve("control/src/main/c/quiver-tls").toString(),
                home.resolve("control/src/test/c/qtls_rfc8448.c").toString(),
                home.resolve("control/src/main/c/quiver-tls/quiver_tls.c").toString(), "-o", binary.toString()), 120);
        assertEquals(0, cc.exitCode(), cc.output());

        Shell.Result host = Shell.run(List.of(binary.toString(), "unix:" + socket), 60);
        assertEquals(0, host.exitCode(), host.output());
        assertTrue(host.output().contains("all") && host.output().contains("checks passed"), host.output());

        Shell.Result guest = Shell.run(List.of("ip", "netns", "exec", NamespaceLab.guestNamespace(1), binary.toString(),
                "udp:169.254.169.254:6862"), 60);
        assertEquals(0, guest.exitCode(), guest.output());

        // a handle held by a Java client on the socket, presented by the C client on another connection
        try (SocketOffloadChannel channel = SocketOffloadChannel.connect(socket)) {
            HandshakeOffloadClient java = new HandshakeOffloadClient(channel);
            long handle = io.quiver.control.tls.TlsOffloadServiceTest.handshake(java, 77)
                    .handle(SecretKind.CLIENT_APPLICATION_TRAFFIC).value();
            Shell.Result foreign = Shell.run(List.of(binary.toString(), "unix:" + socket, "--handle-of-other-client",
                    Long.toHexString(handle)), 60);
            assertEquals(0, foreign.exitCode(), foreign.output());
            assertTrue(foreign.output().contains("UNKNOWN_HANDLE"), foreign.output());
        }
        assertTrue(LabApi.ok(api, "GET", "/v1/tls-offload", null).get("foreignHandles").asLong() >= 1);
    }

    @Test
    void showTlsOffloadAndTheMetricsTellWhatTheServiceDid() throws Exception {
        try (SocketOffloadChannel channel = SocketOffloadChannel.connect(socket)) {
            io.quiver.control.tls.TlsOffloadServiceTest.handshake(new HandshakeOffloadClient(channel), 5);
            QuiverProcess show = LabApi.cli(api, "show-tls-offload");
            assertEquals(0, show.waitFor(), show.stderr());
            String out = show.stdout();
            assertTrue(out.contains("HANDSHAKES") && out.contains("socket") && out.contains("session(s)"), out);
        }
        String metrics = Shell.check(List.of("curl", "-s", api + "/metrics"), 30);
        assertTrue(metrics.contains("quiver_tls_offload_handshakes_total"), metrics);
        assertTrue(metrics.contains("quiver_tls_offload_sessions"), metrics);
    }

    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE) // last: it deletes g1
    void aDeletedVnicsSessionsAreErased() throws Exception {
        Shell.Result r = inGuest(1, "hold");
        assertEquals(0, r.exitCode(), r.output());
        long before = LabApi.ok(api, "GET", "/v1/tls-offload", null).get("sessions").asLong();
        assertTrue(client("g1").get("sessions").asLong() >= 1, "the guest left its session open");
        LabApi.ok(api, "DELETE", "/v1/vnics/g1", null);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        JsonNode view;
        do {
            Thread.sleep(100);
            view = LabApi.ok(api, "GET", "/v1/tls-offload", null);
        } while (System.nanoTime() < deadline && (hasClient(view, "g1") || view.get("sessions").asLong() >= before));
        assertTrue(!hasClient(view, "g1"), "the deleted VNIC is no client any more: " + view);
        assertTrue(view.get("sessions").asLong() < before, "its session was erased: " + view);
    }

    private static boolean hasClient(JsonNode view, String name) {
        for (JsonNode c : view.get("clients")) {
            if (c.get("name").asText().equals(name)) {
                return true;
            }
        }
        return false;
    }

    static JsonNode client(String name) throws Exception {
        for (JsonNode c : LabApi.ok(api, "GET", "/v1/tls-offload", null).get("clients")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no TLS offload client " + name + ": " + LabApi.ok(api, "GET", "/v1/tls-offload", null));
    }
}
