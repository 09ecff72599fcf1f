package io.quiver.control.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.control.config.TlsOffloadOptions;
import io.quiver.control.config.TlsOffloadOptions.ClientLimits;
import io.quiver.dataplane.offload.tls.HandshakeProgress;
import io.quiver.dataplane.offload.tls.KeyHandle;
import io.quiver.dataplane.offload.tls.OffloadOperation;
import io.quiver.dataplane.offload.tls.OffloadReply;
import io.quiver.dataplane.offload.tls.OffloadRequest;
import io.quiver.dataplane.offload.tls.SecretKind;
import io.quiver.dataplane.offload.tls.TlsRole;
import io.quiver.dataplane.offload.tls.TranscriptPoint;
import io.quiver.dataplane.offload.tls.host.EphemeralKeyPair;
import io.quiver.dataplane.offload.tls.host.HandshakeOffloadClient;
import io.quiver.dataplane.offload.tls.host.StartParameters;
import io.quiver.dataplane.offload.tls.protocol.CipherSuite;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import io.quiver.dataplane.offload.tls.wire.OffloadWire;
import io.quiver.dataplane.offload.tls.wire.SocketOffloadChannel;
import io.quiver.dataplane.offload.tls.wire.WireReply;
import io.quiver.dataplane.offload.tls.wire.WireRequest;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offload service over its Unix socket, in this JVM (the daemon runs the same class; {@code TlsOffloadLabTest}
 * drives the daemon): clients own their sessions and handles, a client's end erases them, limits hold and one
 * client's flood does not starve another, and bad frames are answered or end the connection without leaking a
 * session. Needs no root: a socket in a temporary folder.
 */
