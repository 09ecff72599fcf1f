package io.quiver.dataplane.offload.tls.handshake;

/** The extension code points (RFC 8446 §4.2) the engine reads. */
public final class ExtensionType {
    public static final int SUPPORTED_GROUPS = 10;
    public static final int PRE_SHARED_KEY = 41;
    public static final int EARLY_DATA = 42;
    public static final int SUPPORTED_VERSIONS = 43;
    public static final int KEY_SHARE = 51;

    public static final int TLS13 = 0x0304;

    private ExtensionType() {
    }
}
