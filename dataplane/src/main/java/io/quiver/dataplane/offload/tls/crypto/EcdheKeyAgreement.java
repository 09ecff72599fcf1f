package io.quiver.dataplane.offload.tls.crypto;

import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;

/**
 * The (EC)DHE of one named group (RFC 8446 §7.4): the shared secret from the local ephemeral private key and the
 * peer's key share. Implementations validate every input and report a bad one by its reason; they never throw for
 * bad input and never log key material.
 */
public interface EcdheKeyAgreement {
    NamedGroup group();

    /**
     * Computes the shared secret into {@code sharedSecret} ({@link NamedGroup#sharedSecretLength()} bytes).
     *
     * @param privateKey    the local private key, exactly {@link NamedGroup#privateKeyLength()} bytes
     * @param localKeyShare the local key share when the host knows it (it spares the backend a public-key
     *                      computation), or null
     * @param peerKeyShare  the peer's KeyShareEntry.key_exchange
     * @return null on success, otherwise why the inputs were refused
     */
    FailureReason agree(byte[] privateKey, byte[] localKeyShare, byte[] peerKeyShare, byte[] sharedSecret);
}