@Timeout(120)
public class TlsOffloadServiceTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    private TlsOffloadService start(ClientLimits hostLimits) throws IOException {
        TlsOffloadOptions options = TlsOffloadOptions.defaults(dir.resolve("tls.sock"))
                .withLimits(hostLimits, ClientLimits.GUEST_DEFAULTS);
        return TlsOffloadService.start(options, null, (vnic, message) -> { });
    }

    private static OffloadReply ok(CompletableFuture<OffloadReply> future) throws Exception {
        OffloadReply reply = future.get(10, TimeUnit.SECONDS);
        assertTrue(reply.ok(), () -> "expected ok: " + reply);
        return reply;
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** A whole client handshake from transcript hashes: the engine's work of a real one, without a peer. */
    public static OffloadReply handshake(HandshakeOffloadClient client, long id) throws Exception {
        EphemeralKeyPair keys = EphemeralKeyPair.generate(NamedGroup.X25519, RANDOM);
        EphemeralKeyPair peer = EphemeralKeyPair.generate(NamedGroup.X25519, RANDOM);
        OffloadReply last = ok(client.start(StartParameters.of(id, TlsRole.CLIENT, CipherSuite.TLS_AES_128_GCM_SHA256)
                .ephemeral(NamedGroup.X25519, keys.privateKey()).peerKeyShare(peer.keyShare())));
        java.util.Map<SecretKind, KeyHandle> handles = new java.util.EnumMap<>(SecretKind.class);
        for (TranscriptPoint point : TranscriptPoint.values()) {
            if (point != TranscriptPoint.CLIENT_HELLO) {
                last = ok(client.transcriptHash(id, point, random(32), null, null));
                handles.putAll(last.handles());
            }
        }
        return new OffloadReply(id, last.operation(), last.status(), null, last.progress(), handles, null, 0);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(20);
        }
    }

    @Test
    void theSocketIsCreatedWithItsModeAndRemovedAtClose() throws Exception {
        Path socket = dir.resolve("tls.sock");
        try (TlsOffloadService service = start(ClientLimits.HOST_DEFAULTS)) {
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            assertEquals(dir.resolve("tls.sock").toString(), service.view().socket());
        }
        assertTrue(Files.notExists(socket), "the socket file is gone with the service");
    }

    @Test
    void sessionsAndHandlesBelongToTheClientThatMadeThem() throws Exception {
        try (TlsOffloadService service = start(ClientLimits.HOST_DEFAULTS);
             SocketOffloadChannel a = SocketOffloadChannel.connect(dir.resolve("tls.sock"));
             SocketOffloadChannel b = SocketOffloadChannel.connect(dir.resolve("tls.sock"))) {
            HandshakeOffloadClient alice = new HandshakeOffloadClient(a);
            HandshakeOffloadClient bob = new HandshakeOffloadClient(b);
            OffloadReply done = handshake(alice, 1);
            assertEquals(HandshakeProgress.COMPLETE, done.progress());
            KeyHandle aliceKey = done.handle(SecretKind.CLIENT_APPLICATION_TRAFFIC);
            assertTrue(!aliceKey.isNone(), done.toString());
            ok(alice.seal(aliceKey, 23, "mine".getBytes()));

            // bob presents alice's handle: it names nothing of his
            OffloadReply stolen = bob.seal(aliceKey, 23, "theirs".getBytes()).get(10, TimeUnit.SECONDS);
            assertEquals(FailureReason.UNKNOWN_HANDLE, stolen.reason());
            assertEquals(FailureReason.UNKNOWN_CONNECTION, bob.close(1).get(10, TimeUnit.SECONDS).reason(),
                    "alice's connection 1 is not bob's to close");
            assertEquals(HandshakeProgress.COMPLETE, handshake(bob, 1).progress(), "bob's own connection 1");
            assertTrue(service.view().foreignHandles() >= 1, service.view().toString());
            assertEquals(2, service.view().sessions());
            ok(alice.seal(aliceKey, 23, "still mine".getBytes()));
            assertEquals(2, service.view().clients().stream().mapToLong(c -> c.handshakes()).sum(),
                    "each client's completed handshake is counted once");
        }
    }

    @Test
    void aClientThatGoesAwayMidHandshakeLeavesNothingBehind() throws Exception {
        try (TlsOffloadService service = start(ClientLimits.HOST_DEFAULTS)) {
            SocketOffloadChannel a = SocketOffloadChannel.connect(dir.resolve("tls.sock"));
            HandshakeOffloadClient alice = new HandshakeOffloadClient(a);
            EphemeralKeyPair keys = EphemeralKeyPair.generate(NamedGroup.SECP256R1, RANDOM);
            EphemeralKeyPair peer = EphemeralKeyPair.generate(NamedGroup.SECP256R1, RANDOM);
            for (long id = 1; id <= 20; id++) {
                ok(alice.start(StartParameters.of(id, TlsRole.CLIENT, CipherSuite.TLS_AES_256_GCM_SHA384)
                        .ephemeral(NamedGroup.SECP256R1, keys.privateKey()).peerKeyShare(peer.keyShare())));
                ok(alice.transcriptHash(id, TranscriptPoint.SERVER_HELLO, random(48), null, null));
            }
            OffloadReply done = handshake(alice, 99);
            ok(alice.resumptionPsk(99, new byte[] {1}));
            assertEquals(21, service.view().sessions());
            assertTrue(service.view().secrets() > 40, service.view().toString());
            a.close(); // mid-handshake for 20 connections, with a detached resumption PSK
            await(() -> service.view().sessions() == 0 && service.view().secrets() == 0,
                    "every session and secret of the client is erased: " + service.view());
            assertEquals(0, service.view().clients().size());
            assertTrue(done.ok());
        }
    }

    @Test
    void aClientGetsNoMoreSessionsThanItsLimitAndTheSocketClientKeepsToItsWindow() throws Exception {
        try (TlsOffloadService service = start(new ClientLimits(3, 8, 0));
             SocketOffloadChannel a = SocketOffloadChannel.connect(dir.resolve("tls.sock"))) {
            assertEquals(8, a.hello().maxPending());
            assertEquals(3, a.hello().maxSessions());
            HandshakeOffloadClient alice = new HandshakeOffloadClient(a);
            for (long id = 1; id <= 3; id++) {
                handshake(alice, id);
            }
            assertEquals(FailureReason.CLIENT_SESSION_LIMIT, alice.start(StartParameters.of(4, TlsRole.CLIENT,
                    CipherSuite.TLS_AES_128_GCM_SHA256).psk(random(32), io.quiver.dataplane.offload.tls.PskKind.EXTERNAL))
                    .get(10, TimeUnit.SECONDS).reason());
            ok(alice.close(2));
            handshake(alice, 4); // a session freed is a session to use
            assertEquals(1, service.view().failures().get("client-session-limit"));
        }
    }

    @Test
    void theServiceRefusesWhatIsOverTheRateAndOverTheWindow() throws Exception {
        try (TlsOffloadService service = start(new ClientLimits(0, 4, 100));
             RawClient raw = new RawClient(dir.resolve("tls.sock"))) {
            // 400 requests at once: at most 4 in flight, at most ~100 a second
            for (int i = 1; i <= 400; i++) {
                raw.send(frame(OffloadOperation.CLOSE, i, 5));
            }
            List<WireReply.Read> replies = raw.receive(400);
            long rate = replies.stream().filter(r -> r.reply().reason() == FailureReason.RATE_LIMITED).count();
            long window = replies.stream().filter(r -> r.reply().reason() == FailureReason.TOO_MANY_PENDING).count();
            long engine = replies.stream().filter(r -> r.reply().reason() == FailureReason.UNKNOWN_CONNECTION).count();
            assertTrue(rate >= 250, "most of the burst is over the rate: " + rate);
            assertTrue(engine >= 4 && engine <= 110, "about a second's worth reached the engine: " + engine);
            assertEquals(400, rate + window + engine);
            assertEquals(rate, service.view().failures().get("rate-limited"));
        }
    }

    @Test
    void oneClientsFloodDoesNotStarveAnother() throws Exception {
        try (TlsOffloadService service = start(new ClientLimits(256, 32, 0));
             SocketOffloadChannel b = SocketOffloadChannel.connect(dir.resolve("tls.sock"))) {
            HandshakeOffloadClient bob = new HandshakeOffloadClient(b);
            for (int i = 0; i < 100; i++) { // warm up
                handshake(bob, 10_000 + i);
                ok(bob.close(10_000 + i));
            }
            long[] alone = latencies(bob, 200, 1);
            AtomicBoolean flooding = new AtomicBoolean(true);
            long[] flood = new long[1];
            Thread flooder = Thread.ofPlatform().start(() -> {
                try (RawClient raw = new RawClient(dir.resolve("tls.sock"))) {
                    // pipelined far beyond its window, all the time: handshake starts (a key agreement each) and closes
                    byte[] start = startFrame();
                    int id = 0;
                    while (flooding.get()) {
                        for (int i = 0; i < 32; i++) {
                            raw.send(start, ++id);
                            raw.send(frame(OffloadOperation.CLOSE, id, id));
                        }
                        raw.drain();
                    }
                    flood[0] = raw.replies;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(300);
            long[] during = latencies(bob, 200, 1_000);
            TlsOffloadService.Client flooderView = service.view().clients().stream()
                    .filter(c -> c.refusals().containsKey("too-many-pending")).findFirst().orElseThrow();
            flooding.set(false);
            flooder.join(10_000);
            long p99Alone = alone[alone.length * 99 / 100];
            long p99During = during[during.length * 99 / 100];
            System.out.printf("handshake p99 alone %.2f ms, during another client's flood %.2f ms (flood: %d replies)%n",
                    p99Alone / 1e6, p99During / 1e6, flood[0]);
            assertTrue(flood[0] > 1_000, "the flood ran: " + flood[0]);
            assertTrue(flooderView.refusals().get("too-many-pending") > 0, flooderView.toString());
            // bob waits behind at most the flooder's window (32 key agreements, about 2 ms here), never behind its flood
            assertTrue(p99During < Math.max(10 * p99Alone, TimeUnit.MILLISECONDS.toNanos(200)),
                    "p99 " + p99During / 1e6 + " ms during the flood against " + p99Alone / 1e6 + " ms alone");
        }
    }

    private static long[] latencies(HandshakeOffloadClient client, int n, long base) throws Exception {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            OffloadReply r = handshake(client, base + i);
            out[i] = System.nanoTime() - t0;
            assertEquals(HandshakeProgress.COMPLETE, r.progress(), r.toString());
            ok(client.close(base + i));
        }
        Arrays.sort(out);
        return out;
    }

    @Test
    void tenThousandBadRequestsAreAnsweredOrEndTheConnectionAndLeakNoSession() throws Exception {
        try (TlsOffloadService service = start(ClientLimits.HOST_DEFAULTS)) {
            Random random = new Random(20261206);
            byte[] good = startFrame();
            int answered = 0;
            int closed = 0;
            RawClient raw = new RawClient(dir.resolve("tls.sock"));
            for (int i = 0; i < 10_000; i++) {
                byte[] bad = mutate(good, random);
                try {
                    raw.send(bad);
                    if (i % 20 == 19) {
                        raw.drainFor(100);
                    }
                } catch (IOException e) { // the service closed it: a frame length it could not trust
                    closed++;
                    answered += raw.replies;
                    raw.close();
                    raw = new RawClient(dir.resolve("tls.sock"));
                }
            }
            raw.drainFor(200);
            answered += raw.replies;
            raw.close();
            System.out.printf("10000 bad requests: %d replies, %d connections closed by the service%n", answered, closed);
            assertTrue(answered > 1_000, "most bad frames are answered: " + answered);
            await(() -> service.view().sessions() == 0 && service.view().secrets() == 0 && service.view().clients().isEmpty(),
                    "no session outlives its client: " + service.view());
            try (SocketOffloadChannel a = SocketOffloadChannel.connect(dir.resolve("tls.sock"))) {
                assertEquals(HandshakeProgress.COMPLETE, handshake(new HandshakeOffloadClient(a), 1).progress(),
                        "the service still serves");
            }
            assertNotEquals(0L, (long) service.view().failures().getOrDefault("malformed-request", 0L));
        }
    }

    @Test
    void eachBadFrameGetsItsReasonAndTheConnectionGoesOn() throws Exception {
        try (TlsOffloadService service = start(ClientLimits.HOST_DEFAULTS);
             RawClient raw = new RawClient(dir.resolve("tls.sock"))) {
            byte[] good = startFrame();
            byte[] truncated = Arrays.copyOf(good, good.length - 5);
            ByteBuffer.wrap(truncated).putInt(0, truncated.length - 4);
            byte[] unknownOperation = good.clone();
            unknownOperation[5] = 99;
            byte[] version = good.clone();
            version[4] = 2;
            byte[] oversized = Arrays.copyOf(good, good.length + 303);
            ByteBuffer.wrap(oversized).put(good.length, (byte) OffloadWire.TAG_PSK).putShort(good.length + 1, (short) 300)
                    .putInt(0, oversized.length - 4);
            byte[] repeated = Arrays.copyOf(good, good.length + 5);
            ByteBuffer.wrap(repeated).put(good.length, (byte) OffloadWire.TAG_CIPHER_SUITE).putShort(good.length + 1, (short) 2)
                    .putShort(good.length + 3, (short) 0x1301).putInt(0, repeated.length - 4);
            byte[] badRole = good.clone();
            badRole[4 + OffloadWire.REQUEST_HEADER + 3] = 7; // the role field comes first: code 7 is no role
            byte[] nobodysHandle = frame(OffloadOperation.SEAL_RECORD, 7, 0);
            ByteBuffer.wrap(nobodysHandle).putLong(20, 0x0000123400000001L);
            byte[][] frames = {truncated, unknownOperation, version, oversized, repeated, badRole, nobodysHandle, good};
            FailureReason[] expected = {FailureReason.MALFORMED_REQUEST, FailureReason.UNKNOWN_OPERATION,
                    FailureReason.UNSUPPORTED_VERSION, FailureReason.PAYLOAD_TOO_LARGE, FailureReason.MALFORMED_REQUEST,
                    FailureReason.MALFORMED_REQUEST, FailureReason.UNKNOWN_HANDLE, null};
            for (int i = 0; i < frames.length; i++) {
                ByteBuffer.wrap(frames[i]).putInt(8, 100 + i);
                raw.send(frames[i]);
                WireReply.Read read = raw.receive(1).getFirst();
                assertEquals(100 + i, read.requestId());
                assertEquals(expected[i], read.reply().reason(), "frame " + i + ": " + read.reply());
            }
            assertEquals(1, service.view().sessions(), "the good START after the bad frames made its session");
        }
    }

    /** A bad variant of a good frame: truncated, extended, a byte flipped, a field doubled, an unknown op or version. */
    private static byte[] mutate(byte[] good, Random random) {
        byte[] b = good.clone();
        switch (random.nextInt(8)) {
            case 0 -> { // truncated, length field adjusted: fields run past the end
                int cut = 4 + OffloadWire.REQUEST_HEADER + random.nextInt(b.length - 4 - OffloadWire.REQUEST_HEADER);
                b = Arrays.copyOf(b, cut);
                ByteBuffer.wrap(b).putInt(0, cut - 4);
            }
            case 1 -> b[5] = (byte) (12 + random.nextInt(200)); // unknown operation (or HELLO by chance)
            case 2 -> b[4] = (byte) (2 + random.nextInt(250)); // another version
            case 3 -> { // a random byte anywhere after the length
                b[4 + random.nextInt(b.length - 4)] = (byte) random.nextInt(256);
            }
            case 4 -> { // an oversized field: a 300-byte private key
                byte[] big = Arrays.copyOf(b, b.length + 303);
                ByteBuffer w = ByteBuffer.wrap(big);
                w.position(b.length);
                w.put((byte) OffloadWire.TAG_PRIVATE_KEY).putShort((short) 300);
                w.putInt(0, big.length - 4);
                b = big;
            }
            case 5 -> { // random bytes after the header
                byte[] junk = new byte[4 + OffloadWire.REQUEST_HEADER + random.nextInt(200)];
                random.nextBytes(junk);
                System.arraycopy(b, 0, junk, 0, 4 + OffloadWire.REQUEST_HEADER);
                ByteBuffer.wrap(junk).putInt(0, junk.length - 4);
                b = junk;
            }
            case 6 -> { // a length field the service cannot trust
                ByteBuffer.wrap(b).putInt(0, random.nextBoolean() ? random.nextInt(OffloadWire.REQUEST_HEADER)
                        : OffloadWire.MAX_FRAME + 1 + random.nextInt(1 << 20));
            }
            default -> { // a handle of nobody
                b[5] = (byte) OffloadWire.code(OffloadOperation.SEAL_RECORD);
                ByteBuffer.wrap(b).putLong(20, random.nextLong());
            }
        }
        return b;
    }

    private static byte[] startFrame() {
        EphemeralKeyPair keys = EphemeralKeyPair.generate(NamedGroup.X25519, RANDOM);
        EphemeralKeyPair peer = EphemeralKeyPair.generate(NamedGroup.X25519, RANDOM);
        OffloadRequest r = new OffloadRequest(OffloadWire.MAX_PAYLOAD).operation(OffloadOperation.START).connectionId(1)
                .role(TlsRole.CLIENT).cipherSuite(CipherSuite.TLS_AES_128_GCM_SHA256.code())
                .namedGroup(NamedGroup.X25519.code());
        r.privateKey().set(keys.privateKey());
        r.peerKeyShare().set(peer.keyShare());
        ByteBuffer out = ByteBuffer.allocate(1024);
        int n = WireRequest.write(r, OffloadWire.code(OffloadOperation.START), 1, out);
        return Arrays.copyOf(out.array(), n);
    }

    private static byte[] frame(OffloadOperation operation, int requestId, long connectionId) {
        OffloadRequest r = new OffloadRequest(OffloadWire.MAX_PAYLOAD).operation(operation).connectionId(connectionId);
        ByteBuffer out = ByteBuffer.allocate(256);
        int n = WireRequest.write(r, OffloadWire.code(operation), requestId, out);
        return Arrays.copyOf(out.array(), n);
    }

    /** A client that writes frames as they are, good or bad, and reads whatever replies come. */
    static final class RawClient implements AutoCloseable {
        private final SocketChannel socket;
        /** Replies read by the drains. */
        int replies;

        RawClient(Path path) throws IOException {
            socket = SocketChannel.open(StandardProtocolFamily.UNIX);
            socket.connect(UnixDomainSocketAddress.of(path));
        }

        void send(byte[] frame) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(frame);
            while (b.hasRemaining()) {
                socket.write(b);
            }
        }

        /** Sends a copy of {@code frame} with its own request id and connection id. */
        void send(byte[] frame, int id) throws IOException {
            byte[] b = frame.clone();
            ByteBuffer.wrap(b).putInt(8, id).putLong(12, id);
            send(b);
        }

        List<WireReply.Read> receive(int n) throws IOException {
            List<WireReply.Read> out = new ArrayList<>();
            socket.configureBlocking(true);
            while (out.size() < n) {
                out.add(readOne());
            }
            return out;
        }

        private WireReply.Read readOne() throws IOException {
            ByteBuffer length = ByteBuffer.allocate(4);
            readFully(length);
            ByteBuffer body = ByteBuffer.allocate(length.getInt(0));
            readFully(body);
            return WireReply.read(body.flip());
        }

        /** Reads what replies are there now; a close of a pending window (CLOSE of the connection ids sent) too. */
        int drain() throws IOException {
            return drainFor(0);
        }

        int drainFor(long millis) throws IOException {
            int n = 0;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            socket.configureBlocking(false);
            ByteBuffer length = ByteBuffer.allocate(4);
            try {
                while (true) {
                    int read = socket.read(length);
                    if (read < 0) {
                        throw new IOException("closed by the service");
                    }
                    if (length.hasRemaining()) {
                        if (System.nanoTime() > deadline) {
                            if (length.position() == 0) {
                                return n;
                            }
                        }
                        Thread.onSpinWait();
                        continue;
                    }
                    socket.configureBlocking(true);
                    ByteBuffer body = ByteBuffer.allocate(length.getInt(0));
                    readFully(body);
                    WireReply.read(body.flip());
                    n++;
                    replies++;
                    length.clear();
                    socket.configureBlocking(false);
                }
            } finally {
                socket.configureBlocking(true);
            }
        }

        private void readFully(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                if (socket.read(b) < 0) {
                    throw new IOException("closed by the service");
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
