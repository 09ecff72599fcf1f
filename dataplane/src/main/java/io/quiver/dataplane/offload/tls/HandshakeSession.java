package io.quiver.dataplane.offload.tls;

import io.quiver.dataplane.offload.tls.crypto.EcdheKeyAgreement;
import io.quiver.dataplane.offload.tls.handshake.ClientHelloInfo;
import io.quiver.dataplane.offload.tls.handshake.ExtensionType;
import io.quiver.dataplane.offload.tls.handshake.HandshakeMessage;
import io.quiver.dataplane.offload.tls.handshake.HandshakeOrder;
import io.quiver.dataplane.offload.tls.handshake.HandshakeReassembler;
import io.quiver.dataplane.offload.tls.handshake.HandshakeType;
import io.quiver.dataplane.offload.tls.handshake.MessageReader;
import io.quiver.dataplane.offload.tls.handshake.RunningTranscript;
import io.quiver.dataplane.offload.tls.handshake.ServerHelloInfo;

import java.util.Arrays;
import java.util.EnumMap;

/**
 * The offloaded handshake of one connection. It follows the transcript, either as the handshake messages themselves
 * or as the transcript hashes the host computed, and at each {@link TranscriptPoint} derives what RFC 8446 §7.1
 * derives there. Secrets go into the {@link SecretVault}; the session keeps their handles. Any refused input fails
 * the session closed: its secrets are erased and it only accepts CLOSE.
 */
final class HandshakeSession {
    /** How the host feeds the transcript; fixed by the first input. */
    private enum Input { UNDECIDED, MESSAGES, HASHES }

    /** What one request produced, for the reply. */
    static final class Outcome {
        final EnumMap<SecretKind, KeyHandle> handles = new EnumMap<>(SecretKind.class);
        byte[] output;
        int contentType;
    }

    private final long connectionId;
    private final TlsRole role;
    private final CipherSuite suite;
    private final NamedGroup group;
    private final EngineContext context;
    private final Tls13KeySchedule schedule;
    private final RunningTranscript transcript;
    private final HandshakeReassembler reassembler;
    private final HandshakeOrder order = new HandshakeOrder();
    private final long[] handles = new long[SecretKind.values().length];

    private byte[] privateKey;
    private byte[] localKeyShare;
    private byte[] peerKeyShare;
    private final boolean pskConfigured;
    private final PskKind pskKind;
    private boolean pskOffered;
    private boolean pskAccepted;
    private byte[] clientRandom;
    private boolean sawHelloRetry;
    private boolean sawClientHello;
    private Input input = Input.UNDECIDED;
    private TranscriptPoint lastPoint;
    private HandshakeProgress progress = HandshakeProgress.STARTED;
    private FailureReason failure;

    HandshakeSession(long connectionId, TlsRole role, CipherSuite suite, NamedGroup group, byte[] privateKey,
                     byte[] localKeyShare, byte[] peerKeyShare, byte[] psk, PskKind pskKind, byte[] clientRandom,
                     EngineContext context) {
        this.connectionId = connectionId;
        this.role = role;
        this.suite = suite;
        this.group = group;
        this.privateKey = privateKey;
        this.localKeyShare = localKeyShare;
        this.peerKeyShare = peerKeyShare;
        this.pskConfigured = psk != null;
        this.pskOffered = psk != null;
        this.pskKind = pskKind;
        this.clientRandom = clientRandom;
        this.context = context;
        this.schedule = context.keySchedule(suite.hash());
        this.transcript = new RunningTranscript(context.digest(suite.hash()));
        this.reassembler = new HandshakeReassembler(context.maxHandshakeMessageLength());
        // the early secret is needed before the ClientHello exists: the client's binder is computed from it
        schedule.deriveEarlySecret(psk);
        Tls13KeySchedule.wipe(psk);
        progress = HandshakeProgress.EARLY_KEYS;
    }

    long connectionId() {
        return connectionId;
    }

    TlsRole role() {
        return role;
    }

    HandshakeProgress progress() {
        return progress;
    }

    FailureReason failure() {
        return failure;
    }

    /** Throws the session's failure when it has failed: a failed session only accepts CLOSE. */
    void requireUsable() {
        if (failure != null) {
            throw new OffloadFailure(failure);
        }
    }

    /** Marks the session failed and erases every secret it holds. */
    void fail(FailureReason reason) {
        if (failure == null) {
            failure = reason;
            progress = HandshakeProgress.FAILED;
            destroy();
        }
    }

    // ---- inputs ------------------------------------------------------------------------------------------------

