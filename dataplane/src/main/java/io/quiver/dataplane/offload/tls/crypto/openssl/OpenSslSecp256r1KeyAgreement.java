package io.quiver.dataplane.offload.tls.crypto.openssl;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import io.quiver.dataplane.offload.tls.crypto.EcdheKeyAgreement;
import io.quiver.dataplane.offload.tls.crypto.KeyShareChecks;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import io.quiver.openssl.LibCrypto;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * ECDH over secp256r1 on OpenSSL's EC_KEY API. It is deprecated in OpenSSL 3 but still exported by libcrypto.so.3,
 * and it is the path {@code openssl speed ecdhp256} measures: one EC_KEY and one EC_POINT are reused for every
 * handshake, EC_POINT_oct2point refuses points off the curve, ECDH_compute_key does the P-256 assembly multiply.
 * The EVP route re-validates the peer with a full scalar multiplication (n·Q), which costs a second handshake's worth.
 */
final class OpenSslSecp256r1KeyAgreement implements EcdheKeyAgreement {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scalar = arena.allocate(32);
    private final MemorySegment one = arena.allocate(1);
    private final MemorySegment encodedPoint = arena.allocate(65);
    private final MemorySegment secret = arena.allocate(32);
    private final MemorySegment key;
    private final MemorySegment group;
    private final MemorySegment point;

    OpenSslSecp256r1KeyAgreement() {
        one.set(JAVA_BYTE, 0, (byte) 1);
        key = LibCrypto.ecKeyNewByCurveName(LibCrypto.NID_X9_62_PRIME256V1);
        if (key.address() == 0) {
            arena.close();
            throw new IllegalStateException("OpenSSL has no prime256v1");
        }
        group = LibCrypto.ecKeyGet0Group(key);
        point = group.address() == 0 ? MemorySegment.NULL : LibCrypto.ecPointNew(group);
        if (point.address() == 0) { // else every agreement would blame the peer's share for a local failure
            LibCrypto.ecKeyFree(key);
            arena.close();
            throw new IllegalStateException("OpenSSL cannot make a prime256v1 point");
        }
    }

    @Override
    public NamedGroup group() {
        return NamedGroup.SECP256R1;
    }

    @Override
    public FailureReason agree(byte[] privateKey, byte[] localKeyShare, byte[] peerKeyShare, byte[] sharedSecret) {
        FailureReason bad = KeyShareChecks.check(NamedGroup.SECP256R1, privateKey, localKeyShare, peerKeyShare);
        if (bad != null) {
            return bad;
        }
        MemorySegment.copy(peerKeyShare, 0, encodedPoint, JAVA_BYTE, 0, 65);
        if (LibCrypto.ecPointOct2point(group, point, encodedPoint, 65) != 1) {
            LibCrypto.errClearError();
            return FailureReason.POINT_NOT_ON_CURVE;
        }
        MemorySegment.copy(privateKey, 0, scalar, JAVA_BYTE, 0, 32);
        try {
            if (LibCrypto.ecKeyOct2priv(key, scalar, 32) != 1) {
                return FailureReason.PRIVATE_KEY_OUT_OF_RANGE;
            }
            if (LibCrypto.ecdhComputeKey(secret, 32, point, key) != 32) {
                return FailureReason.BACKEND_FAILURE;
            }
            MemorySegment.copy(secret, JAVA_BYTE, 0, sharedSecret, 0, 32);
            return null;
        } finally {
            // do not leave this handshake's scalar in the reused EC_KEY or in scratch memory
            LibCrypto.ecKeyOct2priv(key, one, 1);
            scalar.fill((byte) 0);
            secret.fill((byte) 0);
            LibCrypto.errClearError();
        }
    }

    void close() {
        LibCrypto.ecPointFree(point);
        LibCrypto.ecKeyFree(key);
        arena.close();
    }
}
