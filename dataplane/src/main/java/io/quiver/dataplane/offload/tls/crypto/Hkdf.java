package io.quiver.dataplane.offload.tls.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * HKDF (RFC 5869) and the TLS 1.3 labelled expansion HKDF-Expand-Label (RFC 8446 §7.1) over one {@link Hmac}.
 * Not thread-safe: it reuses its HMAC and a label buffer.
 */
public final class Hkdf {
    private static final byte[] TLS13_PREFIX = "tls13 ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY = new byte[0];

    private final Hmac hmac;
    private final int hashLength;
    private final byte[] info = new byte[2 + 1 + 255 + 1 + 255];
    private final byte[] block;
    private final byte[] counter = new byte[1];

    public Hkdf(Hmac hmac) {
        this.hmac = hmac;
        this.hashLength = hmac.length();
        this.block = new byte[hashLength];
    }

    /** HKDF-Extract(salt, IKM); a null or empty salt is Hash.length zeros. */
    public byte[] extract(byte[] salt, byte[] ikm) {
        hmac.init(salt == null || salt.length == 0 ? new byte[hashLength] : salt);
        hmac.update(ikm, 0, ikm.length);
        byte[] prk = new byte[hashLength];
        hmac.doFinal(prk, 0);
        return prk;
    }

    /** HKDF-Expand(PRK, info, L) with the info in {@code info[0..infoLength)}. */
    public byte[] expand(byte[] prk, byte[] infoBytes, int infoLength, int length) {
        if (length > 255 * hashLength) {
            throw new IllegalArgumentException("HKDF-Expand length too large: " + length);
        }
        byte[] out = new byte[length];
        int produced = 0;
        for (int i = 1; produced < length; i++) {
            hmac.init(prk);
            if (i > 1) {
                hmac.update(block, 0, hashLength);
            }
            hmac.update(infoBytes, 0, infoLength);
            counter[0] = (byte) i;
            hmac.update(counter, 0, 1);
            hmac.doFinal(block, 0);
            int n = Math.min(hashLength, length - produced);
            System.arraycopy(block, 0, out, produced, n);
            produced += n;
        }
        Arrays.fill(block, (byte) 0);
        return out;
    }

    /**
     * HKDF-Expand-Label(Secret, Label, Context, Length): the HkdfLabel is uint16 length, opaque label&lt;7..255&gt;
     * ("tls13 " + Label) and opaque context&lt;0..255&gt;.
     *
     * @param label the label without the "tls13 " prefix, in ASCII
     */
    public byte[] expandLabel(byte[] secret, byte[] label, byte[] context, int length) {
        byte[] ctx = context == null ? EMPTY : context;
        int labelLength = TLS13_PREFIX.length + label.length;
        if (labelLength > 255 || ctx.length > 255 || length > 0xffff) {
            throw new IllegalArgumentException("HkdfLabel field too long");
        }
        int p = 0;
        info[p++] = (byte) (length >>> 8);
        info[p++] = (byte) length;
        info[p++] = (byte) labelLength;
        System.arraycopy(TLS13_PREFIX, 0, info, p, TLS13_PREFIX.length);
        p += TLS13_PREFIX.length;
        System.arraycopy(label, 0, info, p, label.length);
        p += label.length;
        info[p++] = (byte) ctx.length;
        System.arraycopy(ctx, 0, info, p, ctx.length);
        p += ctx.length;
        return expand(secret, info, p, length);
    }

    /** Derive-Secret(Secret, Label, Messages) given Transcript-Hash(Messages). */
    public byte[] deriveSecret(byte[] secret, byte[] label, byte[] transcriptHash) {
        return expandLabel(secret, label, transcriptHash, hashLength);
    }

    /** A label as ASCII bytes, for the constants callers keep. */
    public static byte[] label(String label) {
        return label.getBytes(StandardCharsets.US_ASCII);
    }
}
