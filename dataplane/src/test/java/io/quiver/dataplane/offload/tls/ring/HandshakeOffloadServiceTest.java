package io.quiver.dataplane.offload.tls.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quiver.dataplane.offload.tls.CryptoBackends;
import io.quiver.dataplane.offload.tls.HandshakeOffloadEngine;
import io.quiver.dataplane.offload.tls.HandshakeProgress;
import io.quiver.dataplane.offload.tls.KeyHandle;
import io.quiver.dataplane.offload.tls.OffloadReply;
import io.quiver.dataplane.offload.tls.SecretKind;
import io.quiver.dataplane.offload.tls.TlsRole;
import io.quiver.dataplane.offload.tls.crypto.jdk.JdkCryptoBackend;
import io.quiver.dataplane.offload.tls.crypto.openssl.OpenSslCryptoBackend;
import io.quiver.dataplane.offload.tls.handshake.Tls13Messages;
import io.quiver.dataplane.offload.tls.host.EphemeralKeyPair;
import io.quiver.dataplane.offload.tls.host.HandshakeOffloadClient;
import io.quiver.dataplane.offload.tls.host.StartParameters;
import io.quiver.dataplane.offload.tls.keylog.NssKeyLog;
import io.quiver.dataplane.offload.tls.protocol.CipherSuite;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import io.quiver.dataplane.offload.tls.record.ContentType;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The offload stage as a host uses it: requests through the ring, replies through futures. Client and server of
 * each handshake are both offloaded to the same appliance, so each side's records must open on the other.
 */
