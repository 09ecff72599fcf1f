package io.quiver.dataplane.offload.tls;

import io.quiver.dataplane.offload.tls.crypto.TlsCryptoBackend;
import io.quiver.dataplane.offload.tls.crypto.jdk.JdkCryptoBackend;
import io.quiver.dataplane.offload.tls.crypto.openssl.OpenSslCryptoBackend;
import java.util.Locale;

/**
 * Picks the crypto backend. {@link Choice#AUTO} takes OpenSSL's libcrypto when it loads, because it measured 3x
 * (X25519) and 20x (secp256r1) faster than the JDK's providers for the key agreement on the appliance
 * (docs/tls-offload.md), and falls back to the JDK otherwise.
 */
public final class CryptoBackends {
    private CryptoBackends() {
    }

    public enum Choice {
        AUTO,
        JDK,
        OPENSSL;

        public static Choice parse(String name) {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        }
    }

    /** A new backend instance (one per worker thread). */
    public static TlsCryptoBackend create(Choice choice) {
        return switch (choice) {
            case JDK -> new JdkCryptoBackend();
            case OPENSSL -> new OpenSslCryptoBackend();
            case AUTO -> OpenSslCryptoBackend.isAvailable() ? new OpenSslCryptoBackend() : new JdkCryptoBackend();
        };
    }
}
