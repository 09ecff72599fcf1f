package io.quiver.dataplane.offload.tls;

import static io.quiver.dataplane.offload.tls.EngineHarness.assertHex;
import static io.quiver.dataplane.offload.tls.Rfc8448.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quiver.dataplane.offload.tls.Rfc8448.Resumed;
import io.quiver.dataplane.offload.tls.Rfc8448.Retry;
import io.quiver.dataplane.offload.tls.Rfc8448.Simple;
import io.quiver.dataplane.offload.tls.crypto.Hkdf;
import io.quiver.dataplane.offload.tls.crypto.TlsCryptoBackend;
import io.quiver.dataplane.offload.tls.crypto.jdk.JdkCryptoBackend;
import io.quiver.dataplane.offload.tls.crypto.openssl.OpenSslCryptoBackend;
import io.quiver.dataplane.offload.tls.handshake.RunningTranscript;
import io.quiver.dataplane.offload.tls.protocol.CipherSuite;
import io.quiver.dataplane.offload.tls.protocol.HashAlgorithm;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import java.security.MessageDigest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every intermediate value of RFC 8448's traces, computed by the key schedule on its own. */
class Tls13KeyScheduleRfc8448Test {
    private final TlsCryptoBackend backend = new JdkCryptoBackend();
    private final Hkdf hkdf = new Hkdf(backend.hmac(HashAlgorithm.SHA256));
    private final byte[] emptyHash = backend.digest(HashAlgorithm.SHA256).digest();

    @AfterEach
    void close() {
        backend.close();
    }

    private byte[] sha256(byte[]... messages) {
        MessageDigest d = backend.digest(HashAlgorithm.SHA256);
        for (byte[] m : messages) {
            d.update(m);
        }
        return d.digest();
    }

    private Tls13KeySchedule schedule() {
        return new Tls13KeySchedule(hkdf, HashAlgorithm.SHA256, emptyHash);
    }

