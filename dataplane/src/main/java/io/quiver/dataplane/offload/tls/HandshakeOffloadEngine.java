package io.quiver.dataplane.offload.tls;

import io.quiver.dataplane.offload.tls.crypto.KeyShareChecks;
import io.quiver.dataplane.offload.tls.crypto.TlsCryptoBackend;
import io.quiver.dataplane.offload.tls.keylog.NssKeyLog;
import io.quiver.dataplane.offload.tls.protocol.CipherSuite;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import io.quiver.dataplane.offload.tls.protocol.OffloadFailure;
import io.quiver.dataplane.offload.tls.record.Tls13RecordProtection;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS 1.3 handshake offload engine: the appliance side of the offload. Per connection it takes the local
 * ephemeral private key, the peer's key share, an optional PSK and the transcript (messages or hashes), computes the
 * (EC)DHE shared secret and the whole key schedule of RFC 8446 §7.1 with the traffic keys of §7.3, checks Finished
 * messages and PSK binders, and protects records with the derived keys (§5.2). Secrets stay here; the host gets a
 * status and handles.
 *
 * <p>Single-threaded: one engine belongs to one offload worker. {@link #process} never throws: every refused input
 * and every unexpected error becomes a FAILED reply with a reason. Nothing it logs contains key material.
 */
public final class HandshakeOffloadEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeOffloadEngine.class);
    /** A PSK longer than this is refused; RFC 8446 bounds none, real ones are a hash long. */
    static final int MAX_PSK_LENGTH = 255;

    private final TlsCryptoBackend backend;
    private final NssKeyLog keyLog;
    private final SecretVault vault;
    private final EngineContext context;
    private final int maxConnections;
    private final Map<SessionKey, HandshakeSession> sessions = new HashMap<>();
    /** What the request being processed produced; one for the engine, whose replies copy it. */
    private final HandshakeSession.Outcome outcome = new HandshakeSession.Outcome();
    /** Requests that named a live handle of another client: refused as unknown, counted (read by the control side). */
    private volatile long foreignHandles;

    /** Connection ids are the client's own: two clients may both use connection 1. */
    private record SessionKey(long client, long connection) {
    }

    /**
     * @param backend        the crypto backend, owned by the engine from now on
     * @param keyLog         {@link NssKeyLog#DISABLED} unless a person debugging asked for a key log
     * @param maxConnections the most sessions at once
     * @param maxHandles     the most secrets at once (a full handshake holds about eight)
     * @param maxHandshakeMessageLength the largest handshake message accepted (certificate chains)
     */
    public HandshakeOffloadEngine(TlsCryptoBackend backend, NssKeyLog keyLog, int maxConnections, int maxHandles,
                                  int maxHandshakeMessageLength) {
        this.backend = backend;
        this.keyLog = keyLog;
        this.vault = new SecretVault(maxHandles);
        this.context = new EngineContext(backend, vault, keyLog, maxHandshakeMessageLength);
        this.maxConnections = maxConnections;
        LOG.info("TLS handshake offload engine on crypto backend {}, key log {}", backend.name(),
                keyLog.enabled() ? "ENABLED (debug)" : "off");
    }

    /** The backend's name, e.g. for benchmark reports. */
    public String backendName() {
        return backend.name();
    }

    public int activeConnections() {
        return sessions.size();
    }

    /** How many secrets the engine holds. */
    public int liveSecrets() {
        return vault.size();
    }

    /** Requests refused because their handle belongs to another client. */
    public long foreignHandles() {
        return foreignHandles;
    }

    /** Processes one request. Never throws. Wipes the request's key-bearing fields before returning. */
    public OffloadReply process(OffloadRequest request) {
        OffloadOperation operation = request.operation();
        long connectionId = request.connectionId();
        HandshakeSession.Outcome out = outcome.reset();
        HandshakeSession session = null;
        try {
            if (operation == null) {
                throw new OffloadFailure(FailureReason.MISSING_PARAMETER);
            }
            session = switch (operation) {
                case START -> start(request, out);
                case HANDSHAKE_MESSAGES -> messages(request, out);
                case TRANSCRIPT_HASH -> transcriptHash(request, out);
                case PSK_BINDER -> pskBinder(request, out);
                case FINISHED -> finished(request, out);
                case RESUMPTION_PSK -> resumptionPsk(request, out);
                case CLOSE -> close(request.client(), connectionId);
                case CLOSE_CLIENT -> closeClient(request.client(), out);
                case SEAL_RECORD, OPEN_RECORD, UPDATE_TRAFFIC_KEY, RELEASE_HANDLE -> {
                    handleOperation(request, out);
                    yield null;
                }
            };
            HandshakeProgress progress = session == null ? null : session.progress();
            OffloadReply reply = new OffloadReply(connectionId, operation, OffloadStatus.OK, null, progress,
                    out.handles, out.output, out.contentType);
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} {}: ok, progress {}, new handles {}", subject(request), operation, progress,
                        out.handles.keySet());
            }
            return reply;
        } catch (OffloadFailure failure) {
            return refuse(request, session, failure.reason());
        } catch (Throwable unexpected) {
            LOG.error("{} {}: internal error {}", subject(request), operation, unexpected.getClass().getName(),
                    unexpected);
            return refuse(request, session, FailureReason.INTERNAL_ERROR);
        } finally {
            request.wipeKeyMaterial();
        }
    }

    private OffloadReply refuse(OffloadRequest request, HandshakeSession session, FailureReason reason) {
        long connectionId = request.connectionId();
        OffloadOperation operation = request.operation();
        HandshakeProgress progress = null;
        if (operation != OffloadOperation.START && isSessionOperation(operation)) {
            // a refused START leaves nothing behind (start() removes what it created)
            HandshakeSession failed = session != null ? session
                    : sessions.get(new SessionKey(request.client(), connectionId));
            if (failed != null) {
                if (failsSession(reason)) {
                    failed.fail(reason);
                }
                progress = failed.progress();
            }
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {}: failed, {}", subject(request), operation, reason);
        }
        return OffloadReply.failed(connectionId, operation, reason, progress);
    }

    /** What a log line is about: the connection, or the handle for record and handle operations. */
    private static String subject(OffloadRequest request) {
        return request.keyHandle() != 0 ? "handle " + new KeyHandle(request.keyHandle())
                : "connection " + request.connectionId();
    }

    private static boolean isSessionOperation(OffloadOperation operation) {
        return operation == OffloadOperation.START || operation == OffloadOperation.HANDSHAKE_MESSAGES
                || operation == OffloadOperation.TRANSCRIPT_HASH || operation == OffloadOperation.PSK_BINDER
                || operation == OffloadOperation.FINISHED || operation == OffloadOperation.RESUMPTION_PSK;
    }

    /** Handshake failures end the session (fail closed); a bad request about the session's state does not. */
    private static boolean failsSession(FailureReason reason) {
        return switch (reason) {
            case UNKNOWN_CONNECTION, DUPLICATE_CONNECTION, WRONG_STATE, PAYLOAD_TOO_LARGE, TOO_MANY_HANDLES -> false;
            default -> true;
        };
    }

    // ---- handshake operations ------------------------------------------------------------------------------

    private HandshakeSession start(OffloadRequest request, HandshakeSession.Outcome out) {
        long connectionId = request.connectionId();
        SessionKey key = new SessionKey(request.client(), connectionId);
        if (sessions.containsKey(key)) {
            throw new OffloadFailure(FailureReason.DUPLICATE_CONNECTION);
        }
        if (sessions.size() >= maxConnections) {
            throw new OffloadFailure(FailureReason.TOO_MANY_CONNECTIONS);
        }
        TlsRole role = request.role();
        if (role == null) {
            throw new OffloadFailure(FailureReason.MISSING_PARAMETER);
        }
        CipherSuite suite = CipherSuite.fromCode(request.cipherSuite());
        if (suite == null) {
            throw new OffloadFailure(FailureReason.UNKNOWN_CIPHER_SUITE);
        }
        NamedGroup group = null;
        byte[] privateKey = request.privateKey().copy();
        byte[] localShare = request.localKeyShare().copy();
        byte[] peerShare = request.peerKeyShare().copy();
        byte[] psk = null;
        HandshakeSession session;
        try {
            if (privateKey != null) {
                group = NamedGroup.fromCode(request.namedGroup());
                if (group == null) {
                    throw new OffloadFailure(FailureReason.UNSUPPORTED_GROUP);
                }
                if (privateKey.length != group.privateKeyLength()) {
                    throw new OffloadFailure(FailureReason.BAD_PRIVATE_KEY_LENGTH);
                }
                checkEncoding(group, peerShare);
                checkEncoding(group, localShare);
            }
            psk = psk(request, suite);
            if (privateKey == null && psk == null) {
                throw new OffloadFailure(FailureReason.MISSING_PARAMETER);
            }
            byte[] clientRandom = request.clientRandom().copy();
            if (clientRandom != null && clientRandom.length != 32) {
                throw new OffloadFailure(FailureReason.MISSING_PARAMETER);
            }
            session = new HandshakeSession(request.client(), connectionId, role, suite, group, privateKey, localShare,
                    peerShare, psk, request.pskKind(), clientRandom, context);
        } catch (RuntimeException refused) { // the session never took these copies: nothing else will wipe them
            Tls13KeySchedule.wipe(privateKey);
            Tls13KeySchedule.wipe(psk);
            throw refused;
        }
        sessions.put(key, session);
        if (request.payload().isPresent() && request.payload().length() > 0) {
            // START may carry the first messages (e.g. ClientHello and ServerHello) to save a round trip
            try {
                session.messages(request.payload().array(), request.payload().length(), request.endOfFlight(), null, out);
            } catch (RuntimeException e) {
                session.destroy();
                sessions.remove(key);
                throw e;
            }
        }
        return session;
    }

    private static void checkEncoding(NamedGroup group, byte[] share) {
        if (share != null) {
            FailureReason bad = KeyShareChecks.checkEncoding(group, share);
            if (bad != null) {
                throw new OffloadFailure(bad);
            }
        }
    }

    private byte[] psk(OffloadRequest request, CipherSuite suite) {
        if (request.pskHandle() != 0) {
            SecretVault.Entry entry = owned(request.pskHandle(), request.client());
            if (entry == null) {
                throw new OffloadFailure(FailureReason.UNKNOWN_HANDLE);
            }
            if (entry.kind != SecretKind.RESUMPTION_PSK) {
                throw new OffloadFailure(FailureReason.WRONG_HANDLE_KIND);
            }
            if (entry.hash != suite.hash()) {
                throw new OffloadFailure(FailureReason.PSK_HASH_MISMATCH);
            }
            return entry.secret.clone();
        }
        byte[] psk = request.psk().copy();
        if (psk != null && (psk.length == 0 || psk.length > MAX_PSK_LENGTH)) {
            Tls13KeySchedule.wipe(psk);
            throw new OffloadFailure(FailureReason.BAD_PSK_LENGTH);
        }
        return psk;
    }

    private HandshakeSession session(OffloadRequest request) {
        HandshakeSession session = sessions.get(new SessionKey(request.client(), request.connectionId()));
        if (session == null) {
            throw new OffloadFailure(FailureReason.UNKNOWN_CONNECTION);
        }
        session.requireUsable();
        return session;
    }

    private HandshakeSession messages(OffloadRequest request, HandshakeSession.Outcome out) {
        HandshakeSession session = session(request);
        session.messages(request.payload().array(), request.payload().length(), request.endOfFlight(),
                request.peerKeyShare().copy(), out);
        return session;
    }

    private HandshakeSession transcriptHash(OffloadRequest request, HandshakeSession.Outcome out) {
        HandshakeSession session = session(request);
        if (request.transcriptPoint() == null) {
            throw new OffloadFailure(FailureReason.MISSING_PARAMETER);
        }
        session.transcriptHash(request.transcriptPoint(), request.payload().copy(), request.auxiliary().copy(),
                request.peerKeyShare().copy(), out);
        return session;
    }

    private HandshakeSession pskBinder(OffloadRequest request, HandshakeSession.Outcome out) {
        HandshakeSession session = session(request);
        session.pskBinder(request.payload().array(), request.payload().length(), request.payloadIsTranscriptHash(),
                request.auxiliary().copy(), out);
        return session;
    }

    private HandshakeSession finished(OffloadRequest request, HandshakeSession.Outcome out) {
        HandshakeSession session = session(request);
        session.finished(out);
        return session;
    }

    private HandshakeSession resumptionPsk(OffloadRequest request, HandshakeSession.Outcome out) {
        HandshakeSession session = session(request);
        byte[] nonce = request.payload().isPresent() ? request.payload().copy() : new byte[0];
        if (nonce.length > 255) {
            throw new OffloadFailure(FailureReason.MALFORMED_MESSAGE);
        }
        session.resumptionPsk(nonce, out);
        return session;
    }

    private HandshakeSession close(long client, long connectionId) {
        HandshakeSession session = sessions.remove(new SessionKey(client, connectionId));
        if (session == null) {
            throw new OffloadFailure(FailureReason.UNKNOWN_CONNECTION);
        }
        session.destroy();
        return null;
    }

    /**
     * A client went away (its socket closed, its VNIC was deleted): every session it had open and every secret it
     * held, detached resumption PSKs included, is erased. The output's first four bytes count the sessions closed.
     */
    private HandshakeSession closeClient(long client, HandshakeSession.Outcome out) {
        int closed = 0;
        var it = sessions.entrySet().iterator();
        while (it.hasNext()) {
            var entry = it.next();
            if (entry.getKey().client() == client) {
                entry.getValue().destroy();
                it.remove();
                closed++;
            }
        }
        vault.releaseClient(client);
        out.output = new byte[] {(byte) (closed >>> 24), (byte) (closed >>> 16), (byte) (closed >>> 8), (byte) closed};
        return null;
    }

    /** The live entry behind a handle when the requesting client owns it; another client's handle is unknown. */
    private SecretVault.Entry owned(long handle, long client) {
        SecretVault.Entry entry = vault.get(handle);
        if (entry != null && entry.client != client) {
            foreignHandles++;
            return null;
        }
        return entry;
    }

    // ---- handle operations ----------------------------------------------------------------------------------

    private void handleOperation(OffloadRequest request, HandshakeSession.Outcome out) {
        SecretVault.Entry entry = owned(request.keyHandle(), request.client());
        if (entry == null) {
            throw new OffloadFailure(FailureReason.UNKNOWN_HANDLE);
        }
        switch (request.operation()) {
            case SEAL_RECORD -> {
                requireTraffic(entry, entry.owner);
                out.output = protection(entry).seal(request.contentType(), request.payload().array(), 0,
                        request.payload().length(), request.paddingLength());
            }
            case OPEN_RECORD -> {
                requireTraffic(entry, entry.owner.peer());
                Tls13RecordProtection.Opened opened = protection(entry).open(request.payload().array(), 0,
                        request.payload().length());
                out.output = opened.content();
                out.contentType = opened.contentType();
            }
            case UPDATE_TRAFFIC_KEY -> updateTrafficKey(entry, out);
            case RELEASE_HANDLE -> {
                HandshakeSession session = sessions.get(new SessionKey(entry.client, entry.connectionId));
                if (session != null) {
                    session.forget(entry.handle);
                }
                vault.release(entry.handle);
            }
            default -> throw new OffloadFailure(FailureReason.INTERNAL_ERROR);
        }
    }

    private static void requireTraffic(SecretVault.Entry entry, TlsRole writer) {
        if (!entry.kind.isTraffic()) {
            throw new OffloadFailure(FailureReason.WRONG_HANDLE_KIND);
        }
        if (entry.kind.writer() != writer) {
            throw new OffloadFailure(FailureReason.WRONG_DIRECTION);
        }
    }

    private Tls13RecordProtection protection(SecretVault.Entry entry) {
        if (entry.protection == null) {
            // created on first use: most handshakes only ever protect a few records per key
            entry.protection = new Tls13RecordProtection(backend.aead(entry.suite, entry.key), entry.iv);
        }
        return entry.protection;
    }

    /** RFC 8446 §7.2: the next application traffic secret replaces the current one under a new handle. */
    private void updateTrafficKey(SecretVault.Entry entry, HandshakeSession.Outcome out) {
        if (entry.kind != SecretKind.CLIENT_APPLICATION_TRAFFIC && entry.kind != SecretKind.SERVER_APPLICATION_TRAFFIC) {
            throw new OffloadFailure(FailureReason.WRONG_HANDLE_KIND);
        }
        Tls13KeySchedule schedule = context.keySchedule(entry.hash);
        byte[] next = schedule.nextTrafficSecret(entry.secret);
        SecretVault.Entry updated = new SecretVault.Entry(entry.client, entry.connectionId, entry.kind, entry.suite, entry.hash,
                entry.owner, next, schedule.trafficKey(next, entry.suite), schedule.trafficIv(next));
        HandshakeSession session = sessions.get(new SessionKey(entry.client, entry.connectionId));
        vault.release(entry.handle);
        long handle = vault.put(updated);
        if (session != null) {
            session.replace(entry.kind, handle);
        }
        out.handles.put(entry.kind, new KeyHandle(handle));
    }

    /** Ends every session and erases every secret, detached resumption PSKs included. */
    @Override
    public void close() {
        for (HandshakeSession session : sessions.values()) {
            session.destroy();
        }
        sessions.clear();
        vault.clear();
        backend.close();
        keyLog.close();
    }
}
