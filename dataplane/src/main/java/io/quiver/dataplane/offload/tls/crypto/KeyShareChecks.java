package io.quiver.dataplane.offload.tls.crypto;

import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import java.util.Arrays;

/**
 * The input checks every backend applies before any arithmetic: lengths (RFC 8446 §4.2.8.2), the uncompressed point
 * format and coordinate range for secp256r1, the private scalar range, and the all-zero X25519 result
 * (RFC 8446 §7.4.2, RFC 7748 §6.1). Point-on-curve membership is left to the backend, which computes it anyway.
 */
public final class KeyShareChecks {
    /** secp256r1 field prime p, big-endian. */
    static final byte[] P256_P = hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
    /** secp256r1 group order n, big-endian. */
    static final byte[] P256_N = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");

    private static final int UNCOMPRESSED = 0x04;

    private KeyShareChecks() {
    }

    /** Checks lengths and formats for {@code group}; null when they pass. */
    public static FailureReason check(NamedGroup group, byte[] privateKey, byte[] localKeyShare, byte[] peerKeyShare) {
        if (privateKey == null || privateKey.length != group.privateKeyLength()) {
            return FailureReason.BAD_PRIVATE_KEY_LENGTH;
        }
        if (peerKeyShare == null) {
            return FailureReason.MISSING_PARAMETER;
        }
        return switch (group) {
            case X25519 -> checkX25519(peerKeyShare, localKeyShare);
            case SECP256R1 -> checkSecp256r1(privateKey, peerKeyShare, localKeyShare);
        };
    }

    /** Checks only the length and encoding of a key share of {@code group} (no arithmetic); null when it passes. */
    public static FailureReason checkEncoding(NamedGroup group, byte[] share) {
        return switch (group) {
            case X25519 -> share.length == NamedGroup.X25519.keyShareLength() ? null : FailureReason.BAD_KEY_SHARE_LENGTH;
            case SECP256R1 -> checkUncompressedPoint(share);
        };
    }

    private static FailureReason checkX25519(byte[] peer, byte[] local) {
        int length = NamedGroup.X25519.keyShareLength();
        if (peer.length != length || (local != null && local.length != length)) {
            return FailureReason.BAD_KEY_SHARE_LENGTH;
        }
        return null;
    }

    private static FailureReason checkSecp256r1(byte[] privateKey, byte[] peer, byte[] local) {
        FailureReason peerFormat = checkUncompressedPoint(peer);
        if (peerFormat != null) {
            return peerFormat;
        }
        if (local != null && checkUncompressedPoint(local) != null) {
            return FailureReason.BAD_KEY_SHARE_LENGTH;
        }
        if (isZero(privateKey) || Arrays.compareUnsigned(privateKey, P256_N) >= 0) {
            return FailureReason.PRIVATE_KEY_OUT_OF_RANGE;
        }
        if (Arrays.compareUnsigned(peer, 1, 33, P256_P, 0, 32) >= 0
                || Arrays.compareUnsigned(peer, 33, 65, P256_P, 0, 32) >= 0) {
            return FailureReason.POINT_NOT_ON_CURVE;
        }
        return null;
    }

    private static FailureReason checkUncompressedPoint(byte[] point) {
        if (point.length == 33 && (point[0] == 0x02 || point[0] == 0x03)) {
            return FailureReason.UNSUPPORTED_POINT_FORMAT;
        }
        if (point.length != NamedGroup.SECP256R1.keyShareLength()) {
            return FailureReason.BAD_KEY_SHARE_LENGTH;
        }
        if (point[0] != UNCOMPRESSED) {
            return FailureReason.UNSUPPORTED_POINT_FORMAT;
        }
        return null;
    }

    /** Constant-time test for an all-zero array: an X25519 result of zero means a small-order peer point. */
    public static boolean isZero(byte[] bytes) {
        int acc = 0;
        for (byte b : bytes) {
            acc |= b;
        }
        return acc == 0;
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }
}
