package io.quiver.dataplane.offload.tls.crypto.openssl;

import io.quiver.dataplane.offload.tls.crypto.EcdheKeyAgreement;
import io.quiver.dataplane.offload.tls.crypto.Hmac;
import io.quiver.dataplane.offload.tls.crypto.RecordAead;
import io.quiver.dataplane.offload.tls.crypto.TlsCryptoBackend;
import io.quiver.dataplane.offload.tls.crypto.jdk.JdkCryptoBackend;
import io.quiver.dataplane.offload.tls.protocol.CipherSuite;
import io.quiver.dataplane.offload.tls.protocol.HashAlgorithm;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import io.quiver.openssl.LibCrypto;
import java.security.MessageDigest;

/**
 * The key agreement on OpenSSL 3's libcrypto through FFM; HMAC, digests and the AEAD stay on the JDK, which is as
 * fast or faster for them once the cost of a native call and of OpenSSL 3's per-call provider fetch is counted
 * (measurements in docs/tls-offload.md).
 */
public final class OpenSslCryptoBackend implements TlsCryptoBackend {
    private final JdkCryptoBackend jdk = new JdkCryptoBackend();
    private OpenSslX25519KeyAgreement x25519;
    private OpenSslSecp256r1KeyAgreement secp256r1;

    /**
     * @throws IllegalStateException when libcrypto.so.3 is not usable; see {@link #unavailableReason()}
     */
    public OpenSslCryptoBackend() {
        String why = LibCrypto.unavailableReason();
        if (why != null) {
            throw new IllegalStateException(why);
        }
    }

    /** Whether libcrypto.so.3 can be loaded and has every symbol this backend binds. */
    public static boolean isAvailable() {
        return unavailableReason() == null;
    }

    /** Null when available, otherwise the reason. */
    public static String unavailableReason() {
        try {
            return LibCrypto.unavailableReason();
        } catch (Throwable t) {
            return t.toString();
        }
    }

    @Override
    public String name() {
        return "openssl-" + LibCrypto.versionString();
    }

    @Override
    public EcdheKeyAgreement keyAgreement(NamedGroup group) {
        return switch (group) {
            case X25519 -> x25519 != null ? x25519 : (x25519 = new OpenSslX25519KeyAgreement());
            case SECP256R1 -> secp256r1 != null ? secp256r1 : (secp256r1 = new OpenSslSecp256r1KeyAgreement());
        };
    }

    @Override
    public Hmac hmac(HashAlgorithm hash) {
        return jdk.hmac(hash);
    }

    @Override
    public MessageDigest digest(HashAlgorithm hash) {
        return jdk.digest(hash);
    }

    @Override
    public RecordAead aead(CipherSuite suite, byte[] key) {
        return jdk.aead(suite, key);
    }

    @Override
    public void close() {
        if (x25519 != null) {
            x25519.close();
            x25519 = null;
        }
        if (secp256r1 != null) {
            secp256r1.close();
            secp256r1 = null;
        }
        jdk.close();
    }
}
