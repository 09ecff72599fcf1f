package io.quiver.dataplane.offload.tls.keylog;

/**
 * The NSS key log (the SSLKEYLOGFILE format Wireshark and OpenSSL's {@code -keylogfile} use): one line
 * {@code LABEL <client_random hex> <secret hex>} per secret. It writes secrets in the clear, so it exists only when a
 * person turns it on for debugging; {@link #DISABLED} is the default and writes nothing.
 */
public interface NssKeyLog extends AutoCloseable {
    /** The key log that writes nothing. */
    NssKeyLog DISABLED = new NssKeyLog() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void log(String label, byte[] clientRandom, byte[] secret) {
        }

        @Override
        public void close() {
        }
    };

    boolean enabled();

    /** Appends one line; must not throw (a failing key log never fails a handshake). */
    void log(String label, byte[] clientRandom, byte[] secret);

    @Override
    void close();
}