    /** Handshake messages, in any pieces; {@code endOfFlight} says no message may be left incomplete. */
    void messages(byte[] bytes, int length, boolean endOfFlight, byte[] peerShare, Outcome out) {
        useInput(Input.MESSAGES);
        notePeerKeyShare(peerShare);
        reassembler.feed(bytes, 0, length, message -> onMessage(message, out));
        if (endOfFlight && reassembler.hasPartialMessage()) {
            throw new OffloadFailure(FailureReason.TRUNCATED_MESSAGE);
        }
    }

    /** The transcript hash at one point, with the peer's verify_data at a Finished context point when known. */
    void transcriptHash(TranscriptPoint point, byte[] hash, byte[] peerVerifyData, byte[] peerShare, Outcome out) {
        useInput(Input.HASHES);
        if (hash == null || hash.length != suite.hash().length()
                || (peerVerifyData != null && peerVerifyData.length != suite.hash().length())) {
            throw new OffloadFailure(FailureReason.BAD_TRANSCRIPT_HASH_LENGTH);
        }
        if (!pointMayComeNow(point)) {
            throw new OffloadFailure(FailureReason.UNEXPECTED_TRANSCRIPT_POINT);
        }
        lastPoint = point;
        notePeerKeyShare(peerShare);
        switch (point) {
            case CLIENT_HELLO -> onClientHelloHash(hash, out);
            case SERVER_HELLO -> {
                pskAccepted = pskOffered;
                onServerHelloHash(hash, out);
            }
            case SERVER_FINISHED_CONTEXT -> finishedAt(SecretKind.SERVER_HANDSHAKE_TRAFFIC, TlsRole.SERVER, hash,
                    peerVerifyData, out);
            case SERVER_FINISHED -> onServerFinishedHash(hash, out);
            case CLIENT_FINISHED_CONTEXT -> finishedAt(SecretKind.CLIENT_HANDSHAKE_TRAFFIC, TlsRole.CLIENT, hash,
                    peerVerifyData, out);
            case CLIENT_FINISHED -> onClientFinishedHash(hash, out);
        }
    }

    /** This side's Finished, built and appended to the transcript (message input only). */
    void finished(Outcome out) {
        if (input != Input.MESSAGES) {
            throw new OffloadFailure(FailureReason.WRONG_STATE);
        }
        boolean mine = role == TlsRole.SERVER ? order.expectsServerFinished() : order.expectsClientFinished();
        if (!mine || reassembler.hasPartialMessage()) {
            throw new OffloadFailure(FailureReason.WRONG_STATE);
        }
        SecretKind base = role == TlsRole.SERVER ? SecretKind.SERVER_HANDSHAKE_TRAFFIC : SecretKind.CLIENT_HANDSHAKE_TRAFFIC;
        byte[] verifyData = schedule.finishedVerifyData(secret(base), transcript.currentHash());
        byte[] message = HandshakeMessage.encode(HandshakeType.FINISHED, verifyData);
        onMessage(new HandshakeMessage(HandshakeType.FINISHED, message), out);
        out.output = message;
    }

    /**
     * The PSK binder (RFC 8446 §4.2.11.2) over the truncated ClientHello, or over its hash when {@code isHash};
     * checked against {@code expected} when given.
     */
    void pskBinder(byte[] payload, int length, boolean isHash, byte[] expected, Outcome out) {
        if (!pskConfigured || sawClientHello && !sawHelloRetry) {
            throw new OffloadFailure(FailureReason.WRONG_STATE);
        }
        byte[] hash;
        if (isHash) {
            if (length != suite.hash().length()) {
                throw new OffloadFailure(FailureReason.BAD_TRANSCRIPT_HASH_LENGTH);
            }
            hash = Arrays.copyOf(payload, length);
        } else {
            hash = transcript.hashWith(payload, length);
        }
        byte[] binder = binder(hash);
        if (expected != null && !Tls13KeySchedule.sameMac(binder, expected, 0, expected.length)) {
            throw new OffloadFailure(FailureReason.BINDER_MISMATCH);
        }
        out.output = binder;
    }

    /** The PSK of a NewSessionTicket with this nonce (RFC 8446 §4.6.1), as a new detached handle. */
    void resumptionPsk(byte[] ticketNonce, Outcome out) {
        long handle = handles[SecretKind.RESUMPTION_MASTER.ordinal()];
        SecretVault.Entry master = handle == 0 ? null : context.vault().get(handle);
        if (master == null) {
            throw new OffloadFailure(FailureReason.WRONG_STATE);
        }
        byte[] psk = schedule.resumptionPsk(master.secret, ticketNonce);
        SecretVault.Entry entry = new SecretVault.Entry(0, SecretKind.RESUMPTION_PSK, suite, suite.hash(), role, psk,
                null, null);
        out.handles.put(SecretKind.RESUMPTION_PSK, new KeyHandle(context.vault().put(entry)));
    }

