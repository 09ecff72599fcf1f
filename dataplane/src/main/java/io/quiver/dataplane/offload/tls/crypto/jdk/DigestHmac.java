package io.quiver.dataplane.offload.tls.crypto.jdk;

import io.quiver.dataplane.offload.tls.crypto.Hmac;
import io.quiver.dataplane.offload.tls.protocol.HashAlgorithm;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC (RFC 2104) written out over two reused JDK message digests: H((K ^ opad) || H((K ^ ipad) || m)). The key
 * schedule re-keys HMAC for almost every call, and {@code Mac.init} costs more than the two extra compression blocks
 * (a SecretKeySpec per key, JCE checks); measured in docs/tls-offload.md.
 */
public final class DigestHmac implements Hmac {
    private static final byte IPAD = 0x36;
    private static final byte OPAD = 0x5c;

    private final MessageDigest inner;
    private final MessageDigest outer;
    private final int blockLength;
    private final int length;
    private final byte[] pad;
    private final byte[] innerHash;
    /** Whether the digests hold input since their last digest() (which resets them). */
    private boolean dirty;

    public DigestHmac(HashAlgorithm hash) {
        try {
            inner = MessageDigest.getInstance(hash.digestName());
            outer = MessageDigest.getInstance(hash.digestName());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks " + hash.digestName(), e);
        }
        blockLength = hash.blockLength();
        length = hash.length();
        pad = new byte[blockLength];
        innerHash = new byte[length];
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public void init(byte[] key) {
        if (dirty) {
            inner.reset();
            outer.reset();
        }
        dirty = true;
        Arrays.fill(pad, (byte) 0);
        if (key.length > blockLength) {
            byte[] digest = inner.digest(key);
            System.arraycopy(digest, 0, pad, 0, digest.length);
            Arrays.fill(digest, (byte) 0);
        } else {
            System.arraycopy(key, 0, pad, 0, key.length);
        }
        for (int i = 0; i < blockLength; i++) {
            pad[i] ^= IPAD;
        }
        inner.update(pad);
        for (int i = 0; i < blockLength; i++) {
            pad[i] ^= (byte) (IPAD ^ OPAD);
        }
        outer.update(pad);
        Arrays.fill(pad, (byte) 0);
    }

    @Override
    public void update(byte[] data, int offset, int count) {
        inner.update(data, offset, count);
    }

    @Override
    public void doFinal(byte[] out, int offset) {
        try {
            inner.digest(innerHash, 0, length);
            outer.update(innerHash, 0, length);
            outer.digest(out, offset, length);
            dirty = false;
        } catch (DigestException e) {
            throw new IllegalArgumentException("HMAC output buffer too short", e);
        } finally {
            Arrays.fill(innerHash, (byte) 0);
        }
    }
}
