package io.quiver.dataplane.offload.tls.crypto;

/**
 * The AEAD of a cipher suite bound to one traffic key (RFC 8446 §5.2). The record layer supplies the per-record
 * nonce and the additional data; this interface only encrypts and authenticates.
 */
public interface RecordAead {
    /** Encrypts {@code length} bytes and appends the tag; returns the bytes written ({@code length} + 16). */
    int seal(byte[] nonce, byte[] aad, byte[] in, int offset, int length, byte[] out, int outOffset);

    /** Checks the tag and decrypts; returns the plaintext length, or -1 when the record does not authenticate. */
    int open(byte[] nonce, byte[] aad, byte[] in, int offset, int length, byte[] out, int outOffset);

    /** Forgets the key as far as the backend allows. */
    void destroy();
}
