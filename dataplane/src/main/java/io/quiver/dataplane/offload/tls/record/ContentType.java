package io.quiver.dataplane.offload.tls.record;

/** ContentType of RFC 8446 §5.1. */
public final class ContentType {
    public static final int CHANGE_CIPHER_SPEC = 20;
    public static final int ALERT = 21;
    public static final int HANDSHAKE = 22;
    public static final int APPLICATION_DATA = 23;

    private ContentType() {
    }

    public static boolean isValidInner(int type) {
        return type == ALERT || type == HANDSHAKE || type == APPLICATION_DATA;
    }
}