    /** A traffic key update put this secret under a new handle. */
    void replace(SecretKind kind, long handle) {
        handles[kind.ordinal()] = handle;
    }

    /** A handle of this session was released by the host. */
    void forget(long handle) {
        for (int i = 0; i < handles.length; i++) {
            if (handles[i] == handle) {
                handles[i] = 0;
            }
        }
    }

    // ---- message input -------------------------------------------------------------------------------------------

    private void onMessage(HandshakeMessage message, Outcome out) {
        switch (message.type()) {
            case CLIENT_HELLO -> onClientHello(message, out);
            case SERVER_HELLO -> onServerHello(message, out);
            case ENCRYPTED_EXTENSIONS -> {
                order.accept(HandshakeType.ENCRYPTED_EXTENSIONS, false, false);
                order.earlyDataAccepted(pskAccepted && hasExtension(message.body().vector16(), ExtensionType.EARLY_DATA));
                transcript.add(message.bytes());
            }
            case CERTIFICATE -> {
                order.accept(HandshakeType.CERTIFICATE, false, isEmptyCertificate(message));
                transcript.add(message.bytes());
            }
            case CERTIFICATE_REQUEST, CERTIFICATE_VERIFY, END_OF_EARLY_DATA -> {
                order.accept(message.type(), false, false);
                transcript.add(message.bytes());
            }
            case FINISHED -> onFinished(message, out);
            default -> throw new OffloadFailure(FailureReason.UNEXPECTED_MESSAGE);
        }
    }

    private void onClientHello(HandshakeMessage message, Outcome out) {
        order.accept(HandshakeType.CLIENT_HELLO, false, false);
        ClientHelloInfo hello = ClientHelloInfo.parse(message);
        boolean first = !sawClientHello;
        sawClientHello = true;
        if (first && clientRandom == null) {
            clientRandom = hello.random();
        }
        if (group != null) {
            byte[] share = hello.keyShares().get(group.code());
            if (share != null) {
                if (role == TlsRole.CLIENT) {
                    localKeyShare = localKeyShare == null ? share : localKeyShare;
                } else {
                    notePeerKeyShare(share);
                }
            }
        }
        if (pskConfigured) {
            pskOffered = hello.offersPsk();
            if (pskOffered) {
                byte[] binder = binder(transcript.hashWith(message.bytes(), hello.truncatedLength()));
                byte[] offered = hello.binders().isEmpty() ? new byte[0] : hello.binders().getFirst();
                if (!Tls13KeySchedule.sameMac(binder, offered, 0, offered.length)) {
                    throw new OffloadFailure(FailureReason.BINDER_MISMATCH);
                }
            }
        }
        transcript.add(message.bytes());
        if (first) {
            onClientHelloHash(transcript.currentHash(), out);
        }
    }

    private void onServerHello(HandshakeMessage message, Outcome out) {
        ServerHelloInfo hello = ServerHelloInfo.parse(message);
        order.accept(HandshakeType.SERVER_HELLO, hello.helloRetryRequest(), false);
        if (hello.cipherSuite() != suite.code()) {
            throw new OffloadFailure(FailureReason.SUITE_MISMATCH);
        }
        if (hello.selectedVersion() != ExtensionType.TLS13) {
            throw new OffloadFailure(FailureReason.UNSUPPORTED_PROTOCOL_VERSION);
        }
        if (hello.helloRetryRequest()) {
            // RFC 8446 §4.4.1: ClientHello1 becomes message_hash; 0-RTT is over after a retry
            sawHelloRetry = true;
            transcript.replaceWithMessageHash();
            transcript.add(message.bytes());
            release(SecretKind.CLIENT_EARLY_TRAFFIC);
            release(SecretKind.EARLY_EXPORTER_MASTER);
            return;
        }
        if (hello.pskAccepted() && (!pskOffered || hello.selectedPsk() != 0)) {
            // the server chose a PSK the engine does not hold
            throw new OffloadFailure(FailureReason.MISSING_PARAMETER);
        }
        pskAccepted = hello.pskAccepted();
        order.pskAccepted(pskAccepted);
        if (hello.keyShare() != null) {
            if (group == null || hello.keyShareGroup() != group.code()) {
                throw new OffloadFailure(FailureReason.KEY_SHARE_MISMATCH);
            }
            if (role == TlsRole.CLIENT) {
                notePeerKeyShare(hello.keyShare());
            } else if (localKeyShare == null) {
                localKeyShare = hello.keyShare();
            }
        } else if (!pskAccepted) {
            throw new OffloadFailure(FailureReason.MALFORMED_MESSAGE);
        } else {
            // psk_ke: no (EC)DHE in this handshake
            Tls13KeySchedule.wipe(privateKey);
            privateKey = null;
        }
        transcript.add(message.bytes());
        onServerHelloHash(transcript.currentHash(), out);
    }

