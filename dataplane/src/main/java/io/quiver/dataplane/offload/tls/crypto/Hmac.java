package io.quiver.dataplane.offload.tls.crypto;

/** HMAC (RFC 2104) over the hash of a suite; reusable: {@link #init} starts a new MAC with a new key. */
public interface Hmac {
    /** The output length, Hash.length. */
    int length();

    void init(byte[] key);

    void update(byte[] data, int offset, int length);

    /** Writes the MAC into {@code out} at {@code offset}; the instance then needs {@link #init} again. */
    void doFinal(byte[] out, int offset);
}
