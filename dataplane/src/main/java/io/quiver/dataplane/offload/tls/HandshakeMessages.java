package io.quiver.dataplane.offload.tls;

import io.quiver.dataplane.offload.tls.handshake.ClientHelloInfo;
import io.quiver.dataplane.offload.tls.handshake.ExtensionType;
import io.quiver.dataplane.offload.tls.handshake.HandshakeMessage;
import io.quiver.dataplane.offload.tls.handshake.HandshakeOrder;
import io.quiver.dataplane.offload.tls.handshake.HandshakeReassembler;
import io.quiver.dataplane.offload.tls.handshake.HandshakeType;
import io.quiver.dataplane.offload.tls.handshake.MessageReader;
import io.quiver.dataplane.offload.tls.handshake.ServerHelloInfo;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import io.quiver.dataplane.offload.tls.protocol.OffloadFailure;

/**
 * One of a session's two ways to follow the transcript: the handshake messages themselves, in any pieces. Reassembles
 * them, checks their order (RFC 8446 §4), parses what the keys depend on (hellos, key shares, PSK binders, Finished),
 * adds each to the transcript and tells the session when it reaches a {@link TranscriptPoint}.
 */
final class HandshakeMessages {
    private final HandshakeSession session;
    private final HandshakeReassembler reassembler;
    private final HandshakeOrder order = new HandshakeOrder();

    HandshakeMessages(HandshakeSession session, int maxMessageLength) {
        this.session = session;
        this.reassembler = new HandshakeReassembler(maxMessageLength);
    }

    /** Handshake messages, in any pieces; {@code endOfFlight} says no message may be left incomplete. */
    void feed(byte[] bytes, int length, boolean endOfFlight, HandshakeSession.Outcome out) {
        reassembler.feed(bytes, 0, length, message -> onMessage(message, out));
        if (endOfFlight && reassembler.hasPartialMessage()) {
            throw new OffloadFailure(FailureReason.TRUNCATED_MESSAGE);
        }
    }

    /** This side's Finished, built and appended to the transcript. */
    void finished(HandshakeSession.Outcome out) {
        boolean mine = session.role() == TlsRole.SERVER ? order.expectsServerFinished() : order.expectsClientFinished();
        if (!mine || reassembler.hasPartialMessage()) {
            throw new OffloadFailure(FailureReason.WRONG_STATE);
        }
        SecretKind base = session.role() == TlsRole.SERVER ? SecretKind.SERVER_HANDSHAKE_TRAFFIC : SecretKind.CLIENT_HANDSHAKE_TRAFFIC;
        byte[] verifyData = session.schedule.finishedVerifyData(session.secret(base), session.transcript.currentHash());
        byte[] message = HandshakeMessage.encode(HandshakeType.FINISHED, verifyData);
        onMessage(new HandshakeMessage(HandshakeType.FINISHED, message), out);
        out.output = message;
    }

    void reset() {
        reassembler.reset();
    }

    private void onMessage(HandshakeMessage message, HandshakeSession.Outcome out) {
        switch (message.type()) {
            case CLIENT_HELLO -> onClientHello(message, out);
            case SERVER_HELLO -> onServerHello(message, out);
            case ENCRYPTED_EXTENSIONS -> {
                order.accept(HandshakeType.ENCRYPTED_EXTENSIONS, false, false);
                order.earlyDataAccepted(session.pskAccepted && hasExtension(message.body().vector16(), ExtensionType.EARLY_DATA));
                session.transcript.add(message);
            }
            case CERTIFICATE -> {
                order.accept(HandshakeType.CERTIFICATE, false, isEmptyCertificate(message));
                session.transcript.add(message);
            }
            case CERTIFICATE_REQUEST, CERTIFICATE_VERIFY, END_OF_EARLY_DATA -> {
                order.accept(message.type(), false, false);
                session.transcript.add(message);
            }
            case FINISHED -> onFinished(message, out);
            default -> throw new OffloadFailure(FailureReason.UNEXPECTED_MESSAGE);
        }
    }

