package io.quiver.dataplane.offload.tls.handshake;

/** HandshakeType of RFC 8446 §4: the first byte of every handshake message. */
public enum HandshakeType {
    CLIENT_HELLO(1),
    SERVER_HELLO(2),
    NEW_SESSION_TICKET(4),
    END_OF_EARLY_DATA(5),
    ENCRYPTED_EXTENSIONS(8),
    CERTIFICATE(11),
    CERTIFICATE_REQUEST(13),
    CERTIFICATE_VERIFY(15),
    FINISHED(20),
    KEY_UPDATE(24),
    MESSAGE_HASH(254);

    private final int code;

    HandshakeType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type of this code, or null for a code TLS 1.3 does not define. */
    /** values() copies the array on every call: this is looked up per message. */
    private static final HandshakeType[] ALL = values();

    public static HandshakeType fromCode(int code) {
        for (HandshakeType type : ALL) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }
}
