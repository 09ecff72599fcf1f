package io.quiver.dataplane.offload.tls;

import static io.quiver.dataplane.offload.tls.EngineHarness.assertHex;
import static io.quiver.dataplane.offload.tls.Rfc8448.concat;
import static io.quiver.dataplane.offload.tls.Rfc8448.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.dataplane.offload.tls.Rfc8448.Resumed;
import io.quiver.dataplane.offload.tls.Rfc8448.Simple;
import io.quiver.dataplane.offload.tls.protocol.CipherSuite;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import io.quiver.dataplane.offload.tls.record.ContentType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The RFC 8448 handshakes replayed through the offload engine, as the host would drive it: the engine's key log,
 * Finished messages, binders and protected records must be the RFC's bytes.
 */
class HandshakeOffloadEngineRfc8448Test {
    private static final int AES_128_GCM_SHA256 = CipherSuite.TLS_AES_128_GCM_SHA256.code();
    private static final int X25519 = NamedGroup.X25519.code();
    private static final byte[] SIMPLE_CLIENT_RANDOM = Arrays.copyOfRange(Simple.CLIENT_HELLO, 6, 38);
    private static final byte[] RESUMED_CLIENT_RANDOM = Arrays.copyOfRange(Resumed.CLIENT_HELLO, 6, 38);