    private void onClientHello(HandshakeMessage message, HandshakeSession.Outcome out) {
        order.accept(HandshakeType.CLIENT_HELLO, false, false);
        ClientHelloInfo hello = ClientHelloInfo.parse(message);
        boolean first = !session.sawClientHello;
        session.sawClientHello = true;
        if (first && session.clientRandom == null) {
            session.clientRandom = hello.random();
        }
        NamedGroup group = session.group;
        if (group != null) {
            byte[] share = hello.keyShares().get(group.code());
            if (share != null) {
                if (session.role() == TlsRole.CLIENT) {
                    session.localKeyShare = session.localKeyShare == null ? share : session.localKeyShare;
                } else {
                    session.notePeerKeyShare(share);
                }
            }
        }
        if (session.pskConfigured) {
            session.pskOffered = hello.offersPsk();
            if (session.pskOffered) {
                byte[] binder = session.binder(session.transcript.hashWith(message.bytes(), message.offset(), hello.truncatedLength()));
                byte[] offered = hello.binders().isEmpty() ? new byte[0] : hello.binders().getFirst();
                if (!Tls13KeySchedule.sameMac(binder, offered, 0, offered.length)) {
                    throw new OffloadFailure(FailureReason.BINDER_MISMATCH);
                }
            }
        }
        session.transcript.add(message);
        if (first) {
            session.atClientHello(session.transcript.currentHash(), out);
        }
    }

    private void onServerHello(HandshakeMessage message, HandshakeSession.Outcome out) {
        ServerHelloInfo hello = ServerHelloInfo.parse(message);
        order.accept(HandshakeType.SERVER_HELLO, hello.helloRetryRequest(), false);
        if (hello.cipherSuite() != session.suite.code()) {
            throw new OffloadFailure(FailureReason.SUITE_MISMATCH);
        }
        if (hello.selectedVersion() != ExtensionType.TLS13) {
            throw new OffloadFailure(FailureReason.UNSUPPORTED_PROTOCOL_VERSION);
        }
        if (hello.helloRetryRequest()) {
            // RFC 8446 §4.4.1: ClientHello1 becomes message_hash; 0-RTT is over after a retry
            session.sawHelloRetry = true;
            session.transcript.replaceWithMessageHash();
            session.transcript.add(message);
            session.release(SecretKind.CLIENT_EARLY_TRAFFIC);
            session.release(SecretKind.EARLY_EXPORTER_MASTER);
            return;
        }
        if (hello.pskAccepted() && (!session.pskOffered || hello.selectedPsk() != 0)) {
            // the server chose a PSK the engine does not hold
            throw new OffloadFailure(FailureReason.MISSING_PARAMETER);
        }
        session.pskAccepted = hello.pskAccepted();
        order.pskAccepted(session.pskAccepted);
        if (hello.keyShare() != null) {
            if (session.group == null || hello.keyShareGroup() != session.group.code()) {
                throw new OffloadFailure(FailureReason.KEY_SHARE_MISMATCH);
            }
            if (session.role() == TlsRole.CLIENT) {
                session.notePeerKeyShare(hello.keyShare());
            } else if (session.localKeyShare == null) {
                session.localKeyShare = hello.keyShare();
            }
        } else if (!session.pskAccepted) {
            throw new OffloadFailure(FailureReason.MALFORMED_MESSAGE);
        } else {
            session.dropPrivateKey(); // psk_ke: no (EC)DHE in this handshake
        }
        session.transcript.add(message);
        session.atServerHello(session.transcript.currentHash(), out);
    }

    private void onFinished(HandshakeMessage message, HandshakeSession.Outcome out) {
        boolean server = order.expectsServerFinished();
        order.accept(HandshakeType.FINISHED, false, false);
        SecretKind base = server ? SecretKind.SERVER_HANDSHAKE_TRAFFIC : SecretKind.CLIENT_HANDSHAKE_TRAFFIC;
        if (message.bodyLength() != session.suite.hash().length()) {
            throw new OffloadFailure(FailureReason.MALFORMED_MESSAGE);
        }
        byte[] expected = session.schedule.finishedVerifyData(session.secret(base), session.transcript.currentHash());
        if (!Tls13KeySchedule.sameMac(expected, message.bytes(), message.bodyOffset(), message.bodyLength())) {
            throw new OffloadFailure(FailureReason.FINISHED_MISMATCH);
        }
        session.transcript.add(message);
        if (server) {
            session.atServerFinished(session.transcript.currentHash(), out);
        } else {
            session.atClientFinished(session.transcript.currentHash(), out);
        }
    }

    private static boolean hasExtension(MessageReader extensions, int wanted) {
        boolean found = false;
        while (extensions.hasRemaining()) {
            int type = extensions.uint16();
            extensions.skip(extensions.uint16());
            found |= type == wanted;
        }
        return found;
    }

    private boolean isEmptyCertificate(HandshakeMessage message) {
        if (order.expect() != HandshakeOrder.Expect.CLIENT_FLIGHT) {
            return false;
        }
        MessageReader body = message.body();
        body.vector8(); // certificate_request_context
        MessageReader list = body.vector24();
        body.expectEnd();
        return !list.hasRemaining();
    }
}
