package io.quiver.dataplane.offload.tls.crypto;

import io.quiver.dataplane.offload.tls.protocol.CipherSuite;
import io.quiver.dataplane.offload.tls.protocol.HashAlgorithm;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import java.security.MessageDigest;

/**
 * The cryptographic primitives the offload engine needs, behind one interface so that the engine does not know
 * whether the JDK's providers or OpenSSL's libcrypto compute them. An instance and everything it hands out is
 * confined to one thread (the offload worker); it may keep native scratch memory until {@link #close()}.
 */
public interface TlsCryptoBackend extends AutoCloseable {
    /** A short name for logs and benchmark reports, e.g. {@code openssl-3.0.22} or {@code jdk}. */
    String name();

    /** The (EC)DHE key agreement of this group. */
    EcdheKeyAgreement keyAgreement(NamedGroup group);

    /** A fresh HMAC of this hash. */
    Hmac hmac(HashAlgorithm hash);

    /** A fresh message digest of this hash, for the transcript hash. */
    MessageDigest digest(HashAlgorithm hash);

    /** The AEAD of this suite keyed with {@code key}; the caller destroys it when the key is retired. */
    RecordAead aead(CipherSuite suite, byte[] key);

    @Override
    void close();
}