    private void onFinished(HandshakeMessage message, Outcome out) {
        boolean server = order.expectsServerFinished();
        order.accept(HandshakeType.FINISHED, false, false);
        SecretKind base = server ? SecretKind.SERVER_HANDSHAKE_TRAFFIC : SecretKind.CLIENT_HANDSHAKE_TRAFFIC;
        if (message.bodyLength() != suite.hash().length()) {
            throw new OffloadFailure(FailureReason.MALFORMED_MESSAGE);
        }
        byte[] expected = schedule.finishedVerifyData(secret(base), transcript.currentHash());
        if (!Tls13KeySchedule.sameMac(expected, message.bytes(), message.bodyOffset(), message.bodyLength())) {
            throw new OffloadFailure(FailureReason.FINISHED_MISMATCH);
        }
        transcript.add(message.bytes());
        if (server) {
            onServerFinishedHash(transcript.currentHash(), out);
        } else {
            onClientFinishedHash(transcript.currentHash(), out);
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

    // ---- transcript points -----------------------------------------------------------------------------------

    private boolean pointMayComeNow(TranscriptPoint point) {
        int previous = lastPoint == null ? -1 : lastPoint.ordinal();
        if (point.ordinal() <= previous) {
            return false;
        }
        // only the ClientHello point and the two Finished context points may be skipped
        for (TranscriptPoint skipped : TranscriptPoint.values()) {
            if (skipped.ordinal() > previous && skipped.ordinal() < point.ordinal()
                    && (skipped == TranscriptPoint.SERVER_HELLO || skipped == TranscriptPoint.SERVER_FINISHED)) {
                return false;
            }
        }
        return true;
    }

    private void onClientHelloHash(byte[] clientHelloHash, Outcome out) {
        if (!pskOffered) {
            return;
        }
        byte[] early = schedule.clientEarlyTrafficSecret(clientHelloHash);
        publishTraffic(SecretKind.CLIENT_EARLY_TRAFFIC, early, out);
        publishSecret(SecretKind.EARLY_EXPORTER_MASTER, schedule.earlyExporterMasterSecret(clientHelloHash), out);
    }

    private void onServerHelloHash(byte[] helloHash, Outcome out) {
        if (pskConfigured && !pskAccepted) {
            // the server turned the PSK down: the schedule restarts from a zero PSK and 0-RTT keys are void
            schedule.deriveEarlySecret(null);
            release(SecretKind.CLIENT_EARLY_TRAFFIC);
            release(SecretKind.EARLY_EXPORTER_MASTER);
        }
        byte[] shared = null;
        if (privateKey != null) {
            if (peerKeyShare == null) {
                throw new OffloadFailure(FailureReason.MISSING_PARAMETER);
            }
            EcdheKeyAgreement agreement = context.backend().keyAgreement(group);
            shared = new byte[group.sharedSecretLength()];
            FailureReason refused = agreement.agree(privateKey, localKeyShare, peerKeyShare, shared);
            Tls13KeySchedule.wipe(privateKey);
            privateKey = null;
            if (refused != null) {
                Tls13KeySchedule.wipe(shared);
                throw new OffloadFailure(refused);
            }
        } else if (!pskAccepted) {
            throw new OffloadFailure(FailureReason.MISSING_PARAMETER);
        }
        schedule.deriveHandshakeSecret(shared);
        Tls13KeySchedule.wipe(shared);
        publishTraffic(SecretKind.CLIENT_HANDSHAKE_TRAFFIC, schedule.clientHandshakeTrafficSecret(helloHash), out);
        publishTraffic(SecretKind.SERVER_HANDSHAKE_TRAFFIC, schedule.serverHandshakeTrafficSecret(helloHash), out);
        schedule.deriveMasterSecret();
        progress = HandshakeProgress.HANDSHAKE_KEYS;
    }

    private void finishedAt(SecretKind base, TlsRole sender, byte[] contextHash, byte[] peerVerifyData, Outcome out) {
        requireSecret(base);
        byte[] verifyData = schedule.finishedVerifyData(secret(base), contextHash);
        if (peerVerifyData != null && !Tls13KeySchedule.sameMac(verifyData, peerVerifyData, 0, peerVerifyData.length)) {
            throw new OffloadFailure(FailureReason.FINISHED_MISMATCH);
        }
        if (sender == role) {
            out.output = HandshakeMessage.encode(HandshakeType.FINISHED, verifyData);
        }
    }

    private void onServerFinishedHash(byte[] hash, Outcome out) {
        requireSecret(SecretKind.SERVER_HANDSHAKE_TRAFFIC);
        publishTraffic(SecretKind.CLIENT_APPLICATION_TRAFFIC, schedule.clientApplicationTrafficSecret(hash), out);
        publishTraffic(SecretKind.SERVER_APPLICATION_TRAFFIC, schedule.serverApplicationTrafficSecret(hash), out);
        publishSecret(SecretKind.EXPORTER_MASTER, schedule.exporterMasterSecret(hash), out);
        progress = HandshakeProgress.APPLICATION_KEYS;
    }

    private void onClientFinishedHash(byte[] hash, Outcome out) {
        requireSecret(SecretKind.CLIENT_APPLICATION_TRAFFIC);
        publishSecret(SecretKind.RESUMPTION_MASTER, schedule.resumptionMasterSecret(hash), out);
        // nothing left to derive from the extracted secrets
        schedule.destroy();
        progress = HandshakeProgress.COMPLETE;
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private void useInput(Input wanted) {
        if (input == Input.UNDECIDED) {
            input = wanted;
        } else if (input != wanted) {
            throw new OffloadFailure(FailureReason.MIXED_TRANSCRIPT_INPUT);
        }
    }

    private void notePeerKeyShare(byte[] share) {
        if (share == null) {
            return;
        }
        if (peerKeyShare == null) {
            peerKeyShare = share;
        } else if (!Arrays.equals(peerKeyShare, share)) {
            throw new OffloadFailure(FailureReason.KEY_SHARE_MISMATCH);
        }
    }

    private byte[] binder(byte[] truncatedHelloHash) {
        byte[] binderKey = schedule.binderKey(pskKind);
        byte[] binder = schedule.finishedVerifyData(binderKey, truncatedHelloHash);
        Tls13KeySchedule.wipe(binderKey);
        return binder;
    }

    private void requireSecret(SecretKind kind) {
        if (handles[kind.ordinal()] == 0) {
            throw new OffloadFailure(FailureReason.WRONG_STATE);
        }
    }

    private byte[] secret(SecretKind kind) {
        requireSecret(kind);
        SecretVault.Entry entry = context.vault().get(handles[kind.ordinal()]);
        if (entry == null) {
            throw new OffloadFailure(FailureReason.WRONG_STATE);
        }
        return entry.secret;
    }

    private void publishTraffic(SecretKind kind, byte[] secret, Outcome out) {
        byte[] key = schedule.trafficKey(secret, suite);
        byte[] iv = schedule.trafficIv(secret);
        store(new SecretVault.Entry(connectionId, kind, suite, suite.hash(), role, secret, key, iv), out);
    }

    private void publishSecret(SecretKind kind, byte[] secret, Outcome out) {
        store(new SecretVault.Entry(connectionId, kind, suite, suite.hash(), role, secret, null, null), out);
    }

    private void store(SecretVault.Entry entry, Outcome out) {
        release(entry.kind);
        long handle = context.vault().put(entry);
        handles[entry.kind.ordinal()] = handle;
        out.handles.put(entry.kind, new KeyHandle(handle));
        if (entry.kind.keyLogLabel() != null) {
            context.keyLog(entry.kind.keyLogLabel(), clientRandom, entry.secret, connectionId);
        }
    }

    private void release(SecretKind kind) {
        long handle = handles[kind.ordinal()];
        if (handle != 0) {
            context.vault().release(handle);
            handles[kind.ordinal()] = 0;
        }
    }

    /** Erases every secret of the session and invalidates its handles (detached resumption PSKs survive). */
    void destroy() {
        for (SecretKind kind : SecretKind.values()) {
            release(kind);
        }
        schedule.destroy();
        Tls13KeySchedule.wipe(privateKey);
        privateKey = null;
        reassembler.reset();
    }
}
