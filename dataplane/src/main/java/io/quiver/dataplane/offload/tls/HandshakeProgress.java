package io.quiver.dataplane.offload.tls;

/** How far an offloaded handshake has come: each step makes more handles available to the host. */
public enum HandshakeProgress {
    /** Parameters accepted, no secret derived yet. */
    STARTED,
    /** Early secret known; with a PSK the client early traffic secret exists. */
    EARLY_KEYS,
    /** Handshake traffic secrets exist: the host can protect the handshake flight. */
    HANDSHAKE_KEYS,
    /** The server Finished is in: application traffic and exporter secrets exist. */
    APPLICATION_KEYS,
    /** The client Finished is in: the resumption master secret exists. The handshake is done. */
    COMPLETE,
    /** The handshake failed; only CLOSE is accepted and the session holds no secret any more. */
    FAILED
}
