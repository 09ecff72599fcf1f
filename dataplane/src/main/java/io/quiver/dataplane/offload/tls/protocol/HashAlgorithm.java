package io.quiver.dataplane.offload.tls.protocol;

/** The hash of a TLS 1.3 cipher suite: it drives HKDF, the transcript hash and the Finished MAC (RFC 8446 §7.1). */
public enum HashAlgorithm {
    SHA256(32, "SHA-256", "HmacSHA256"),
    SHA384(48, "SHA-384", "HmacSHA384");

    private final int length;
    private final String digestName;
    private final String hmacName;

    HashAlgorithm(int length, String digestName, String hmacName) {
        this.length = length;
        this.digestName = digestName;
        this.hmacName = hmacName;
    }

    /** Hash.length of RFC 8446: the size of every secret derived with this hash. */
    public int length() {
        return length;
    }

    /** The JCA MessageDigest name. */
    public String digestName() {
        return digestName;
    }

    /** The JCA Mac name. */
    public String hmacName() {
        return hmacName;
    }

    /** HMAC block size: 64 bytes for SHA-256, 128 for SHA-384. */
    public int blockLength() {
        return this == SHA256 ? 64 : 128;
    }
}
