package io.quiver.dataplane.offload.tls;

import static io.quiver.dataplane.offload.tls.Rfc8448.concat;
import static io.quiver.dataplane.offload.tls.Rfc8448.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.dataplane.offload.tls.Rfc8448.Resumed;
import io.quiver.dataplane.offload.tls.Rfc8448.Simple;
import io.quiver.dataplane.offload.tls.protocol.CipherSuite;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import io.quiver.dataplane.offload.tls.protocol.OffloadFailure;
import io.quiver.dataplane.offload.tls.record.ContentType;
import io.quiver.dataplane.offload.tls.record.Tls13RecordProtection;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input of every kind gets a FAILED status with the reason naming the check, never an exception; a failed
 * handshake keeps no secret.
 */
class HandshakeOffloadEngineBadInputTest {
    private static final int AES128 = CipherSuite.TLS_AES_128_GCM_SHA256.code();
    private static final int X25519 = NamedGroup.X25519.code();
    private static final int P256 = NamedGroup.SECP256R1.code();
    /** A valid secp256r1 public key (the generator), and a private key for it. */
    private static final byte[] P256_GENERATOR = Rfc8448.hex("""
            046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296
            4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5""");
    private static final byte[] P256_PRIVATE = Rfc8448.hex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721");

    private EngineHarness h;

    private void engine(String backend) {
        h = EngineHarness.withBackend(backend, null);
    }

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    private OffloadReply start(long connection, Consumer<OffloadRequest> fill) {
        return h.call(OffloadOperation.START, connection, fill);
    }

    private static void assertFailed(FailureReason expected, OffloadReply reply) {
        assertEquals(OffloadStatus.FAILED, reply.status(), reply::toString);
        assertEquals(expected, reply.reason(), reply::toString);
        assertTrue(reply.handles().isEmpty(), "a failed reply carries no handle");
    }

    private Consumer<OffloadRequest> simpleClient() {
        return r -> {
            r.role(TlsRole.CLIENT).cipherSuite(AES128).namedGroup(X25519);
            r.privateKey().set(Simple.CLIENT_PRIVATE);
        };
    }

    // ---- parameters -------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("parameters")
    class Parameters {
        @ParameterizedTest(name = "suite 0x{0}")
        @ValueSource(strings = {"1304", "1305", "c02f", "0000", "ffff"})
        @DisplayName("an unknown cipher suite")
        void unknownSuite(String code) {
            engine("jdk");
            assertFailed(FailureReason.UNKNOWN_CIPHER_SUITE, start(1, simpleClient().andThen(
                    r -> r.cipherSuite(Integer.parseInt(code, 16)))));
            assertEquals(0, h.engine.activeConnections());
        }

        @ParameterizedTest(name = "group 0x{0}")
        @ValueSource(strings = {"0018", "0019", "001e", "0100"})
        @DisplayName("an unsupported group")
        void unsupportedGroup(String code) {
            engine("jdk");
            assertFailed(FailureReason.UNSUPPORTED_GROUP, start(1, simpleClient().andThen(
                    r -> r.namedGroup(Integer.parseInt(code, 16)))));
        }

        @ParameterizedTest(name = "{0} bytes")
        @ValueSource(ints = {0, 1, 31, 33, 64})
        @DisplayName("an X25519 private key of the wrong length")
        void privateKeyLength(int length) {
            engine("jdk");
            assertFailed(FailureReason.BAD_PRIVATE_KEY_LENGTH, start(1, simpleClient().andThen(
                    r -> r.privateKey().set(new byte[length]))));
        }

        @ParameterizedTest(name = "{0} bytes")
        @ValueSource(ints = {1, 31, 33, 65})
        @DisplayName("an X25519 key share of the wrong length")
        void keyShareLength(int length) {
            engine("jdk");
            assertFailed(FailureReason.BAD_KEY_SHARE_LENGTH, start(1, simpleClient().andThen(
                    r -> r.peerKeyShare().set(new byte[length]))));
        }

