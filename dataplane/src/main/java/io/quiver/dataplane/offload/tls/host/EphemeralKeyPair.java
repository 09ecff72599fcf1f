package io.quiver.dataplane.offload.tls.host;

import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.NamedParameterSpec;

/**
 * A host's ephemeral (EC)DHE key pair in wire form: the private key the offload request carries and the key share
 * the host puts in its hello. Generated with the JDK; the appliance never generates the host's keys.
 *
 * @param privateKey X25519: the 32-byte scalar; secp256r1: the 32-byte big-endian scalar
 * @param keyShare   X25519: the 32-byte u-coordinate; secp256r1: the 65-byte uncompressed point
 */
public record EphemeralKeyPair(NamedGroup group, byte[] privateKey, byte[] keyShare) {

    public static EphemeralKeyPair generate(NamedGroup group, SecureRandom random) {
        try {
            return switch (group) {
                case X25519 -> x25519(random);
                case SECP256R1 -> secp256r1(random);
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + group + " key pair", e);
        }
    }

    private static EphemeralKeyPair x25519(SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("XDH");
        generator.initialize(NamedParameterSpec.X25519, random);
        KeyPair pair = generator.generateKeyPair();
        byte[] scalar = ((XECPrivateKey) pair.getPrivate()).getScalar().orElseThrow();
        byte[] u = littleEndian(((XECPublicKey) pair.getPublic()).getU(), 32);
        return new EphemeralKeyPair(NamedGroup.X25519, scalar, u);
    }

    private static EphemeralKeyPair secp256r1(SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        KeyPair pair = generator.generateKeyPair();
        byte[] scalar = bigEndian(((ECPrivateKey) pair.getPrivate()).getS(), 32);
        ECPublicKey pub = (ECPublicKey) pair.getPublic();
        byte[] share = new byte[65];
        share[0] = 0x04;
        System.arraycopy(bigEndian(pub.getW().getAffineX(), 32), 0, share, 1, 32);
        System.arraycopy(bigEndian(pub.getW().getAffineY(), 32), 0, share, 33, 32);
        return new EphemeralKeyPair(NamedGroup.SECP256R1, scalar, share);
    }

    static byte[] bigEndian(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return out;
    }

    static byte[] littleEndian(BigInteger value, int length) {
        byte[] be = bigEndian(value, length);
        byte[] le = new byte[length];
        for (int i = 0; i < length; i++) {
            le[i] = be[length - 1 - i];
        }
        return le;
    }

    @Override
    public String toString() {
        return "EphemeralKeyPair[" + group + "]";
    }
}
