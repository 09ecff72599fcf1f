package io.quiver.dataplane.offload.tls;

import io.quiver.dataplane.offload.tls.crypto.Hkdf;
import io.quiver.dataplane.offload.tls.crypto.TlsCryptoBackend;
import io.quiver.dataplane.offload.tls.keylog.NssKeyLog;
import io.quiver.dataplane.offload.tls.protocol.HashAlgorithm;
import java.security.MessageDigest;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the sessions of one engine share: the crypto backend, the vault, one HKDF and one digest prototype per hash,
 * and the debug key log. Confined to the offload worker thread like the engine itself.
 */
final class EngineContext {
    private static final Logger LOG = LoggerFactory.getLogger(EngineContext.class);

    private final TlsCryptoBackend backend;
    private final SecretVault vault;
    private final NssKeyLog keyLog;
    private final int maxHandshakeMessageLength;
    private final Map<HashAlgorithm, Hkdf> hkdfs = new EnumMap<>(HashAlgorithm.class);
    private final Map<HashAlgorithm, MessageDigest> digests = new EnumMap<>(HashAlgorithm.class);
    private final Map<HashAlgorithm, byte[]> emptyHashes = new EnumMap<>(HashAlgorithm.class);

    EngineContext(TlsCryptoBackend backend, SecretVault vault, NssKeyLog keyLog, int maxHandshakeMessageLength) {
        this.backend = backend;
        this.vault = vault;
        this.keyLog = keyLog;
        this.maxHandshakeMessageLength = maxHandshakeMessageLength;
        for (HashAlgorithm hash : HashAlgorithm.values()) {
            hkdfs.put(hash, new Hkdf(backend.hmac(hash)));
            MessageDigest prototype = backend.digest(hash);
            digests.put(hash, prototype);
            emptyHashes.put(hash, backend.digest(hash).digest());
        }
    }

    TlsCryptoBackend backend() {
        return backend;
    }

    SecretVault vault() {
        return vault;
    }

    int maxHandshakeMessageLength() {
        return maxHandshakeMessageLength;
    }

    Hkdf hkdf(HashAlgorithm hash) {
        return hkdfs.get(hash);
    }

    /** A fresh key schedule for one connection. */
    Tls13KeySchedule keySchedule(HashAlgorithm hash) {
        return new Tls13KeySchedule(hkdfs.get(hash), hash, emptyHashes.get(hash));
    }

    /** A fresh, empty digest for one transcript (a clone of the prototype: cheaper than a provider lookup). */
    MessageDigest digest(HashAlgorithm hash) {
        try {
            return (MessageDigest) digests.get(hash).clone();
        } catch (CloneNotSupportedException e) {
            return backend.digest(hash);
        }
    }

    /** Writes a key log line when the debug key log is on and the client random is known. */
    void keyLog(String label, byte[] clientRandom, byte[] secret, long connectionId) {
        if (!keyLog.enabled()) {
            return;
        }
        if (clientRandom == null) {
            LOG.debug("connection {}: no client random known, {} not written to the key log", connectionId, label);
            return;
        }
        keyLog.log(label, clientRandom, secret);
    }
}