    @TempDir
    Path tmp;

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static void assertSimpleKeyLog(Map<String, String> log) {
        assertEquals(hex(Simple.CLIENT_HANDSHAKE_TRAFFIC), log.get("CLIENT_HANDSHAKE_TRAFFIC_SECRET"));
        assertEquals(hex(Simple.SERVER_HANDSHAKE_TRAFFIC), log.get("SERVER_HANDSHAKE_TRAFFIC_SECRET"));
        assertEquals(hex(Simple.CLIENT_APPLICATION_TRAFFIC), log.get("CLIENT_TRAFFIC_SECRET_0"));
        assertEquals(hex(Simple.SERVER_APPLICATION_TRAFFIC), log.get("SERVER_TRAFFIC_SECRET_0"));
        assertEquals(hex(Simple.EXPORTER_MASTER), log.get("EXPORTER_SECRET"));
        assertEquals(5, log.size(), () -> "unexpected key log lines: " + log.keySet());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk", "openssl"})
    @DisplayName("§3 as the client: handshake messages in, RFC secrets, Finished and records out")
    void simpleHandshakeAsClient(String backend) {
        try (EngineHarness client = EngineHarness.withBackend(backend, tmp.resolve("client.keys"));
             EngineHarness server = EngineHarness.withBackend(backend, null)) {
            OffloadReply started = client.ok(OffloadOperation.START, 1, r -> {
                r.role(TlsRole.CLIENT).cipherSuite(AES_128_GCM_SHA256).namedGroup(X25519);
                r.privateKey().set(Simple.CLIENT_PRIVATE);
                r.payload().set(concat(Simple.CLIENT_HELLO, Simple.SERVER_HELLO));
            });
            assertEquals(HandshakeProgress.HANDSHAKE_KEYS, started.progress());
            KeyHandle serverHandshake = started.handle(SecretKind.SERVER_HANDSHAKE_TRAFFIC);
            KeyHandle clientHandshake = started.handle(SecretKind.CLIENT_HANDSHAKE_TRAFFIC);
            assertFalse(serverHandshake.isNone());

            // the server's encrypted flight, opened with the offloaded server handshake key
            OffloadReply flight = client.open(serverHandshake, Simple.SERVER_FLIGHT_RECORD);
            assertTrue(flight.ok(), flight::toString);
            assertEquals(ContentType.HANDSHAKE, flight.contentType());
            assertHex(Simple.serverFlight(), flight.output(), "decrypted server flight");

            // its messages go to the engine, which checks the server Finished
            OffloadReply application = client.messages(1, flight.output());
            assertTrue(application.ok(), application::toString);
            assertEquals(HandshakeProgress.APPLICATION_KEYS, application.progress());

            OffloadReply finished = client.ok(OffloadOperation.FINISHED, 1, r -> { });
            assertHex(Simple.CLIENT_FINISHED, finished.output(), "client Finished");
            assertEquals(HandshakeProgress.COMPLETE, finished.progress());
            assertFalse(finished.handle(SecretKind.RESUMPTION_MASTER).isNone());

            OffloadReply finishedRecord = client.seal(clientHandshake, ContentType.HANDSHAKE, finished.output());
            assertHex(Simple.CLIENT_FINISHED_RECORD, finishedRecord.output(), "client Finished record");
            OffloadReply appRecord = client.seal(application.handle(SecretKind.CLIENT_APPLICATION_TRAFFIC),
                    ContentType.APPLICATION_DATA, Simple.applicationData());
            assertHex(Simple.CLIENT_APPLICATION_RECORD, appRecord.output(), "client application data record");

            // the server's application record is its second one: its NewSessionTicket went first
            KeyHandle serverApplication = application.handle(SecretKind.SERVER_APPLICATION_TRAFFIC);
            byte[] ticketRecord = sealTicketAsRfcServer(server);
            OffloadReply ticket = client.open(serverApplication, ticketRecord);
            assertHex(Simple.NEW_SESSION_TICKET, ticket.output(), "NewSessionTicket");
            OffloadReply data = client.open(serverApplication, Simple.SERVER_APPLICATION_RECORD);
            assertTrue(data.ok(), data::toString);
            assertEquals(ContentType.APPLICATION_DATA, data.contentType());
            assertHex(Simple.applicationData(), data.output(), "server application data");

            assertSimpleKeyLog(client.keyLog(SIMPLE_CLIENT_RANDOM));
            client.ok(OffloadOperation.CLOSE, 1, r -> { });
            assertEquals(0, client.engine.liveSecrets());
        }
    }

    /** Runs §3 as the server up to its application keys and seals the ticket: the server's first app record. */
    private static byte[] sealTicketAsRfcServer(EngineHarness server) {
        server.ok(OffloadOperation.START, 9, r -> {
            r.role(TlsRole.SERVER).cipherSuite(AES_128_GCM_SHA256).namedGroup(X25519);
            r.privateKey().set(Simple.SERVER_PRIVATE);
            r.payload().set(concat(Simple.CLIENT_HELLO, Simple.SERVER_HELLO));
        });
        OffloadReply application = server.messages(9, Simple.serverFlight());
        assertTrue(application.ok(), application::toString);
        KeyHandle serverApplication = application.handle(SecretKind.SERVER_APPLICATION_TRAFFIC);
        return server.seal(serverApplication, ContentType.HANDSHAKE, Simple.NEW_SESSION_TICKET).output();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk", "openssl"})
    @DisplayName("§3 as the server: the engine's server Finished and records are the RFC's")
    void simpleHandshakeAsServer(String backend) {
        try (EngineHarness server = EngineHarness.withBackend(backend, tmp.resolve("server.keys"))) {
            OffloadReply clientHello = server.ok(OffloadOperation.START, 2, r -> {
                r.role(TlsRole.SERVER).cipherSuite(AES_128_GCM_SHA256).namedGroup(X25519);
                r.privateKey().set(Simple.SERVER_PRIVATE);
                r.payload().set(Simple.CLIENT_HELLO);
            });
            assertEquals(HandshakeProgress.EARLY_KEYS, clientHello.progress());
            OffloadReply hello = server.messages(2, Simple.SERVER_HELLO);
            assertTrue(hello.ok(), hello::toString);
            assertTrue(server.messages(2, concat(Simple.ENCRYPTED_EXTENSIONS, Simple.CERTIFICATE,
                    Simple.CERTIFICATE_VERIFY)).ok());
            OffloadReply finished = server.ok(OffloadOperation.FINISHED, 2, r -> { });
            assertHex(Simple.SERVER_FINISHED, finished.output(), "server Finished");
            assertEquals(HandshakeProgress.APPLICATION_KEYS, finished.progress());

            OffloadReply flight = server.seal(hello.handle(SecretKind.SERVER_HANDSHAKE_TRAFFIC), ContentType.HANDSHAKE,
                    Simple.serverFlight());
            assertHex(Simple.SERVER_FLIGHT_RECORD, flight.output(), "server flight record");

            OffloadReply clientFinished = server.open(hello.handle(SecretKind.CLIENT_HANDSHAKE_TRAFFIC),
                    Simple.CLIENT_FINISHED_RECORD);
            assertHex(Simple.CLIENT_FINISHED, clientFinished.output(), "client Finished from its record");
            OffloadReply complete = server.messages(2, clientFinished.output());
            assertEquals(HandshakeProgress.COMPLETE, complete.progress());

            KeyHandle serverApplication = finished.handle(SecretKind.SERVER_APPLICATION_TRAFFIC);
            assertTrue(server.seal(serverApplication, ContentType.HANDSHAKE, Simple.NEW_SESSION_TICKET).ok());
            assertHex(Simple.SERVER_APPLICATION_RECORD,
                    server.seal(serverApplication, ContentType.APPLICATION_DATA, Simple.applicationData()).output(),
                    "server application data record");
            OffloadReply data = server.open(finished.handle(SecretKind.CLIENT_APPLICATION_TRAFFIC),
                    Simple.CLIENT_APPLICATION_RECORD);
            assertHex(Simple.applicationData(), data.output(), "client application data");

            assertSimpleKeyLog(server.keyLog(SIMPLE_CLIENT_RANDOM));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk", "openssl"})
    @DisplayName("§3 from transcript hashes only: the host keeps the transcript, the engine the secrets")
    void simpleHandshakeFromTranscriptHashes(String backend) {
        try (EngineHarness client = EngineHarness.withBackend(backend, tmp.resolve("hashes.keys"))) {
            client.ok(OffloadOperation.START, 3, r -> {
                r.role(TlsRole.CLIENT).cipherSuite(AES_128_GCM_SHA256).namedGroup(X25519);
                r.privateKey().set(Simple.CLIENT_PRIVATE);
                r.localKeyShare().set(Simple.CLIENT_PUBLIC);
                r.peerKeyShare().set(Simple.SERVER_PUBLIC);
                r.clientRandom().set(SIMPLE_CLIENT_RANDOM);
            });
            OffloadReply hello = point(client, 3, TranscriptPoint.SERVER_HELLO, Simple.HELLO_HASH, null);
            assertEquals(HandshakeProgress.HANDSHAKE_KEYS, hello.progress());
            byte[] serverContext = sha256(Simple.CLIENT_HELLO, Simple.SERVER_HELLO, Simple.ENCRYPTED_EXTENSIONS,
                    Simple.CERTIFICATE, Simple.CERTIFICATE_VERIFY);
            point(client, 3, TranscriptPoint.SERVER_FINISHED_CONTEXT, serverContext, Simple.SERVER_VERIFY_DATA);
            OffloadReply application = point(client, 3, TranscriptPoint.SERVER_FINISHED, Simple.SERVER_FINISHED_HASH, null);
            OffloadReply finished = point(client, 3, TranscriptPoint.CLIENT_FINISHED_CONTEXT, Simple.SERVER_FINISHED_HASH, null);
            assertHex(Simple.CLIENT_FINISHED, finished.output(), "client Finished");
            OffloadReply complete = point(client, 3, TranscriptPoint.CLIENT_FINISHED, Simple.CLIENT_FINISHED_HASH, null);
            assertEquals(HandshakeProgress.COMPLETE, complete.progress());

            assertHex(Simple.CLIENT_FINISHED_RECORD, client.seal(hello.handle(SecretKind.CLIENT_HANDSHAKE_TRAFFIC),
                    ContentType.HANDSHAKE, Simple.CLIENT_FINISHED).output(), "client Finished record");
            assertHex(Simple.CLIENT_APPLICATION_RECORD, client.seal(application.handle(SecretKind.CLIENT_APPLICATION_TRAFFIC),
                    ContentType.APPLICATION_DATA, Simple.applicationData()).output(), "client application record");
            assertSimpleKeyLog(client.keyLog(SIMPLE_CLIENT_RANDOM));
        }
    }

    private static OffloadReply point(EngineHarness h, long connection, TranscriptPoint point, byte[] hash,
                                      byte[] peerVerifyData) {
        return h.ok(OffloadOperation.TRANSCRIPT_HASH, connection, r -> {
            r.transcriptPoint(point).payload().set(hash);
            r.auxiliary().set(peerVerifyData);
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk", "openssl"})
    @DisplayName("§4 resumption as the client: ticket PSK behind a handle, binder, 0-RTT secrets, Finished")
    void resumedHandshakeAsClient(String backend) {
        try (EngineHarness client = EngineHarness.withBackend(backend, tmp.resolve("resumed.keys"))) {
            // connection 1 is §3; its ticket (nonce 00 00) gives the PSK of connection 2
            client.ok(OffloadOperation.START, 1, r -> {
                r.role(TlsRole.CLIENT).cipherSuite(AES_128_GCM_SHA256).namedGroup(X25519);
                r.privateKey().set(Simple.CLIENT_PRIVATE);
                r.payload().set(concat(Simple.CLIENT_HELLO, Simple.SERVER_HELLO, Simple.serverFlight()));
            });
            client.ok(OffloadOperation.FINISHED, 1, r -> { });
            KeyHandle psk = client.ok(OffloadOperation.RESUMPTION_PSK, 1, r -> r.payload().set(Simple.TICKET_NONCE))
                    .handle(SecretKind.RESUMPTION_PSK);
            client.ok(OffloadOperation.CLOSE, 1, r -> { });

            client.ok(OffloadOperation.START, 2, r -> {
                r.role(TlsRole.CLIENT).cipherSuite(AES_128_GCM_SHA256).namedGroup(X25519).pskHandle(psk.value());
                r.privateKey().set(Resumed.CLIENT_PRIVATE);
            });
            OffloadReply binder = client.ok(OffloadOperation.PSK_BINDER, 2, r -> r.payload().set(Resumed.CLIENT_HELLO_PREFIX));
            assertHex(Resumed.BINDER, binder.output(), "PSK binder");

            OffloadReply early = client.messages(2, Resumed.CLIENT_HELLO);
            assertTrue(early.ok(), early::toString);
            assertFalse(early.handle(SecretKind.CLIENT_EARLY_TRAFFIC).isNone());
            OffloadReply hello = client.messages(2, Resumed.SERVER_HELLO);
            assertTrue(hello.ok(), hello::toString);
            OffloadReply application = client.messages(2, concat(Resumed.ENCRYPTED_EXTENSIONS, Resumed.SERVER_FINISHED));
            assertTrue(application.ok(), application::toString);
            // 0-RTT was accepted (early_data in EncryptedExtensions): EndOfEarlyData must precede the Finished
            assertEquals(FailureReason.WRONG_STATE, client.call(OffloadOperation.FINISHED, 2, r -> { }).reason());
            assertTrue(client.messages(2, Resumed.END_OF_EARLY_DATA).ok());
            OffloadReply finished = client.ok(OffloadOperation.FINISHED, 2, r -> { });
            assertHex(Resumed.CLIENT_FINISHED, finished.output(), "client Finished");
            assertEquals(HandshakeProgress.COMPLETE, finished.progress());

            Map<String, String> log = client.keyLog(RESUMED_CLIENT_RANDOM);
            assertEquals(hex(Resumed.CLIENT_EARLY_TRAFFIC), log.get("CLIENT_EARLY_TRAFFIC_SECRET"));
            assertEquals(hex(Resumed.EARLY_EXPORTER_MASTER), log.get("EARLY_EXPORTER_SECRET"));
            assertEquals(hex(Resumed.CLIENT_HANDSHAKE_TRAFFIC), log.get("CLIENT_HANDSHAKE_TRAFFIC_SECRET"));
            assertEquals(hex(Resumed.SERVER_HANDSHAKE_TRAFFIC), log.get("SERVER_HANDSHAKE_TRAFFIC_SECRET"));
            assertEquals(hex(Resumed.CLIENT_APPLICATION_TRAFFIC), log.get("CLIENT_TRAFFIC_SECRET_0"));
            assertEquals(hex(Resumed.SERVER_APPLICATION_TRAFFIC), log.get("SERVER_TRAFFIC_SECRET_0"));
            assertEquals(hex(Resumed.EXPORTER_MASTER), log.get("EXPORTER_SECRET"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk", "openssl"})
    @DisplayName("§4 resumption as the server: the client's binder is checked, the server Finished is the RFC's")
    void resumedHandshakeAsServer(String backend) {
        try (EngineHarness server = EngineHarness.withBackend(backend, null)) {
            server.ok(OffloadOperation.START, 4, r -> {
                r.role(TlsRole.SERVER).cipherSuite(AES_128_GCM_SHA256).namedGroup(X25519);
                r.privateKey().set(Resumed.SERVER_PRIVATE);
                r.psk().set(Simple.RESUMPTION_PSK);
                r.payload().set(concat(Resumed.CLIENT_HELLO, Resumed.SERVER_HELLO, Resumed.ENCRYPTED_EXTENSIONS));
            });
            OffloadReply finished = server.ok(OffloadOperation.FINISHED, 4, r -> { });
            assertHex(Resumed.SERVER_FINISHED, finished.output(), "server Finished");
            OffloadReply complete = server.messages(4, concat(Resumed.END_OF_EARLY_DATA, Resumed.CLIENT_FINISHED));
            assertTrue(complete.ok(), complete::toString);
            assertEquals(HandshakeProgress.COMPLETE, complete.progress());
        }
    }
}