        @Test
        @DisplayName("a secp256r1 key share of the wrong length or format")
        void p256Format() {
            engine("jdk");
            Consumer<OffloadRequest> p256 = r -> {
                r.role(TlsRole.CLIENT).cipherSuite(AES128).namedGroup(P256);
                r.privateKey().set(P256_PRIVATE);
            };
            byte[] compressed = new byte[33];
            compressed[0] = 0x02;
            assertFailed(FailureReason.UNSUPPORTED_POINT_FORMAT, start(1, p256.andThen(r -> r.peerKeyShare().set(compressed))));
            byte[] hybrid = P256_GENERATOR.clone();
            hybrid[0] = 0x06;
            assertFailed(FailureReason.UNSUPPORTED_POINT_FORMAT, start(1, p256.andThen(r -> r.peerKeyShare().set(hybrid))));
            assertFailed(FailureReason.BAD_KEY_SHARE_LENGTH, start(1, p256.andThen(
                    r -> r.peerKeyShare().set(Arrays.copyOf(P256_GENERATOR, 64)))));
            assertFailed(FailureReason.BAD_KEY_SHARE_LENGTH, start(1, p256.andThen(r -> r.peerKeyShare().set(Simple.SERVER_PUBLIC))));
            assertFailed(FailureReason.BAD_PRIVATE_KEY_LENGTH, start(1, p256.andThen(r -> r.privateKey().set(new byte[33]))));
        }

        @Test
        @DisplayName("a PSK that is empty or too long, or a PSK handle that names nothing")
        void psk() {
            engine("jdk");
            assertFailed(FailureReason.BAD_PSK_LENGTH, start(1, simpleClient().andThen(r -> r.psk().set(new byte[0]))));
            assertFailed(FailureReason.BAD_PSK_LENGTH, start(1, simpleClient().andThen(r -> r.psk().set(new byte[256]))));
            assertFailed(FailureReason.UNKNOWN_HANDLE, start(1, simpleClient().andThen(r -> r.pskHandle(0x1234_0000_0001L))));
        }

        @Test
        @DisplayName("a resumption PSK of a SHA-256 session offered to a SHA-384 suite")
        void pskHash() {
            engine("jdk");
            h.ok(OffloadOperation.START, 1, simpleClient().andThen(
                    r -> r.payload().set(concat(Simple.CLIENT_HELLO, Simple.SERVER_HELLO, Simple.serverFlight()))));
            h.ok(OffloadOperation.FINISHED, 1, r -> { });
            KeyHandle psk = h.ok(OffloadOperation.RESUMPTION_PSK, 1, r -> r.payload().set(Simple.TICKET_NONCE))
                    .handle(SecretKind.RESUMPTION_PSK);
            assertFailed(FailureReason.PSK_HASH_MISMATCH, start(2, simpleClient().andThen(r -> r
                    .cipherSuite(CipherSuite.TLS_AES_256_GCM_SHA384.code()).pskHandle(psk.value()))));
            // an exporter secret is not a PSK
            KeyHandle notPsk = h.ok(OffloadOperation.START, 3, simpleClient().andThen(
                    r -> r.payload().set(concat(Simple.CLIENT_HELLO, Simple.SERVER_HELLO, Simple.serverFlight()))))
                    .handle(SecretKind.EXPORTER_MASTER);
            assertFailed(FailureReason.WRONG_HANDLE_KIND, start(4, simpleClient().andThen(r -> r.pskHandle(notPsk.value()))));
        }

        @Test
        @DisplayName("no key and no PSK, no role, a duplicate or unknown connection")
        void sessions() {
            engine("jdk");
            assertFailed(FailureReason.MISSING_PARAMETER, start(1, r -> r.role(TlsRole.CLIENT).cipherSuite(AES128)));
            assertFailed(FailureReason.MISSING_PARAMETER, start(1, simpleClient().andThen(r -> r.role(null))));
            assertTrue(start(1, simpleClient()).ok());
            assertFailed(FailureReason.DUPLICATE_CONNECTION, start(1, simpleClient()));
            assertTrue(h.messages(1, Simple.CLIENT_HELLO).ok(), "the duplicate START left the first session alone");
            assertFailed(FailureReason.UNKNOWN_CONNECTION, h.messages(2, Simple.CLIENT_HELLO));
            assertFailed(FailureReason.UNKNOWN_CONNECTION, h.call(OffloadOperation.CLOSE, 2, r -> { }));
            assertFailed(FailureReason.MISSING_PARAMETER, h.call(null, 1, r -> { }));
        }
    }

