package io.quiver.dataplane.offload.tls;

/**
 * The secrets of RFC 8446 §7.1 the engine keeps behind handles. Traffic secrets also carry the key and IV of §7.3
 * and can protect records; the others serve derivations (resumption PSK, exporters).
 */
public enum SecretKind {
    CLIENT_EARLY_TRAFFIC(TlsRole.CLIENT, "CLIENT_EARLY_TRAFFIC_SECRET"),
    CLIENT_HANDSHAKE_TRAFFIC(TlsRole.CLIENT, "CLIENT_HANDSHAKE_TRAFFIC_SECRET"),
    SERVER_HANDSHAKE_TRAFFIC(TlsRole.SERVER, "SERVER_HANDSHAKE_TRAFFIC_SECRET"),
    CLIENT_APPLICATION_TRAFFIC(TlsRole.CLIENT, "CLIENT_TRAFFIC_SECRET_0"),
    SERVER_APPLICATION_TRAFFIC(TlsRole.SERVER, "SERVER_TRAFFIC_SECRET_0"),
    EARLY_EXPORTER_MASTER(null, "EARLY_EXPORTER_SECRET"),
    EXPORTER_MASTER(null, "EXPORTER_SECRET"),
    RESUMPTION_MASTER(null, null),
    RESUMPTION_PSK(null, null);

    private final TlsRole writer;
    private final String keyLogLabel;

    SecretKind(TlsRole writer, String keyLogLabel) {
        this.writer = writer;
        this.keyLogLabel = keyLogLabel;
    }

    /** True for the secrets that have a traffic key and IV and so protect records. */
    public boolean isTraffic() {
        return writer != null;
    }

    /** The side that sends records under this traffic secret, or null for a non-traffic secret. */
    public TlsRole writer() {
        return writer;
    }

    /** The NSS key log label (the SSLKEYLOGFILE format Wireshark reads), or null when the format has none. */
    public String keyLogLabel() {
        return keyLogLabel;
    }
}
