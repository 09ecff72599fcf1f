package io.quiver.dataplane.offload.tls;

/**
 * The places in the handshake where RFC 8446 §7.1 and §4.4.4 need Transcript-Hash(...). A host that keeps the
 * transcript itself sends the engine the hash at each point instead of the messages, in this order.
 */
public enum TranscriptPoint {
    /** ClientHello: the early traffic and early exporter secrets (PSK only). */
    CLIENT_HELLO,
    /** ClientHello..ServerHello: the handshake traffic secrets. */
    SERVER_HELLO,
    /** ClientHello..server CertificateVerify (or EncryptedExtensions with a PSK): the server Finished. */
    SERVER_FINISHED_CONTEXT,
    /** ClientHello..server Finished: the application traffic and exporter secrets. */
    SERVER_FINISHED,
    /** ClientHello..server Finished, plus EndOfEarlyData and client Certificate/CertificateVerify: the client Finished. */
    CLIENT_FINISHED_CONTEXT,
    /** ClientHello..client Finished: the resumption master secret. */
    CLIENT_FINISHED
}