@Timeout(60)
class HandshakeOffloadServiceTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong CONNECTIONS = new AtomicLong(1000);

    static Stream<Arguments> suitesGroupsBackends() {
        List<Arguments> all = new ArrayList<>();
        for (String backend : List.of("JDK", "OPENSSL")) {
            for (CipherSuite suite : CipherSuite.values()) {
                for (NamedGroup group : NamedGroup.values()) {
                    all.add(Arguments.of(backend, suite, group));
                }
            }
        }
        return all.stream();
    }

    private static HandshakeOffloadService service(String backend) throws Exception {
        CryptoBackends.Choice choice = CryptoBackends.Choice.parse(backend);
        if (choice == CryptoBackends.Choice.OPENSSL) {
            assumeTrue(OpenSslCryptoBackend.isAvailable(), OpenSslCryptoBackend::unavailableReason);
        }
        return HandshakeOffloadService.start(OffloadConfiguration.defaults().withBackend(choice));
    }

    private static OffloadReply ok(CompletableFuture<OffloadReply> future) {
        OffloadReply reply = future.join();
        assertTrue(reply.ok(), reply::toString);
        return reply;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** A whole handshake with both ends offloaded; returns after application data went both ways. */
    static void loopbackHandshake(HandshakeOffloadClient host, CipherSuite suite, NamedGroup group, boolean retry,
                                  byte[] certificate) {
        long clientId = CONNECTIONS.incrementAndGet();
        long serverId = CONNECTIONS.incrementAndGet();
        EphemeralKeyPair clientKeys = EphemeralKeyPair.generate(group, RANDOM);
        EphemeralKeyPair serverKeys = EphemeralKeyPair.generate(group, RANDOM);
        byte[] sessionId = random(32);
        byte[] hellos;
        if (retry) {
            // the client first offers the other group; the server asks for this one
            NamedGroup first = group == NamedGroup.X25519 ? NamedGroup.SECP256R1 : NamedGroup.X25519;
            hellos = concat(
                    Tls13Messages.clientHello(random(32), sessionId, new int[] {suite.code()}, first.code(),
                            EphemeralKeyPair.generate(first, RANDOM).keyShare(), "quiver.test"),
                    Tls13Messages.helloRetryRequest(sessionId, suite.code(), group.code()),
                    Tls13Messages.clientHello(random(32), sessionId, new int[] {suite.code()}, group.code(),
                            clientKeys.keyShare(), "quiver.test"),
                    Tls13Messages.serverHello(random(32), sessionId, suite.code(), group.code(), serverKeys.keyShare()));
        } else {
            hellos = concat(
                    Tls13Messages.clientHello(random(32), sessionId, new int[] {suite.code()}, group.code(),
                            clientKeys.keyShare(), "quiver.test"),
                    Tls13Messages.serverHello(random(32), sessionId, suite.code(), group.code(), serverKeys.keyShare()));
        }
        OffloadReply client = ok(host.start(StartParameters.of(clientId, TlsRole.CLIENT, suite)
                .ephemeral(group, clientKeys.privateKey()).handshakeMessages(hellos)));
        OffloadReply server = ok(host.start(StartParameters.of(serverId, TlsRole.SERVER, suite)
                .ephemeral(group, serverKeys.privateKey()).handshakeMessages(hellos)));
        assertEquals(HandshakeProgress.HANDSHAKE_KEYS, client.progress());

        byte[] serverFlight = concat(Tls13Messages.encryptedExtensions(), Tls13Messages.certificate(certificate),
                Tls13Messages.certificateVerify(0x0403, random(71)));
        ok(host.handshakeMessages(serverId, serverFlight));
        OffloadReply serverFinished = ok(host.finished(serverId));
        OffloadReply clientApp = ok(host.handshakeMessages(clientId, concat(serverFlight, serverFinished.output())));
        assertEquals(HandshakeProgress.APPLICATION_KEYS, clientApp.progress());
        OffloadReply clientFinished = ok(host.finished(clientId));
        OffloadReply serverDone = ok(host.handshakeMessages(serverId, clientFinished.output()));
        assertEquals(HandshakeProgress.COMPLETE, serverDone.progress());

        // handshake keys: the client's sealed Finished opens on the server
        byte[] finishedRecord = ok(host.seal(client.handle(SecretKind.CLIENT_HANDSHAKE_TRAFFIC), ContentType.HANDSHAKE,
                clientFinished.output())).output();
        assertArrayEquals(clientFinished.output(), ok(host.open(server.handle(SecretKind.CLIENT_HANDSHAKE_TRAFFIC),
                finishedRecord)).output());
        // application keys, both ways
        byte[] request = ("GET / over " + suite + " " + group).getBytes();
        byte[] sealed = ok(host.seal(clientApp.handle(SecretKind.CLIENT_APPLICATION_TRAFFIC),
                ContentType.APPLICATION_DATA, request)).output();
        assertArrayEquals(request, ok(host.open(serverFinished.handle(SecretKind.CLIENT_APPLICATION_TRAFFIC), sealed)).output());
        byte[] response = random(3000);
        byte[] back = ok(host.seal(serverFinished.handle(SecretKind.SERVER_APPLICATION_TRAFFIC),
                ContentType.APPLICATION_DATA, response)).output();
        OffloadReply opened = ok(host.open(clientApp.handle(SecretKind.SERVER_APPLICATION_TRAFFIC), back));
        assertEquals(ContentType.APPLICATION_DATA, opened.contentType());
        assertArrayEquals(response, opened.output());

        ok(host.close(clientId));
        ok(host.close(serverId));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("suitesGroupsBackends")
    @DisplayName("client and server offloaded, every suite and group, on each backend")
    void loopback(String backend, CipherSuite suite, NamedGroup group) throws Exception {
        try (HandshakeOffloadService service = service(backend)) {
            loopbackHandshake(service.client(), suite, group, false, random(600));
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("suitesGroupsBackends")
    @DisplayName("with a HelloRetryRequest in the transcript")
    void helloRetry(String backend, CipherSuite suite, NamedGroup group) throws Exception {
        try (HandshakeOffloadService service = service(backend)) {
            loopbackHandshake(service.client(), suite, group, true, random(600));
        }
    }

    @Test
    @DisplayName("a flight longer than a ring slot goes in several requests")
    void flightLongerThanASlot() throws Exception {
        try (HandshakeOffloadService service = service("AUTO")) {
            loopbackHandshake(service.client(), CipherSuite.TLS_AES_128_GCM_SHA256, NamedGroup.X25519, false,
                    random(3 * service.configuration().slotCapacity()));
        }
    }

    @Test
    @DisplayName("a START whose first messages are longer than a slot continues in further requests")
    void startLongerThanASlot() throws Exception {
        try (HandshakeOffloadService service = service("AUTO")) {
            HandshakeOffloadClient host = service.client();
            CipherSuite suite = CipherSuite.TLS_AES_256_GCM_SHA384;
            EphemeralKeyPair client = EphemeralKeyPair.generate(NamedGroup.X25519, RANDOM);
            EphemeralKeyPair server = EphemeralKeyPair.generate(NamedGroup.X25519, RANDOM);
            byte[] messages = concat(
                    Tls13Messages.clientHello(random(32), new byte[0], new int[] {suite.code()}, NamedGroup.X25519.code(),
                            client.keyShare(), null),
                    Tls13Messages.serverHello(random(32), new byte[0], suite.code(), NamedGroup.X25519.code(),
                            server.keyShare()),
                    Tls13Messages.encryptedExtensions(),
                    Tls13Messages.certificate(random(2 * service.configuration().slotCapacity())));
            OffloadReply reply = ok(host.start(StartParameters.of(5, TlsRole.CLIENT, suite)
                    .ephemeral(NamedGroup.X25519, client.privateKey()).handshakeMessages(messages)));
            assertEquals(HandshakeProgress.HANDSHAKE_KEYS, reply.progress());
            assertEquals(io.quiver.dataplane.offload.tls.OffloadOperation.START, reply.operation());
            assertTrue(reply.handles().containsKey(SecretKind.CLIENT_HANDSHAKE_TRAFFIC),
                    "the handles of the first part survive the merge: " + reply);
            assertEquals(FailureReason.UNEXPECTED_MESSAGE, host.handshakeMessages(5, Tls13Messages.encryptedExtensions())
                    .join().reason(), "the Certificate was taken: a second EncryptedExtensions is out of order");
        }
    }

    @Test
    @DisplayName("several host threads at once, one worker")
    void concurrentHosts() throws Exception {
        try (HandshakeOffloadService service = service("AUTO")) {
            ExecutorService hosts = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    done.add(hosts.submit(() -> {
                        for (int i = 0; i < 15; i++) {
                            loopbackHandshake(service.client(), CipherSuite.values()[i % 3],
                                    NamedGroup.values()[i % 2], false, random(200));
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                hosts.shutdownNow();
            }
        }
    }

    @Test
    @DisplayName("a full ring answers at once; stopping answers what is still queued, and everything after")
    void ringFullAndStop() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch stalled = new CountDownLatch(1);
        NssKeyLog blockingKeyLog = new NssKeyLog() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public void log(String label, byte[] clientRandom, byte[] secret) {
                stalled.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void close() {
            }
        };
        OffloadConfiguration configuration = OffloadConfiguration.defaults().withRingSize(4);
        HandshakeOffloadEngine engine = new HandshakeOffloadEngine(new JdkCryptoBackend(), blockingKeyLog, 16, 256, 65536);
        HandshakeOffloadService service = HandshakeOffloadService.start(configuration, engine);
        HandshakeOffloadClient host = service.client();
        EphemeralKeyPair keys = EphemeralKeyPair.generate(NamedGroup.X25519, RANDOM);
        EphemeralKeyPair peer = EphemeralKeyPair.generate(NamedGroup.X25519, RANDOM);
        // the first handshake secret blocks the worker in the key log
        CompletableFuture<OffloadReply> blocked = host.start(StartParameters.of(1, TlsRole.CLIENT,
                CipherSuite.TLS_AES_128_GCM_SHA256).ephemeral(NamedGroup.X25519, keys.privateKey())
                .peerKeyShare(peer.keyShare()).clientRandom(random(32)));
        host.transcriptHash(1, io.quiver.dataplane.offload.tls.TranscriptPoint.SERVER_HELLO, random(32), null, null);
        assertTrue(stalled.await(10, TimeUnit.SECONDS));
        List<CompletableFuture<OffloadReply>> queued = new ArrayList<>();
        boolean sawFull = false;
        for (int i = 0; i < 8 && !sawFull; i++) {
            CompletableFuture<OffloadReply> close = host.close(100 + i);
            if (close.isDone() && close.join().reason() == FailureReason.RING_FULL) {
                sawFull = true;
            } else {
                queued.add(close);
            }
        }
        assertTrue(sawFull, "a ring of 4 with a stalled worker fills up");
        assertEquals(1, host.ringFullCount());
        assertTrue(queued.stream().noneMatch(CompletableFuture::isDone), "queued requests wait for the worker");

        Thread stopper = new Thread(service::close);
        stopper.start();
        release.countDown();
        stopper.join(10_000);
        assertTrue(blocked.join().ok());
        for (CompletableFuture<OffloadReply> q : queued) {
            OffloadReply reply = q.get(5, TimeUnit.SECONDS);
            assertTrue(reply.reason() == FailureReason.ENGINE_STOPPED || reply.reason() == FailureReason.UNKNOWN_CONNECTION,
                    reply::toString);
        }
        assertEquals(FailureReason.ENGINE_STOPPED, host.close(1).join().reason());
    }

    @Test
    @DisplayName("a resumption PSK from one connection starts the next one")
    void resumption() throws Exception {
        try (HandshakeOffloadService service = service("AUTO")) {
            HandshakeOffloadClient host = service.client();
            long id = 1;
            EphemeralKeyPair keys = EphemeralKeyPair.generate(NamedGroup.X25519, RANDOM);
            EphemeralKeyPair peer = EphemeralKeyPair.generate(NamedGroup.X25519, RANDOM);
            ok(host.start(StartParameters.of(id, TlsRole.CLIENT, CipherSuite.TLS_AES_128_GCM_SHA256)
                    .ephemeral(NamedGroup.X25519, keys.privateKey()).peerKeyShare(peer.keyShare())));
            for (var point : io.quiver.dataplane.offload.tls.TranscriptPoint.values()) {
                if (point != io.quiver.dataplane.offload.tls.TranscriptPoint.CLIENT_HELLO) {
                    ok(host.transcriptHash(id, point, random(32), null, null));
                }
            }
            KeyHandle psk = ok(host.resumptionPsk(id, new byte[] {0, 1})).handle(SecretKind.RESUMPTION_PSK);
            ok(host.close(id));
            OffloadReply next = ok(host.start(StartParameters.of(2, TlsRole.CLIENT, CipherSuite.TLS_AES_128_GCM_SHA256)
                    .psk(psk)));
            assertEquals(HandshakeProgress.EARLY_KEYS, next.progress());
            assertEquals(32, ok(host.pskBinder(2, random(100), null)).output().length);
            ok(host.release(psk));
            assertEquals(FailureReason.UNKNOWN_HANDLE, host.start(StartParameters.of(3, TlsRole.CLIENT,
                    CipherSuite.TLS_AES_128_GCM_SHA256).psk(psk)).join().reason());
        }
    }
}
