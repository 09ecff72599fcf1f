package io.quiver.dataplane.offload.tls.crypto.jdk;

import io.quiver.dataplane.offload.tls.crypto.EcdheKeyAgreement;
import io.quiver.dataplane.offload.tls.crypto.KeyShareChecks;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;

/** ECDH over secp256r1 on the JDK's EC provider; the point is checked against the curve equation first. */
public final class JdkSecp256r1KeyAgreement implements EcdheKeyAgreement {
    private static final BigInteger P = new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
    private static final BigInteger B = new BigInteger("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16);
    private static final BigInteger THREE = BigInteger.valueOf(3);

    private final ECParameterSpec params;
    private final KeyFactory keyFactory;
    private final KeyAgreement keyAgreement;

    public JdkSecp256r1KeyAgreement() {
        try {
            AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
            ap.init(new ECGenParameterSpec("secp256r1"));
            params = ap.getParameterSpec(ECParameterSpec.class);
            keyFactory = KeyFactory.getInstance("EC");
            keyAgreement = KeyAgreement.getInstance("ECDH");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks secp256r1 ECDH", e);
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
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(peerKeyShare, 1, 33));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(peerKeyShare, 33, 65));
        if (!onCurve(x, y)) {
            return FailureReason.POINT_NOT_ON_CURVE;
        }
        try {
            PrivateKey priv = keyFactory.generatePrivate(new ECPrivateKeySpec(new BigInteger(1, privateKey), params));
            PublicKey pub = keyFactory.generatePublic(new ECPublicKeySpec(new ECPoint(x, y), params));
            keyAgreement.init(priv);
            keyAgreement.doPhase(pub, true);
            keyAgreement.generateSecret(sharedSecret, 0);
            return null;
        } catch (GeneralSecurityException | IllegalStateException e) {
            return FailureReason.BACKEND_FAILURE;
        }
    }

    /** y^2 = x^3 - 3x + b (mod p). */
    private static boolean onCurve(BigInteger x, BigInteger y) {
        BigInteger left = y.multiply(y).mod(P);
        BigInteger right = x.multiply(x).mod(P).multiply(x).subtract(THREE.multiply(x)).add(B).mod(P);
        return left.equals(right);
    }
}
