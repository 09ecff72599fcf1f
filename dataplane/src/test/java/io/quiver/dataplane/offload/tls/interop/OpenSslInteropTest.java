package io.quiver.dataplane.offload.tls.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quiver.dataplane.offload.tls.CryptoBackends;
import io.quiver.dataplane.offload.tls.HandshakeProgress;
import io.quiver.dataplane.offload.tls.crypto.openssl.OpenSslCryptoBackend;
import io.quiver.dataplane.offload.tls.protocol.CipherSuite;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import io.quiver.dataplane.offload.tls.ring.HandshakeOffloadService;
import io.quiver.dataplane.offload.tls.ring.OffloadConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Interop with a real TLS 1.3 server, OpenSSL's s_server (Debian's openssl) with {@code -keylogfile}: a client whose
 * handshake cryptography is offloaded to Quiver completes the handshake, exchanges application data under the
 * engine's record protection, and every secret in the server's key log equals the one in Quiver's debug key log.
 * Runs as root with openssl installed (as in CI) and skips, saying why, otherwise. Only 127.0.0.1, bounded in time,
 * the server always killed.
 */
@Timeout(60)
class OpenSslInteropTest {
    private static final String[] LABELS = {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
            "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET"};

    @TempDir
    Path tmp;

    @BeforeAll
    static void requireOpenSsl() {
        String why = OpenSslServer.unavailableReason();
        assumeTrue(why == null, () -> "OpenSSL interop test skipped: " + why);
    }

    @ParameterizedTest(name = "{0} over {1}, {2} backend")
    @CsvSource({
            "TLS_AES_128_GCM_SHA256, X25519, OPENSSL",
            "TLS_AES_256_GCM_SHA384, SECP256R1, OPENSSL",
            "TLS_CHACHA20_POLY1305_SHA256, X25519, OPENSSL",
            "TLS_AES_128_GCM_SHA256, SECP256R1, JDK",
            "TLS_AES_256_GCM_SHA384, X25519, JDK",
            "TLS_CHACHA20_POLY1305_SHA256, SECP256R1, JDK",
    })
    @DisplayName("an offloaded client against openssl s_server: handshake, data both ways, equal key logs")
    void handshakeWithOpenSslServer(CipherSuite suite, NamedGroup group, CryptoBackends.Choice backend) throws Exception {
        if (backend == CryptoBackends.Choice.OPENSSL) {
            assumeTrue(OpenSslCryptoBackend.isAvailable(), OpenSslCryptoBackend::unavailableReason);
        }
        Path quiverKeyLog = tmp.resolve("quiver.keys");
        OffloadConfiguration configuration = OffloadConfiguration.defaults().withBackend(backend)
                .withKeyLogFile(quiverKeyLog);
        try (OpenSslServer server = OpenSslServer.start(tmp, suite.name());
             HandshakeOffloadService appliance = HandshakeOffloadService.start(configuration)) {
            String clientRandom;
            try (OffloadedTls13Client client = new OffloadedTls13Client(appliance.client(), 7, suite, group, server.port())) {
                client.handshake();
                assertEquals(HandshakeProgress.COMPLETE, client.progress());
                clientRandom = HexFormat.of().formatHex(client.clientRandom());

                // s_server -rev answers each line reversed
                String line = "hello from an offloaded " + suite + " handshake\n";
                client.send(line.getBytes(StandardCharsets.US_ASCII));
                byte[] answer = client.receive(line.length());
                String expected = new StringBuilder(line.substring(0, line.length() - 1)).reverse() + "\n";
                assertEquals(expected, new String(answer, StandardCharsets.US_ASCII), server::output);
                assertFalse(client.ticketPsks().isEmpty(), "s_server's tickets became resumption PSKs in the engine");
                client.closeNotify();
            }

            Map<String, String> theirs = server.keyLog(clientRandom, LABELS.length);
            Map<String, String> ours = quiverKeyLog(quiverKeyLog, clientRandom);
            for (String label : LABELS) {
                assertEquals(theirs.get(label), ours.get(label), label + " differs from s_server's key log");
            }
            assertEquals(LABELS.length, theirs.size(), () -> "s_server logged " + theirs.keySet());
        }
    }

    @org.junit.jupiter.api.Test
    @DisplayName("a ticket from one offloaded connection resumes the next: PSK with (EC)DHE, binder from the engine")
    void resumptionWithOpenSslServer() throws Exception {
        try (OpenSslServer server = OpenSslServer.start(tmp, CipherSuite.TLS_AES_128_GCM_SHA256.name(), 2);
             HandshakeOffloadService appliance = HandshakeOffloadService.start(OffloadConfiguration.defaults())) {
            OffloadedTls13Client.Ticket ticket;
            try (OffloadedTls13Client first = new OffloadedTls13Client(appliance.client(), 1,
                    CipherSuite.TLS_AES_128_GCM_SHA256, NamedGroup.X25519, server.port())) {
                first.handshake();
                first.send("first\n".getBytes(StandardCharsets.US_ASCII));
                first.receive(6);
                assertFalse(first.tickets().isEmpty(), server::output);
                ticket = first.tickets().getFirst();
                first.closeNotify();
            }
            try (OffloadedTls13Client second = new OffloadedTls13Client(appliance.client(), 2,
                    CipherSuite.TLS_AES_128_GCM_SHA256, NamedGroup.X25519, server.port())) {
                second.resume(ticket);
                assertEquals(HandshakeProgress.COMPLETE, second.progress());
                org.junit.jupiter.api.Assertions.assertTrue(second.resumed(), "s_server accepted the PSK: " + server.output());
                second.send("again\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("niaga\n", new String(second.receive(6), StandardCharsets.US_ASCII));
            }
        }
    }

    private static Map<String, String> quiverKeyLog(Path path, String clientRandom) throws Exception {
        Map<String, String> secrets = new HashMap<>();
        for (String line : Files.readAllLines(path)) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 3 && parts[1].equalsIgnoreCase(clientRandom)) {
                secrets.put(parts[0], parts[2]);
            }
        }
        return secrets;
    }
}
