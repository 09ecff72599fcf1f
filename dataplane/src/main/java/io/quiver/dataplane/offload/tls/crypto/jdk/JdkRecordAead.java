package io.quiver.dataplane.offload.tls.crypto.jdk;

import io.quiver.dataplane.offload.tls.crypto.RecordAead;
import io.quiver.dataplane.offload.tls.protocol.CipherSuite;
import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.DestroyFailedException;

/** AES-GCM or ChaCha20-Poly1305 on the JDK's {@code Cipher}; a fresh nonce per record, as TLS 1.3 gives. */
public final class JdkRecordAead implements RecordAead {
    private final CipherSuite suite;
    private final SecretKeySpec key;
    private final Cipher cipher;

    public JdkRecordAead(CipherSuite suite, byte[] key) {
        this.suite = suite;
        this.key = new SecretKeySpec(key, suite.keyAlgorithm());
        try {
            this.cipher = Cipher.getInstance(suite.transformation());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + suite.transformation(), e);
        }
    }

    private AlgorithmParameterSpec spec(byte[] nonce) {
        return suite == CipherSuite.TLS_CHACHA20_POLY1305_SHA256
                ? new IvParameterSpec(nonce)
                : new GCMParameterSpec(CipherSuite.TAG_LENGTH * 8, nonce);
    }

    @Override
    public int seal(byte[] nonce, byte[] aad, byte[] in, int offset, int length, byte[] out, int outOffset) {
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, spec(nonce));
            cipher.updateAAD(aad);
            return cipher.doFinal(in, offset, length, out, outOffset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AEAD seal failed", e);
        }
    }

    @Override
    public int open(byte[] nonce, byte[] aad, byte[] in, int offset, int length, byte[] out, int outOffset) {
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, spec(nonce));
            cipher.updateAAD(aad);
            return cipher.doFinal(in, offset, length, out, outOffset);
        } catch (AEADBadTagException e) {
            return -1;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AEAD open failed", e);
        }
    }

    @Override
    public void destroy() {
        try {
            key.destroy();
        } catch (DestroyFailedException e) {
            // SecretKeySpec cannot be destroyed on every JDK; the engine drops its reference anyway
        }
    }
}
