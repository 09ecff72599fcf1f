package io.quiver.dataplane.offload.tls.protocol;

/**
 * The TLS 1.3 cipher suites the offload engine implements (RFC 8446 §B.4). A suite fixes the AEAD used for
 * record protection and the hash used by the key schedule.
 */
public enum CipherSuite {
    TLS_AES_128_GCM_SHA256(0x1301, HashAlgorithm.SHA256, 16, "AES/GCM/NoPadding", "AES"),
    TLS_AES_256_GCM_SHA384(0x1302, HashAlgorithm.SHA384, 32, "AES/GCM/NoPadding", "AES"),
    TLS_CHACHA20_POLY1305_SHA256(0x1303, HashAlgorithm.SHA256, 32, "ChaCha20-Poly1305", "ChaCha20");

    /** Every TLS 1.3 AEAD here takes a 96-bit nonce (RFC 8446 §5.3: iv_length is max(8, N_MIN) = 12). */
    public static final int IV_LENGTH = 12;
    /** Every TLS 1.3 AEAD here has a 128-bit tag. */
    public static final int TAG_LENGTH = 16;

    private final int code;
    private final HashAlgorithm hash;
    private final int keyLength;
    private final String transformation;
    private final String keyAlgorithm;

    CipherSuite(int code, HashAlgorithm hash, int keyLength, String transformation, String keyAlgorithm) {
        this.code = code;
        this.hash = hash;
        this.keyLength = keyLength;
        this.transformation = transformation;
        this.keyAlgorithm = keyAlgorithm;
    }

    /** The 16-bit code point as it appears on the wire. */
    public int code() {
        return code;
    }

    public HashAlgorithm hash() {
        return hash;
    }

    /** key_length of RFC 8446 §7.3. */
    public int keyLength() {
        return keyLength;
    }

    /** The JCA Cipher transformation of the AEAD. */
    public String transformation() {
        return transformation;
    }

    /** The JCA key algorithm of the AEAD. */
    public String keyAlgorithm() {
        return keyAlgorithm;
    }

    /** The suite with this wire code, or null when the engine does not implement it. */
    public static CipherSuite fromCode(int code) {
        for (CipherSuite suite : values()) {
            if (suite.code == code) {
                return suite;
            }
        }
        return null;
    }

    /** The suite with this IANA name, e.g. {@code TLS_AES_128_GCM_SHA256}, or null. */
    public static CipherSuite fromName(String name) {
        for (CipherSuite suite : values()) {
            if (suite.name().equalsIgnoreCase(name)) {
                return suite;
            }
        }
        return null;
    }
}