    @Test
    @DisplayName("the messages have the sizes RFC 8448 states")
    void messageSizes() {
        assertEquals(196, Simple.CLIENT_HELLO.length);
        assertEquals(90, Simple.SERVER_HELLO.length);
        assertEquals(40, Simple.ENCRYPTED_EXTENSIONS.length);
        assertEquals(445, Simple.CERTIFICATE.length);
        assertEquals(136, Simple.CERTIFICATE_VERIFY.length);
        assertEquals(205, Simple.NEW_SESSION_TICKET.length);
        assertEquals(679, Simple.SERVER_FLIGHT_RECORD.length);
        assertEquals(58, Simple.CLIENT_FINISHED_RECORD.length);
        assertEquals(72, Simple.CLIENT_APPLICATION_RECORD.length);
        assertEquals(72, Simple.SERVER_APPLICATION_RECORD.length);
        assertEquals(477, Resumed.CLIENT_HELLO_PREFIX.length);
        assertEquals(512, Resumed.CLIENT_HELLO.length);
        assertEquals(96, Resumed.SERVER_HELLO.length);
        assertEquals(180, Retry.CLIENT_HELLO_1.length);
        assertEquals(176, Retry.HELLO_RETRY_REQUEST.length);
        assertEquals(512, Retry.CLIENT_HELLO_2.length);
        assertEquals(123, Retry.SERVER_HELLO.length);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk", "openssl"})
    @DisplayName("§3 X25519 shared secret, from either side and either backend")
    void sharedSecret(String backendName) {
        TlsCryptoBackend b = backend(backendName);
        try {
            byte[] fromClient = new byte[32];
            byte[] fromServer = new byte[32];
            assertNull(b.keyAgreement(NamedGroup.X25519).agree(Simple.CLIENT_PRIVATE, null, Simple.SERVER_PUBLIC, fromClient));
            assertNull(b.keyAgreement(NamedGroup.X25519).agree(Simple.SERVER_PRIVATE, Simple.SERVER_PUBLIC,
                    Simple.CLIENT_PUBLIC, fromServer));
            assertHex(Simple.SHARED_SECRET, fromClient, "client's shared secret");
            assertHex(Simple.SHARED_SECRET, fromServer, "server's shared secret");
        } finally {
            b.close();
        }
    }

    static TlsCryptoBackend backend(String name) {
        if (name.equals("openssl")) {
            assumeTrue(OpenSslCryptoBackend.isAvailable(), () -> "no OpenSSL: " + OpenSslCryptoBackend.unavailableReason());
            return new OpenSslCryptoBackend();
        }
        return new JdkCryptoBackend();
    }

    @Test
    @DisplayName("§3 simple 1-RTT handshake: every secret, key, IV and verify_data")
    void simpleHandshake() {
        Tls13KeySchedule ks = schedule();
        ks.deriveEarlySecret(null);
        assertHex(Simple.EARLY_SECRET, ks.earlySecret(), "early secret");
        assertHex(Simple.DERIVED_FOR_HANDSHAKE, hkdf.deriveSecret(ks.earlySecret(), Tls13KeySchedule.DERIVED, emptyHash),
                "derived (handshake)");

        ks.deriveHandshakeSecret(Simple.SHARED_SECRET);
        assertHex(Simple.HANDSHAKE_SECRET, ks.handshakeSecret(), "handshake secret");
        byte[] helloHash = sha256(Simple.CLIENT_HELLO, Simple.SERVER_HELLO);
        assertHex(Simple.HELLO_HASH, helloHash, "Transcript-Hash(ClientHello..ServerHello)");
        byte[] cHs = ks.clientHandshakeTrafficSecret(helloHash);
        byte[] sHs = ks.serverHandshakeTrafficSecret(helloHash);
        assertHex(Simple.CLIENT_HANDSHAKE_TRAFFIC, cHs, "client handshake traffic secret");
        assertHex(Simple.SERVER_HANDSHAKE_TRAFFIC, sHs, "server handshake traffic secret");
        assertHex(Simple.DERIVED_FOR_MASTER, hkdf.deriveSecret(ks.handshakeSecret(), Tls13KeySchedule.DERIVED, emptyHash),
                "derived (master)");
        ks.deriveMasterSecret();
        assertHex(Simple.MASTER_SECRET, ks.masterSecret(), "master secret");

        CipherSuite suite = CipherSuite.TLS_AES_128_GCM_SHA256;
        assertHex(Simple.SERVER_HANDSHAKE_KEY, ks.trafficKey(sHs, suite), "server handshake key");
        assertHex(Simple.SERVER_HANDSHAKE_IV, ks.trafficIv(sHs), "server handshake iv");
        assertHex(Simple.CLIENT_HANDSHAKE_KEY, ks.trafficKey(cHs, suite), "client handshake key");
        assertHex(Simple.CLIENT_HANDSHAKE_IV, ks.trafficIv(cHs), "client handshake iv");

        assertHex(Simple.SERVER_FINISHED_KEY, ks.finishedKey(sHs), "server finished key");
        byte[] serverContext = sha256(Simple.CLIENT_HELLO, Simple.SERVER_HELLO, Simple.ENCRYPTED_EXTENSIONS,
                Simple.CERTIFICATE, Simple.CERTIFICATE_VERIFY);
        assertHex(Simple.SERVER_VERIFY_DATA, ks.finishedVerifyData(sHs, serverContext), "server verify_data");

        byte[] serverFinishedHash = sha256(Simple.CLIENT_HELLO, Simple.SERVER_HELLO, Simple.serverFlight());
        assertHex(Simple.SERVER_FINISHED_HASH, serverFinishedHash, "Transcript-Hash(ClientHello..server Finished)");
        byte[] cAp = ks.clientApplicationTrafficSecret(serverFinishedHash);
        byte[] sAp = ks.serverApplicationTrafficSecret(serverFinishedHash);
        assertHex(Simple.CLIENT_APPLICATION_TRAFFIC, cAp, "client application traffic secret");
        assertHex(Simple.SERVER_APPLICATION_TRAFFIC, sAp, "server application traffic secret");
        assertHex(Simple.EXPORTER_MASTER, ks.exporterMasterSecret(serverFinishedHash), "exporter master secret");
        assertHex(Simple.SERVER_APPLICATION_KEY, ks.trafficKey(sAp, suite), "server application key");
        assertHex(Simple.SERVER_APPLICATION_IV, ks.trafficIv(sAp), "server application iv");
        assertHex(Simple.CLIENT_APPLICATION_KEY, ks.trafficKey(cAp, suite), "client application key");
        assertHex(Simple.CLIENT_APPLICATION_IV, ks.trafficIv(cAp), "client application iv");

        assertHex(Simple.CLIENT_FINISHED_KEY, ks.finishedKey(cHs), "client finished key");
        assertHex(Simple.CLIENT_VERIFY_DATA, ks.finishedVerifyData(cHs, serverFinishedHash), "client verify_data");

        byte[] clientFinishedHash = sha256(Simple.CLIENT_HELLO, Simple.SERVER_HELLO, Simple.serverFlight(),
                Simple.CLIENT_FINISHED);
        assertHex(Simple.CLIENT_FINISHED_HASH, clientFinishedHash, "Transcript-Hash(ClientHello..client Finished)");
        byte[] resumption = ks.resumptionMasterSecret(clientFinishedHash);
        assertHex(Simple.RESUMPTION_MASTER, resumption, "resumption master secret");
        assertHex(Simple.RESUMPTION_PSK, ks.resumptionPsk(resumption, Simple.TICKET_NONCE), "ticket PSK");
    }

    @Test
    @DisplayName("§4 resumed 0-RTT handshake: binder, early, handshake and application secrets")
    void resumedHandshake() {
        Tls13KeySchedule ks = schedule();
        ks.deriveEarlySecret(Simple.RESUMPTION_PSK);
        assertHex(Resumed.EARLY_SECRET, ks.earlySecret(), "early secret");
        byte[] binderHash = sha256(Resumed.CLIENT_HELLO_PREFIX);
        assertHex(Resumed.BINDER_HASH, binderHash, "binder hash");
        byte[] binderKey = ks.binderKey(PskKind.RESUMPTION);
        assertHex(Resumed.BINDER_KEY, binderKey, "res binder key");
        assertHex(Resumed.BINDER_FINISHED_KEY, ks.finishedKey(binderKey), "binder finished key");
        assertHex(Resumed.BINDER, ks.finishedVerifyData(binderKey, binderHash), "binder");

        byte[] clientHelloHash = sha256(Resumed.CLIENT_HELLO);
        byte[] early = ks.clientEarlyTrafficSecret(clientHelloHash);
        assertHex(Resumed.CLIENT_EARLY_TRAFFIC, early, "client early traffic secret");
        assertHex(Resumed.EARLY_EXPORTER_MASTER, ks.earlyExporterMasterSecret(clientHelloHash), "early exporter");
        CipherSuite suite = CipherSuite.TLS_AES_128_GCM_SHA256;
        assertHex(Resumed.EARLY_KEY, ks.trafficKey(early, suite), "early key");
        assertHex(Resumed.EARLY_IV, ks.trafficIv(early), "early iv");

        assertHex(Resumed.DERIVED_FOR_HANDSHAKE, hkdf.deriveSecret(ks.earlySecret(), Tls13KeySchedule.DERIVED, emptyHash),
                "derived (handshake)");
        ks.deriveHandshakeSecret(Resumed.SHARED_SECRET);
        assertHex(Resumed.HANDSHAKE_SECRET, ks.handshakeSecret(), "handshake secret");
        byte[] helloHash = sha256(Resumed.CLIENT_HELLO, Resumed.SERVER_HELLO);
        byte[] cHs = ks.clientHandshakeTrafficSecret(helloHash);
        byte[] sHs = ks.serverHandshakeTrafficSecret(helloHash);
        assertHex(Resumed.CLIENT_HANDSHAKE_TRAFFIC, cHs, "client handshake traffic");
        assertHex(Resumed.SERVER_HANDSHAKE_TRAFFIC, sHs, "server handshake traffic");
        assertHex(Resumed.DERIVED_FOR_MASTER, hkdf.deriveSecret(ks.handshakeSecret(), Tls13KeySchedule.DERIVED, emptyHash),
                "derived (master)");
        ks.deriveMasterSecret();
        assertHex(Resumed.MASTER_SECRET, ks.masterSecret(), "master secret");
        assertHex(Resumed.SERVER_HANDSHAKE_KEY, ks.trafficKey(sHs, suite), "server handshake key");
        assertHex(Resumed.SERVER_HANDSHAKE_IV, ks.trafficIv(sHs), "server handshake iv");

        byte[] serverContext = sha256(Resumed.CLIENT_HELLO, Resumed.SERVER_HELLO, Resumed.ENCRYPTED_EXTENSIONS);
        assertHex(Resumed.SERVER_VERIFY_DATA, ks.finishedVerifyData(sHs, serverContext), "server verify_data");
        byte[] serverFinishedHash = sha256(Resumed.CLIENT_HELLO, Resumed.SERVER_HELLO, Resumed.ENCRYPTED_EXTENSIONS,
                Resumed.SERVER_FINISHED);
        byte[] cAp = ks.clientApplicationTrafficSecret(serverFinishedHash);
        byte[] sAp = ks.serverApplicationTrafficSecret(serverFinishedHash);
        assertHex(Resumed.CLIENT_APPLICATION_TRAFFIC, cAp, "client application traffic");
        assertHex(Resumed.SERVER_APPLICATION_TRAFFIC, sAp, "server application traffic");
        assertHex(Resumed.EXPORTER_MASTER, ks.exporterMasterSecret(serverFinishedHash), "exporter master");
        assertHex(Resumed.SERVER_APPLICATION_KEY, ks.trafficKey(sAp, suite), "server application key");
        assertHex(Resumed.SERVER_APPLICATION_IV, ks.trafficIv(sAp), "server application iv");
        assertHex(Resumed.CLIENT_HANDSHAKE_KEY, ks.trafficKey(cHs, suite), "client handshake key");
        assertHex(Resumed.CLIENT_HANDSHAKE_IV, ks.trafficIv(cHs), "client handshake iv");

        byte[] clientContext = sha256(Resumed.CLIENT_HELLO, Resumed.SERVER_HELLO, Resumed.ENCRYPTED_EXTENSIONS,
                Resumed.SERVER_FINISHED, Resumed.END_OF_EARLY_DATA);
        assertHex(Resumed.CLIENT_VERIFY_DATA, ks.finishedVerifyData(cHs, clientContext), "client verify_data");
        assertHex(Resumed.CLIENT_APPLICATION_KEY, ks.trafficKey(cAp, suite), "client application key");
        assertHex(Resumed.CLIENT_APPLICATION_IV, ks.trafficIv(cAp), "client application iv");
        byte[] clientFinishedHash = sha256(Resumed.CLIENT_HELLO, Resumed.SERVER_HELLO, Resumed.ENCRYPTED_EXTENSIONS,
                Resumed.SERVER_FINISHED, Resumed.END_OF_EARLY_DATA, Resumed.CLIENT_FINISHED);
        assertHex(Resumed.RESUMPTION_MASTER, ks.resumptionMasterSecret(clientFinishedHash), "resumption master");
    }

    @Test
    @DisplayName("§5 HelloRetryRequest: message_hash transcript and handshake secrets")
    void helloRetryRequest() {
        RunningTranscript transcript = new RunningTranscript(backend.digest(HashAlgorithm.SHA256));
        transcript.add(Retry.CLIENT_HELLO_1);
        transcript.replaceWithMessageHash();
        transcript.add(Retry.HELLO_RETRY_REQUEST);
        transcript.add(Retry.CLIENT_HELLO_2);
        transcript.add(Retry.SERVER_HELLO);
        byte[] helloHash = transcript.currentHash();
        assertHex(Retry.HELLO_HASH, helloHash, "Transcript-Hash(message_hash, HRR, ClientHello, ServerHello)");
        assertHex(Retry.HELLO_HASH, sha256(concat(new byte[] {(byte) 254, 0, 0, 32}, sha256(Retry.CLIENT_HELLO_1)),
                Retry.HELLO_RETRY_REQUEST, Retry.CLIENT_HELLO_2, Retry.SERVER_HELLO), "the same hash, spelled out");

        Tls13KeySchedule ks = schedule();
        ks.deriveEarlySecret(null);
        ks.deriveHandshakeSecret(Retry.SHARED_SECRET);
        assertHex(Retry.HANDSHAKE_SECRET, ks.handshakeSecret(), "handshake secret");
        assertHex(Retry.CLIENT_HANDSHAKE_TRAFFIC, ks.clientHandshakeTrafficSecret(helloHash), "client handshake traffic");
        assertHex(Retry.SERVER_HANDSHAKE_TRAFFIC, ks.serverHandshakeTrafficSecret(helloHash), "server handshake traffic");
    }
}
