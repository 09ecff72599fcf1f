package io.quiver.dataplane.offload.tls.crypto.jdk;

import io.quiver.dataplane.offload.tls.crypto.EcdheKeyAgreement;
import io.quiver.dataplane.offload.tls.crypto.KeyShareChecks;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;

/** X25519 (RFC 7748) on the JDK's XDH provider. */
public final class JdkX25519KeyAgreement implements EcdheKeyAgreement {
    private final KeyFactory keyFactory;
    private final KeyAgreement keyAgreement;

    public JdkX25519KeyAgreement() {
        try {
            keyFactory = KeyFactory.getInstance("XDH");
            keyAgreement = KeyAgreement.getInstance("XDH");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks XDH", e);
        }
    }

    @Override
    public NamedGroup group() {
        return NamedGroup.X25519;
    }

    @Override
    public FailureReason agree(byte[] privateKey, byte[] localKeyShare, byte[] peerKeyShare, byte[] sharedSecret) {
        FailureReason bad = KeyShareChecks.check(NamedGroup.X25519, privateKey, localKeyShare, peerKeyShare);
        if (bad != null) {
            return bad;
        }
        try {
            PrivateKey priv = keyFactory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey));
            PublicKey pub = keyFactory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, uCoordinate(peerKeyShare)));
            keyAgreement.init(priv);
            keyAgreement.doPhase(pub, true);
            keyAgreement.generateSecret(sharedSecret, 0);
        } catch (InvalidKeyException e) {
            // the JDK refuses small-order points itself ("Point has small order")
            return FailureReason.LOW_ORDER_POINT;
        } catch (GeneralSecurityException | IllegalStateException e) {
            return FailureReason.BACKEND_FAILURE;
        }
        return KeyShareChecks.isZero(sharedSecret) ? FailureReason.LOW_ORDER_POINT : null;
    }

    /** RFC 7748 §5: little-endian u, the top bit of the last byte masked. */
    private static BigInteger uCoordinate(byte[] share) {
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) {
            be[i] = share[31 - i];
        }
        be[0] &= 0x7f;
        return new BigInteger(1, be);
    }
}
