package io.quiver.dataplane.offload.tls.protocol;

/**
 * The (EC)DHE groups the engine implements (RFC 8446 §4.2.7), with the exact sizes of a private key and of a key
 * share on the wire (§4.2.8.2: X25519 shares are 32 bytes, secp256r1 shares are the 65-byte uncompressed point).
 */
public enum NamedGroup {
    SECP256R1(0x0017, 32, 65, 32),
    X25519(0x001d, 32, 32, 32);

    private final int code;
    private final int privateKeyLength;
    private final int keyShareLength;
    private final int sharedSecretLength;

    NamedGroup(int code, int privateKeyLength, int keyShareLength, int sharedSecretLength) {
        this.code = code;
        this.privateKeyLength = privateKeyLength;
        this.keyShareLength = keyShareLength;
        this.sharedSecretLength = sharedSecretLength;
    }

    public int code() {
        return code;
    }

    public int privateKeyLength() {
        return privateKeyLength;
    }

    public int keyShareLength() {
        return keyShareLength;
    }

    public int sharedSecretLength() {
        return sharedSecretLength;
    }

    /** The group with this wire code, or null when the engine does not implement it. */
    public static NamedGroup fromCode(int code) {
        for (NamedGroup group : values()) {
            if (group.code == code) {
                return group;
            }
        }
        return null;
    }

    /** The group named {@code x25519}, {@code secp256r1} or {@code P-256}, or null. */
    public static NamedGroup fromName(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "x25519" -> X25519;
            case "secp256r1", "p-256", "p256", "prime256v1" -> SECP256R1;
            default -> null;
        };
    }
}
