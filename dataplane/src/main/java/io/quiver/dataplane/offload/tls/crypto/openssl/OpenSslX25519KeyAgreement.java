package io.quiver.dataplane.offload.tls.crypto.openssl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.quiver.dataplane.offload.tls.crypto.EcdheKeyAgreement;
import io.quiver.dataplane.offload.tls.crypto.KeyShareChecks;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import io.quiver.openssl.LibCrypto;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * X25519 on OpenSSL's EVP_PKEY API. Keys are imported with EVP_PKEY_fromdata from native scratch memory owned by
 * this instance. When the host gives its own key share with the private key, both are imported together: OpenSSL
 * otherwise recomputes the public key from the private one, a second scalar multiplication that halves throughput.
 */
final class OpenSslX25519KeyAgreement implements EcdheKeyAgreement {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment privateKey = arena.allocate(32);
    private final MemorySegment localShare = arena.allocate(32);
    private final MemorySegment peerShare = arena.allocate(32);
    private final MemorySegment secret = arena.allocate(32);
    private final MemorySegment secretLength = arena.allocate(JAVA_LONG);
    private final MemorySegment pkeyOut = arena.allocate(ADDRESS);
    private final MemorySegment keypairParams = arena.allocate(3 * LibCrypto.OSSL_PARAM_SIZE, 8);
    private final MemorySegment publicParams = arena.allocate(2 * LibCrypto.OSSL_PARAM_SIZE, 8);
    private final MemorySegment importContext;

    OpenSslX25519KeyAgreement() {
        MemorySegment privName = arena.allocateFrom("priv");
        MemorySegment pubName = arena.allocateFrom("pub");
        octetParam(keypairParams, 0, privName, privateKey);
        octetParam(keypairParams, 1, pubName, localShare);
        endParam(keypairParams, 2);
        octetParam(publicParams, 0, pubName, peerShare);
        endParam(publicParams, 1);
        importContext = LibCrypto.evpPkeyCtxNewFromName(arena.allocateFrom("X25519"));
        if (importContext.address() == 0 || LibCrypto.evpPkeyFromdataInit(importContext) != 1) {
            if (importContext.address() != 0) {
                LibCrypto.evpPkeyCtxFree(importContext);
            }
            arena.close();
            throw new IllegalStateException("OpenSSL cannot import X25519 keys");
        }
    }

    static void octetParam(MemorySegment params, int index, MemorySegment name, MemorySegment data) {
        long base = index * LibCrypto.OSSL_PARAM_SIZE;
        params.set(ADDRESS, base, name);
        params.set(JAVA_INT, base + 8, LibCrypto.OSSL_PARAM_OCTET_STRING);
        params.set(ADDRESS, base + 16, data);
        params.set(JAVA_LONG, base + 24, data.byteSize());
        params.set(JAVA_LONG, base + 32, LibCrypto.OSSL_PARAM_UNMODIFIED);
    }

    static void endParam(MemorySegment params, int index) {
        params.asSlice(index * LibCrypto.OSSL_PARAM_SIZE, LibCrypto.OSSL_PARAM_SIZE).fill((byte) 0);
    }

    @Override
    public NamedGroup group() {
        return NamedGroup.X25519;
    }

    @Override
    public FailureReason agree(byte[] privKey, byte[] localKeyShare, byte[] peerKeyShare, byte[] sharedSecret) {
        FailureReason bad = KeyShareChecks.check(NamedGroup.X25519, privKey, localKeyShare, peerKeyShare);
        if (bad != null) {
            return bad;
        }
        MemorySegment.copy(privKey, 0, privateKey, JAVA_BYTE, 0, 32);
        MemorySegment.copy(peerKeyShare, 0, peerShare, JAVA_BYTE, 0, 32);
        MemorySegment local = MemorySegment.NULL;
        MemorySegment peer = MemorySegment.NULL;
        MemorySegment ctx = MemorySegment.NULL;
        try {
            if (localKeyShare != null) {
                MemorySegment.copy(localKeyShare, 0, localShare, JAVA_BYTE, 0, 32);
                local = importKey(keypairParams, LibCrypto.EVP_PKEY_KEYPAIR);
            } else {
                local = LibCrypto.evpPkeyNewRawPrivateKey(LibCrypto.NID_X25519, privateKey, 32);
            }
            peer = importKey(publicParams, LibCrypto.EVP_PKEY_PUBLIC_KEY);
            if (local.address() == 0 || peer.address() == 0) {
                return FailureReason.BACKEND_FAILURE;
            }
            ctx = LibCrypto.evpPkeyCtxNewFromPkey(local);
            if (ctx.address() == 0 || LibCrypto.evpPkeyDeriveInit(ctx) != 1
                    || LibCrypto.evpPkeyDeriveSetPeerEx(ctx, peer, 0) != 1) {
                return FailureReason.BACKEND_FAILURE;
            }
            secretLength.set(JAVA_LONG, 0, 32);
            if (LibCrypto.evpPkeyDerive(ctx, secret, secretLength) != 1) {
                // with valid lengths the only refusal left is RFC 7748's all-zero output: a small-order point
                return FailureReason.LOW_ORDER_POINT;
            }
            MemorySegment.copy(secret, JAVA_BYTE, 0, sharedSecret, 0, 32);
            return KeyShareChecks.isZero(sharedSecret) ? FailureReason.LOW_ORDER_POINT : null;
        } finally {
            if (ctx.address() != 0) {
                LibCrypto.evpPkeyCtxFree(ctx);
            }
            if (peer.address() != 0) {
                LibCrypto.evpPkeyFree(peer);
            }
            if (local.address() != 0) {
                LibCrypto.evpPkeyFree(local);
            }
            privateKey.fill((byte) 0);
            secret.fill((byte) 0);
            LibCrypto.errClearError();
        }
    }

    private MemorySegment importKey(MemorySegment params, int selection) {
        pkeyOut.set(ADDRESS, 0, MemorySegment.NULL);
        if (LibCrypto.evpPkeyFromdata(importContext, pkeyOut, selection, params) != 1) {
            return MemorySegment.NULL;
        }
        return pkeyOut.get(ADDRESS, 0);
    }

    void close() {
        LibCrypto.evpPkeyCtxFree(importContext);
        arena.close();
    }
}
