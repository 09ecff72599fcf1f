package io.quiver.dataplane.offload.tls.crypto.jdk;

import io.quiver.dataplane.offload.tls.HashAlgorithm;
import io.quiver.dataplane.offload.tls.crypto.Hmac;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/** HMAC on the JDK's {@code Mac} (SunJCE). */
public final class JdkHmac implements Hmac {
    private final Mac mac;
    private final String algorithm;

    public JdkHmac(HashAlgorithm hash) {
        try {
            this.algorithm = hash.hmacName();
            this.mac = Mac.getInstance(algorithm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + hash.hmacName(), e);
        }
    }

    @Override
    public int length() {
        return mac.getMacLength();
    }

    @Override
    public void init(byte[] key) {
        try {
            mac.init(new SecretKeySpec(key, algorithm));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC key refused", e);
        }
    }

    @Override
    public void update(byte[] data, int offset, int length) {
        mac.update(data, offset, length);
    }

    @Override
    public void doFinal(byte[] out, int offset) {
        try {
            mac.doFinal(out, offset);
        } catch (ShortBufferException e) {
            throw new IllegalArgumentException("HMAC output buffer too short", e);
        }
    }
}
