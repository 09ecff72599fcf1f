package io.quiver.dataplane.offload.tls;

/** Which end of the TLS connection the host plays; the engine derives the same secrets for both. */
public enum TlsRole {
    CLIENT,
    SERVER;

    public TlsRole peer() {
        return this == CLIENT ? SERVER : CLIENT;
    }
}
