package io.quiver.dataplane.offload.tls;

import io.quiver.dataplane.offload.tls.crypto.EcdheKeyAgreement;
import io.quiver.dataplane.offload.tls.handshake.HandshakeMessage;
import io.quiver.dataplane.offload.tls.handshake.HandshakeType;
import io.quiver.dataplane.offload.tls.handshake.RunningTranscript;
import io.quiver.dataplane.offload.tls.protocol.CipherSuite;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import io.quiver.dataplane.offload.tls.protocol.OffloadFailure;
import java.util.Arrays;
import java.util.EnumMap;

/**
 * The offloaded handshake of one connection. It follows the transcript one of two ways, fixed by the first input:
 * the handshake messages themselves ({@link HandshakeMessages}) or the transcript hashes the host computed
 * ({@link TranscriptHashes}); at each {@link TranscriptPoint} it derives what RFC 8446 §7.1 derives there. Secrets go
 * into the {@link SecretVault}; the session keeps their handles. Any refused input fails the session closed: its
 * secrets are erased and it only accepts CLOSE.
 */
final class HandshakeSession {
    /** How the host feeds the transcript; fixed by the first input. */
    private enum Input { UNDECIDED, MESSAGES, HASHES }

    /** What one request produced, for the reply. */
    static final class Outcome {
        final EnumMap<SecretKind, KeyHandle> handles = new EnumMap<>(SecretKind.class);
        byte[] output;
        int contentType;

        /** Ready for the next request: the engine reuses one (the reply copies what it needs). */
        Outcome reset() {
            handles.clear();
            output = null;
            contentType = 0;
            return this;
        }
    }

    private final long client;
    private final long connectionId;
    private final TlsRole role;
    final CipherSuite suite;
    final NamedGroup group;
    private final EngineContext context;
    final Tls13KeySchedule schedule;
    /** The transcript of the messages seen (message input), and of a ClientHello's PSK binder in either input. */
    final RunningTranscript transcript;
    private final HandshakeMessages messages;
    private final TranscriptHashes hashes = new TranscriptHashes(this);
    private final long[] handles = new long[SecretKind.values().length];

    // what the inputs learn and the derivations use (the inputs are this session's own parts)
    private byte[] privateKey;
    byte[] localKeyShare;
    private byte[] peerKeyShare;
    final boolean pskConfigured;
    private final PskKind pskKind;
    boolean pskOffered;
    boolean pskAccepted;
    byte[] clientRandom;
    boolean sawHelloRetry;
    boolean sawClientHello;
    private Input input = Input.UNDECIDED;
    private HandshakeProgress progress = HandshakeProgress.STARTED;
    private FailureReason failure;

    HandshakeSession(long client, long connectionId, TlsRole role, CipherSuite suite, NamedGroup group, byte[] privateKey,
                     byte[] localKeyShare, byte[] peerKeyShare, byte[] psk, PskKind pskKind, byte[] clientRandom,
                     EngineContext context) {
        this.client = client;
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
        this.messages = new HandshakeMessages(this, context.maxHandshakeMessageLength());
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
        messages.feed(bytes, length, endOfFlight, out);
    }

    /** The transcript hash at one point, with the peer's verify_data at a Finished context point when known. */
    void transcriptHash(TranscriptPoint point, byte[] hash, byte[] peerVerifyData, byte[] peerShare, Outcome out) {
        useInput(Input.HASHES);
        hashes.at(point, hash, peerVerifyData, peerShare, out);
    }

    /** This side's Finished, built and appended to the transcript (message input only). */
    void finished(Outcome out) {
        if (input != Input.MESSAGES) {
            throw new OffloadFailure(FailureReason.WRONG_STATE);
        }
        messages.finished(out);
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
        SecretVault.Entry entry = new SecretVault.Entry(client, 0, SecretKind.RESUMPTION_PSK, suite, suite.hash(), role, psk,
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

    // ---- what is derived at each transcript point, whichever input reached it -------------------------------------

    void atClientHello(byte[] clientHelloHash, Outcome out) {
        if (!pskOffered) {
            return;
        }
        byte[] early = schedule.clientEarlyTrafficSecret(clientHelloHash);
        publishTraffic(SecretKind.CLIENT_EARLY_TRAFFIC, early, out);
        publishSecret(SecretKind.EARLY_EXPORTER_MASTER, schedule.earlyExporterMasterSecret(clientHelloHash), out);
    }

    void atServerHello(byte[] helloHash, Outcome out) {
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

    void finishedAt(SecretKind base, TlsRole sender, byte[] contextHash, byte[] peerVerifyData, Outcome out) {
        requireSecret(base);
        byte[] verifyData = schedule.finishedVerifyData(secret(base), contextHash);
        if (peerVerifyData != null && !Tls13KeySchedule.sameMac(verifyData, peerVerifyData, 0, peerVerifyData.length)) {
            throw new OffloadFailure(FailureReason.FINISHED_MISMATCH);
        }
        if (sender == role) {
            out.output = HandshakeMessage.encode(HandshakeType.FINISHED, verifyData);
        }
    }

    void atServerFinished(byte[] hash, Outcome out) {
        requireSecret(SecretKind.SERVER_HANDSHAKE_TRAFFIC);
        publishTraffic(SecretKind.CLIENT_APPLICATION_TRAFFIC, schedule.clientApplicationTrafficSecret(hash), out);
        publishTraffic(SecretKind.SERVER_APPLICATION_TRAFFIC, schedule.serverApplicationTrafficSecret(hash), out);
        publishSecret(SecretKind.EXPORTER_MASTER, schedule.exporterMasterSecret(hash), out);
        progress = HandshakeProgress.APPLICATION_KEYS;
    }

    void atClientFinished(byte[] hash, Outcome out) {
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

    void notePeerKeyShare(byte[] share) {
        if (share == null) {
            return;
        }
        if (peerKeyShare == null) {
            peerKeyShare = share;
        } else if (!Arrays.equals(peerKeyShare, share)) {
            throw new OffloadFailure(FailureReason.KEY_SHARE_MISMATCH);
        }
    }

    byte[] binder(byte[] truncatedHelloHash) {
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

    byte[] secret(SecretKind kind) {
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
        store(new SecretVault.Entry(client, connectionId, kind, suite, suite.hash(), role, secret, key, iv), out);
    }

    private void publishSecret(SecretKind kind, byte[] secret, Outcome out) {
        store(new SecretVault.Entry(client, connectionId, kind, suite, suite.hash(), role, secret, null, null), out);
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

    void release(SecretKind kind) {
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
        dropPrivateKey();
        messages.reset();
    }

    /** The (EC)DHE private key is spent, or not needed (psk_ke): wiped at once. */
    void dropPrivateKey() {
        Tls13KeySchedule.wipe(privateKey);
        privateKey = null;
    }
}
