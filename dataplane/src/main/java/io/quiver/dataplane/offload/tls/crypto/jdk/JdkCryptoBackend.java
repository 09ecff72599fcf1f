package io.quiver.dataplane.offload.tls.crypto.jdk;

import io.quiver.dataplane.offload.tls.crypto.EcdheKeyAgreement;
import io.quiver.dataplane.offload.tls.crypto.Hmac;
import io.quiver.dataplane.offload.tls.crypto.RecordAead;
import io.quiver.dataplane.offload.tls.crypto.TlsCryptoBackend;
import io.quiver.dataplane.offload.tls.protocol.CipherSuite;
import io.quiver.dataplane.offload.tls.protocol.HashAlgorithm;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Everything on the JDK's own providers (SunEC, SunJCE, SUN): portable, no native code. Also the source of HMAC,
 * digests and AEAD for the OpenSSL backend, whose native calls only pay off for the key agreement
 * (see docs/tls-offload.md).
 */
public final class JdkCryptoBackend implements TlsCryptoBackend {
    private EcdheKeyAgreement x25519;
    private EcdheKeyAgreement secp256r1;

    @Override
    public String name() {
        return "jdk-" + Runtime.version().feature();
    }

    @Override
    public EcdheKeyAgreement keyAgreement(NamedGroup group) {
        return switch (group) {
            case X25519 -> x25519 != null ? x25519 : (x25519 = new JdkX25519KeyAgreement());
            case SECP256R1 -> secp256r1 != null ? secp256r1 : (secp256r1 = new JdkSecp256r1KeyAgreement());
        };
    }

    @Override
    public Hmac hmac(HashAlgorithm hash) {
        return new DigestHmac(hash);
    }

    @Override
    public MessageDigest digest(HashAlgorithm hash) {
        try {
            return MessageDigest.getInstance(hash.digestName());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks " + hash.digestName(), e);
        }
    }

    @Override
    public RecordAead aead(CipherSuite suite, byte[] key) {
        return new JdkRecordAead(suite, key);
    }

    @Override
    public void close() {
        x25519 = null;
        secp256r1 = null;
    }
}