    // ---- key shares -------------------------------------------------------------------------------------------

    static Stream<Arguments> lowOrderPoints() {
        String[] points = {
                "0000000000000000000000000000000000000000000000000000000000000000", // 0, order 4
                "0100000000000000000000000000000000000000000000000000000000000000", // 1, order 1
                "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", // order 8
                "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157", // order 8
                "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p-1, order 2
                "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p = 0 non-canonical
                "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p+1 = 1 non-canonical
                "0000000000000000000000000000000000000000000000000000000000000080", // 0 with the top bit set
        };
        return Stream.of("jdk", "openssl").flatMap(b -> Stream.of(points).map(p -> Arguments.of(b, p)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("lowOrderPoints")
    @DisplayName("a low-order X25519 point: the all-zero shared secret is refused")
    void lowOrderPoint(String backend, String point) {
        engine(backend);
        assertTrue(start(1, simpleClient().andThen(r -> r.peerKeyShare().set(HexFormat.of().parseHex(point)))).ok());
        OffloadReply reply = h.call(OffloadOperation.TRANSCRIPT_HASH, 1,
                r -> r.transcriptPoint(TranscriptPoint.SERVER_HELLO).payload().set(Simple.HELLO_HASH));
        assertFailed(FailureReason.LOW_ORDER_POINT, reply);
        assertEquals(HandshakeProgress.FAILED, reply.progress());
        assertEquals(0, h.engine.liveSecrets());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk", "openssl"})
    @DisplayName("a secp256r1 point not on the curve, or with a coordinate not below p")
    void pointNotOnCurve(String backend) {
        engine(backend);
        byte[] offCurve = P256_GENERATOR.clone();
        offCurve[64] ^= 1;
        byte[] xTooBig = P256_GENERATOR.clone();
        Arrays.fill(xTooBig, 1, 33, (byte) 0xff);
        long connection = 1;
        for (byte[] bad : new byte[][] {offCurve, xTooBig, new byte[65]}) {
            if (bad[0] == 0) {
                bad[0] = 0x04; // (0, 0) is not on the curve either
            }
            long c = connection++;
            assertTrue(start(c, r -> {
                r.role(TlsRole.CLIENT).cipherSuite(AES128).namedGroup(P256);
                r.privateKey().set(P256_PRIVATE);
                r.peerKeyShare().set(bad);
            }).ok());
            assertFailed(FailureReason.POINT_NOT_ON_CURVE, h.call(OffloadOperation.TRANSCRIPT_HASH, c,
                    r -> r.transcriptPoint(TranscriptPoint.SERVER_HELLO).payload().set(Simple.HELLO_HASH)));
        }
        // and the same engine still agrees with a good point
        assertTrue(start(99, r -> {
            r.role(TlsRole.CLIENT).cipherSuite(AES128).namedGroup(P256);
            r.privateKey().set(P256_PRIVATE);
            r.peerKeyShare().set(P256_GENERATOR);
        }).ok());
        assertTrue(h.call(OffloadOperation.TRANSCRIPT_HASH, 99,
                r -> r.transcriptPoint(TranscriptPoint.SERVER_HELLO).payload().set(Simple.HELLO_HASH)).ok());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk", "openssl"})
    @DisplayName("a secp256r1 private key of zero or not below the group order")
    void privateKeyOutOfRange(String backend) {
        engine(backend);
        byte[] order = Rfc8448.hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
        for (byte[] bad : new byte[][] {new byte[32], order}) {
            assertTrue(start(1, r -> {
                r.role(TlsRole.CLIENT).cipherSuite(AES128).namedGroup(P256);
                r.privateKey().set(bad);
                r.peerKeyShare().set(P256_GENERATOR);
            }).ok());
            assertFailed(FailureReason.PRIVATE_KEY_OUT_OF_RANGE, h.call(OffloadOperation.TRANSCRIPT_HASH, 1,
                    r -> r.transcriptPoint(TranscriptPoint.SERVER_HELLO).payload().set(Simple.HELLO_HASH)));
            h.ok(OffloadOperation.CLOSE, 1, r -> { });
        }
    }

    @Test
    @DisplayName("a key share given to the engine that differs from the one in the ServerHello")
    void keyShareMismatch() {
        engine("jdk");
        byte[] other = Simple.SERVER_PUBLIC.clone();
        other[0] ^= 1;
        assertFailed(FailureReason.KEY_SHARE_MISMATCH, start(1, simpleClient().andThen(r -> {
            r.peerKeyShare().set(other);
            r.payload().set(concat(Simple.CLIENT_HELLO, Simple.SERVER_HELLO));
        })));
        assertEquals(0, h.engine.activeConnections(), "a refused START leaves no session");
    }

    // ---- messages ---------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("handshake messages")
    class Messages {
        @Test
        @DisplayName("a message cut short at the end of a flight")
        void truncated() {
            engine("jdk");
            assertTrue(start(1, simpleClient().andThen(r -> r.payload().set(Simple.CLIENT_HELLO))).ok());
            OffloadReply reply = h.messages(1, Arrays.copyOf(Simple.SERVER_HELLO, Simple.SERVER_HELLO.length - 10));
            assertFailed(FailureReason.TRUNCATED_MESSAGE, reply);
            assertEquals(HandshakeProgress.FAILED, reply.progress());
            // the session stays failed with its reason until CLOSE
            assertFailed(FailureReason.TRUNCATED_MESSAGE, h.messages(1, Simple.SERVER_HELLO));
            assertTrue(h.call(OffloadOperation.CLOSE, 1, r -> { }).ok());
            assertEquals(0, h.engine.liveSecrets());
        }

        @Test
        @DisplayName("a message in pieces is fine when the host says more is coming")
        void inPieces() {
            engine("jdk");
            byte[] all = concat(Simple.CLIENT_HELLO, Simple.SERVER_HELLO, Simple.serverFlight());
            assertTrue(start(1, simpleClient()).ok());
            for (int at = 0; at < all.length; at += 7) {
                int from = at;
                int to = Math.min(all.length, at + 7);
                OffloadReply piece = h.call(OffloadOperation.HANDSHAKE_MESSAGES, 1, r -> r.endOfFlight(to == all.length)
                        .payload().set(Arrays.copyOfRange(all, from, to)));
                assertTrue(piece.ok(), piece::toString);
            }
            assertArrayEquals(Simple.CLIENT_FINISHED, h.ok(OffloadOperation.FINISHED, 1, r -> { }).output());
        }

        @Test
        @DisplayName("a message cut short inside: a vector overruns its message")
        void malformed() {
            engine("jdk");
            byte[] serverHello = Simple.SERVER_HELLO.clone();
            serverHello[serverHello.length - 3] = 0x10; // supported_versions claims 16 bytes of data
            assertFailed(FailureReason.MALFORMED_MESSAGE, start(1, simpleClient().andThen(
                    r -> r.payload().set(concat(Simple.CLIENT_HELLO, serverHello)))));
        }

        @Test
        @DisplayName("messages out of order")
        void reordered() {
            engine("jdk");
            assertFailed(FailureReason.UNEXPECTED_MESSAGE, start(1, simpleClient().andThen(
                    r -> r.payload().set(concat(Simple.SERVER_HELLO, Simple.CLIENT_HELLO)))));
            OffloadReply[] replies = new OffloadReply[3];
            byte[][] flights = {
                    concat(Simple.ENCRYPTED_EXTENSIONS, Simple.CERTIFICATE_VERIFY, Simple.CERTIFICATE, Simple.SERVER_FINISHED),
                    concat(Simple.SERVER_FINISHED, Simple.ENCRYPTED_EXTENSIONS),
                    concat(Simple.ENCRYPTED_EXTENSIONS, Simple.CERTIFICATE, Simple.SERVER_FINISHED),
            };
            for (int i = 0; i < flights.length; i++) {
                long c = 10 + i;
                assertTrue(start(c, simpleClient().andThen(
                        r -> r.payload().set(concat(Simple.CLIENT_HELLO, Simple.SERVER_HELLO)))).ok());
                replies[i] = h.messages(c, flights[i]);
                assertFailed(FailureReason.UNEXPECTED_MESSAGE, replies[i]);
            }
            // a NewSessionTicket is not part of the transcript
            assertTrue(start(20, simpleClient().andThen(r -> r.payload().set(
                    concat(Simple.CLIENT_HELLO, Simple.SERVER_HELLO, Simple.serverFlight(), Simple.CLIENT_FINISHED)))).ok());
            assertFailed(FailureReason.UNEXPECTED_MESSAGE, h.messages(20, Simple.NEW_SESSION_TICKET));
        }

        @Test
        @DisplayName("a ServerHello selecting another suite than the session's")
        void suiteMismatch() {
            engine("jdk");
            assertFailed(FailureReason.SUITE_MISMATCH, start(1, simpleClient().andThen(r -> r
                    .cipherSuite(CipherSuite.TLS_CHACHA20_POLY1305_SHA256.code())
                    .payload().set(concat(Simple.CLIENT_HELLO, Simple.SERVER_HELLO)))));
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"jdk", "openssl"})
        @DisplayName("a server Finished that does not match: failed, and every secret of the connection erased")
        void finishedMismatch(String backend) {
            engine(backend);
            OffloadReply hello = start(1, simpleClient().andThen(
                    r -> r.payload().set(concat(Simple.CLIENT_HELLO, Simple.SERVER_HELLO))));
            KeyHandle serverHandshake = hello.handle(SecretKind.SERVER_HANDSHAKE_TRAFFIC);
            byte[] flight = Simple.serverFlight();
            flight[flight.length - 1] ^= 0x01;
            OffloadReply reply = h.messages(1, flight);
            assertFailed(FailureReason.FINISHED_MISMATCH, reply);
            assertEquals(FailureReason.Alert.DECRYPT_ERROR, reply.reason().alert());
            assertFailed(FailureReason.UNKNOWN_HANDLE, h.open(serverHandshake, Simple.SERVER_FLIGHT_RECORD));
            assertFailed(FailureReason.FINISHED_MISMATCH, h.call(OffloadOperation.FINISHED, 1, r -> { }));
            assertEquals(0, h.engine.liveSecrets());
        }

        @Test
        @DisplayName("a Finished of the wrong length")
        void finishedLength() {
            engine("jdk");
            assertTrue(start(1, simpleClient().andThen(
                    r -> r.payload().set(concat(Simple.CLIENT_HELLO, Simple.SERVER_HELLO)))).ok());
            byte[] shortFinished = Rfc8448.hex("1400001f" + "00".repeat(31));
            assertFailed(FailureReason.MALFORMED_MESSAGE, h.messages(1, concat(Simple.ENCRYPTED_EXTENSIONS,
                    Simple.CERTIFICATE, Simple.CERTIFICATE_VERIFY, shortFinished)));
        }

        @Test
        @DisplayName("a PSK binder that does not match the ClientHello")
        void binderMismatch() {
            engine("jdk");
            byte[] hello = Resumed.CLIENT_HELLO.clone();
            hello[hello.length - 1] ^= 0x01;
            assertFailed(FailureReason.BINDER_MISMATCH, start(1, r -> {
                r.role(TlsRole.SERVER).cipherSuite(AES128).namedGroup(X25519);
                r.privateKey().set(Resumed.SERVER_PRIVATE);
                r.psk().set(Simple.RESUMPTION_PSK);
                r.payload().set(hello);
            }));
            assertTrue(start(2, r -> {
                r.role(TlsRole.CLIENT).cipherSuite(AES128).namedGroup(X25519);
                r.privateKey().set(Resumed.CLIENT_PRIVATE);
                r.psk().set(Simple.RESUMPTION_PSK);
            }).ok());
            byte[] wrongBinder = Resumed.BINDER.clone();
            wrongBinder[0] ^= 1;
            assertFailed(FailureReason.BINDER_MISMATCH, h.call(OffloadOperation.PSK_BINDER, 2, r -> {
                r.payload().set(Resumed.CLIENT_HELLO_PREFIX);
                r.auxiliary().set(wrongBinder);
            }));
        }

        @Test
        @DisplayName("Finished asked for before the handshake keys: refused, the session goes on")
        void finishedTooEarly() {
            engine("jdk");
            assertTrue(start(1, simpleClient().andThen(r -> r.payload().set(Simple.CLIENT_HELLO))).ok());
            assertFailed(FailureReason.WRONG_STATE, h.call(OffloadOperation.FINISHED, 1, r -> { }));
            assertTrue(h.messages(1, Simple.SERVER_HELLO).ok());
        }
    }

    // ---- transcript hashes ------------------------------------------------------------------------------------

    @Nested
    @DisplayName("transcript hashes")
    class TranscriptHashes {
        private OffloadReply point(long c, TranscriptPoint point, byte[] hash, byte[] verifyData) {
            return h.call(OffloadOperation.TRANSCRIPT_HASH, c, r -> {
                r.transcriptPoint(point).payload().set(hash);
                r.auxiliary().set(verifyData);
            });
        }

        private void started(long c) {
            assertTrue(start(c, simpleClient().andThen(r -> r.peerKeyShare().set(Simple.SERVER_PUBLIC))).ok());
        }

        @Test
        @DisplayName("a hash of the wrong length")
        void length() {
            engine("jdk");
            started(1);
            assertFailed(FailureReason.BAD_TRANSCRIPT_HASH_LENGTH, point(1, TranscriptPoint.SERVER_HELLO, new byte[48], null));
            started(2);
            assertFailed(FailureReason.BAD_TRANSCRIPT_HASH_LENGTH, point(2, TranscriptPoint.SERVER_HELLO, new byte[0], null));
        }

        @Test
        @DisplayName("points out of order")
        void order() {
            engine("jdk");
            started(1);
            assertFailed(FailureReason.UNEXPECTED_TRANSCRIPT_POINT, point(1, TranscriptPoint.SERVER_FINISHED, new byte[32], null));
            started(2);
            assertTrue(point(2, TranscriptPoint.SERVER_HELLO, Simple.HELLO_HASH, null).ok());
            assertFailed(FailureReason.UNEXPECTED_TRANSCRIPT_POINT, point(2, TranscriptPoint.SERVER_HELLO, Simple.HELLO_HASH, null));
        }

        @Test
        @DisplayName("a peer verify_data that does not match")
        void finishedMismatch() {
            engine("jdk");
            started(1);
            assertTrue(point(1, TranscriptPoint.SERVER_HELLO, Simple.HELLO_HASH, null).ok());
            byte[] wrong = Simple.SERVER_VERIFY_DATA.clone();
            wrong[5] ^= 0x40; // with the true context, this one flipped bit is all that is wrong
            byte[] context = sha256(Simple.CLIENT_HELLO, Simple.SERVER_HELLO, Simple.ENCRYPTED_EXTENSIONS, Simple.CERTIFICATE,
                    Simple.CERTIFICATE_VERIFY);
            assertFailed(FailureReason.FINISHED_MISMATCH, point(1, TranscriptPoint.SERVER_FINISHED_CONTEXT, context, wrong));
        }

        @Test
        @DisplayName("messages and hashes mixed in one session")
        void mixed() {
            engine("jdk");
            assertTrue(start(1, simpleClient().andThen(r -> r.payload().set(Simple.CLIENT_HELLO))).ok());
            assertFailed(FailureReason.MIXED_TRANSCRIPT_INPUT, point(1, TranscriptPoint.SERVER_HELLO, Simple.HELLO_HASH, null));
        }
    }

    // ---- records ----------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("records")
    class Records {
        private OffloadReply hello;
        private OffloadReply application;

        private void handshake() {
            engine("jdk");
            hello = h.ok(OffloadOperation.START, 1, simpleClient().andThen(
                    r -> r.payload().set(concat(Simple.CLIENT_HELLO, Simple.SERVER_HELLO))));
            application = h.messages(1, Simple.serverFlight());
            assertTrue(application.ok());
        }

        @Test
        @DisplayName("a tampered record does not authenticate")
        void tampered() {
            handshake();
            KeyHandle serverHandshake = hello.handle(SecretKind.SERVER_HANDSHAKE_TRAFFIC);
            for (int at : new int[] {5, 300, Simple.SERVER_FLIGHT_RECORD.length - 1}) {
                byte[] record = Simple.SERVER_FLIGHT_RECORD.clone();
                record[at] ^= 0x01;
                assertFailed(FailureReason.RECORD_AUTHENTICATION_FAILED, h.open(serverHandshake, record));
            }
            // a failed record does not advance the sequence: the genuine one still opens
            assertTrue(h.open(serverHandshake, Simple.SERVER_FLIGHT_RECORD).ok());
        }

        @Test
        @DisplayName("records that are malformed or too long")
        void malformed() {
            handshake();
            KeyHandle serverHandshake = hello.handle(SecretKind.SERVER_HANDSHAKE_TRAFFIC);
            byte[] wrongType = Simple.SERVER_FLIGHT_RECORD.clone();
            wrongType[0] = ContentType.HANDSHAKE;
            assertFailed(FailureReason.MALFORMED_RECORD, h.open(serverHandshake, wrongType));
            assertFailed(FailureReason.MALFORMED_RECORD, h.open(serverHandshake, Arrays.copyOf(Simple.SERVER_FLIGHT_RECORD, 100)));
            assertFailed(FailureReason.MALFORMED_RECORD, h.open(serverHandshake, new byte[3]));
            byte[] tooLong = new byte[5 + Tls13RecordProtection.MAX_CIPHERTEXT + 1];
            tooLong[0] = 23;
            tooLong[1] = 3;
            tooLong[2] = 3;
            tooLong[3] = (byte) ((tooLong.length - 5) >>> 8);
            tooLong[4] = (byte) (tooLong.length - 5);
            assertFailed(FailureReason.RECORD_OVERFLOW, h.open(serverHandshake, tooLong));
            KeyHandle clientApplication = application.handle(SecretKind.CLIENT_APPLICATION_TRAFFIC);
            assertFailed(FailureReason.RECORD_OVERFLOW, h.seal(clientApplication, ContentType.APPLICATION_DATA,
                    new byte[Tls13RecordProtection.MAX_PLAINTEXT + 1]));
            assertFailed(FailureReason.MALFORMED_RECORD, h.seal(clientApplication, 99, new byte[1]));
        }

        @Test
        @DisplayName("keys used in the wrong direction, non-traffic handles, stale handles")
        void handles() {
            handshake();
            KeyHandle serverHandshake = hello.handle(SecretKind.SERVER_HANDSHAKE_TRAFFIC);
            KeyHandle clientHandshake = hello.handle(SecretKind.CLIENT_HANDSHAKE_TRAFFIC);
            assertFailed(FailureReason.WRONG_DIRECTION, h.seal(serverHandshake, ContentType.HANDSHAKE, new byte[4]));
            assertFailed(FailureReason.WRONG_DIRECTION, h.open(clientHandshake, Simple.CLIENT_FINISHED_RECORD));
            KeyHandle exporter = application.handle(SecretKind.EXPORTER_MASTER);
            assertFailed(FailureReason.WRONG_HANDLE_KIND, h.seal(exporter, ContentType.APPLICATION_DATA, new byte[1]));
            assertFailed(FailureReason.WRONG_HANDLE_KIND, h.call(OffloadOperation.UPDATE_TRAFFIC_KEY, 0,
                    r -> r.keyHandle(clientHandshake.value())));
            assertFailed(FailureReason.UNKNOWN_HANDLE, h.seal(new KeyHandle(0x7777_0000_0005L), ContentType.HANDSHAKE, new byte[1]));
            assertTrue(h.call(OffloadOperation.RELEASE_HANDLE, 0, r -> r.keyHandle(clientHandshake.value())).ok());
            assertFailed(FailureReason.UNKNOWN_HANDLE, h.seal(clientHandshake, ContentType.HANDSHAKE, new byte[4]));
            h.ok(OffloadOperation.CLOSE, 1, r -> { });
            assertFailed(FailureReason.UNKNOWN_HANDLE, h.open(serverHandshake, Simple.SERVER_FLIGHT_RECORD));
        }

        @Test
        @DisplayName("a key update gives a new handle and retires the old one")
        void keyUpdate() {
            handshake();
            KeyHandle current = application.handle(SecretKind.CLIENT_APPLICATION_TRAFFIC);
            OffloadReply updated = h.ok(OffloadOperation.UPDATE_TRAFFIC_KEY, 0, r -> r.keyHandle(current.value()));
            KeyHandle next = updated.handle(SecretKind.CLIENT_APPLICATION_TRAFFIC);
            assertFalse(next.isNone());
            assertFailed(FailureReason.UNKNOWN_HANDLE, h.seal(current, ContentType.APPLICATION_DATA, new byte[1]));
            byte[] record = h.seal(next, ContentType.APPLICATION_DATA, Simple.applicationData()).output();
            assertFalse(Arrays.equals(Simple.CLIENT_APPLICATION_RECORD, record), "a new key, a new record");
        }

        @Test
        @DisplayName("the record sequence number does not wrap")
        void sequenceExhausted() {
            Tls13RecordProtection protection = new Tls13RecordProtection(
                    new io.quiver.dataplane.offload.tls.crypto.jdk.JdkRecordAead(CipherSuite.TLS_AES_128_GCM_SHA256,
                            Simple.CLIENT_APPLICATION_KEY), Simple.CLIENT_APPLICATION_IV);
            protection.sequence(-1L); // 2^64 - 1, the last usable number
            assertNotNull(protection.seal(ContentType.APPLICATION_DATA, new byte[1], 0, 1, 0));
            OffloadFailure failure = org.junit.jupiter.api.Assertions.assertThrows(OffloadFailure.class,
                    () -> protection.seal(ContentType.APPLICATION_DATA, new byte[1], 0, 1, 0));
            assertEquals(FailureReason.SEQUENCE_EXHAUSTED, failure.reason());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk", "openssl"})
    @DisplayName("random garbage in every field of every operation: always a reply, never an exception")
    void garbageNeverThrows(String backend) {
        engine(backend);
        Random random = new Random(8446);
        OffloadOperation[] operations = OffloadOperation.values();
        for (int i = 0; i < 3000; i++) {
            OffloadOperation operation = operations[random.nextInt(operations.length)];
            long connection = random.nextInt(4);
            byte[] payload = new byte[random.nextInt(600)];
            random.nextBytes(payload);
            if (random.nextBoolean() && payload.length > 4) {
                payload[0] = (byte) (1 + random.nextInt(20)); // a plausible handshake type
                payload[1] = 0;
                payload[2] = 0;
            }
            byte[] key = new byte[random.nextBoolean() ? 32 : random.nextInt(70)];
            random.nextBytes(key);
            byte[] share = new byte[random.nextBoolean() ? 32 : 65];
            random.nextBytes(share);
            share[0] = random.nextBoolean() ? 4 : share[0];
            OffloadReply reply = assertDoesNotThrow(() -> h.call(operation, connection, r -> {
                r.role(random.nextBoolean() ? TlsRole.CLIENT : TlsRole.SERVER)
                        .cipherSuite(0x1300 + random.nextInt(5))
                        .namedGroup(random.nextBoolean() ? X25519 : P256)
                        .transcriptPoint(TranscriptPoint.values()[random.nextInt(TranscriptPoint.values().length)])
                        .keyHandle(random.nextLong())
                        .contentType(20 + random.nextInt(5))
                        .endOfFlight(random.nextBoolean());
                r.privateKey().set(key);
                if (random.nextBoolean()) {
                    r.peerKeyShare().set(share);
                }
                r.payload().set(payload);
            }));
            assertNotNull(reply);
            if (!reply.ok()) {
                assertNotNull(reply.reason());
                assertFalse(reply.reason() == FailureReason.INTERNAL_ERROR, () -> operation + " -> " + reply);
            } else {
                assertNull(reply.reason());
            }
        }
    }
}
