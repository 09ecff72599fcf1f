package io.quiver.dataplane.offload.tls.handshake;

import java.security.MessageDigest;

/**
 * Transcript-Hash over the handshake messages so far (RFC 8446 §4.4.1), kept as a running digest so that each
 * message is hashed once; the hash at any point is taken from a clone.
 */
public final class RunningTranscript {
    private final MessageDigest digest;

    public RunningTranscript(MessageDigest digest) {
        this.digest = digest;
    }

    public void add(byte[] message) {
        digest.update(message);
    }

    public void add(HandshakeMessage message) {
        digest.update(message.bytes(), message.offset(), message.length());
    }

    /** Transcript-Hash of everything added so far. */
    public byte[] currentHash() {
        try {
            return ((MessageDigest) digest.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("digest cannot be cloned", e);
        }
    }

    /** Transcript-Hash of everything so far followed by {@code extra[0..length)}, without adding it. */
    public byte[] hashWith(byte[] extra, int length) {
        return hashWith(extra, 0, length);
    }

    /** The same, with {@code extra[offset, offset + length)}. */
    public byte[] hashWith(byte[] extra, int offset, int length) {
        try {
            MessageDigest copy = (MessageDigest) digest.clone();
            copy.update(extra, offset, length);
            return copy.digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("digest cannot be cloned", e);
        }
    }

    /**
     * After a HelloRetryRequest, ClientHello1 is replaced by the synthetic message_hash message
     * (RFC 8446 §4.4.1): handshake type 254, length Hash.length, body Hash(ClientHello1).
     */
    public void replaceWithMessageHash() {
        byte[] clientHello1Hash = digest.digest();
        digest.reset();
        int n = clientHello1Hash.length;
        digest.update(new byte[] {(byte) HandshakeType.MESSAGE_HASH.code(), 0, 0, (byte) n});
        digest.update(clientHello1Hash);
    }
}
