package io.quiver.dataplane.offload.tls.host;

/**
 * A connection the host is about to secure: where it runs (VNIC, port) and what its handshake will use.
 *
 * @param vnic        the VNIC the connection belongs to, or null
 * @param port        the appliance port it arrived on, or -1
 * @param cipherSuite the TLS 1.3 suite's wire code (known once the ServerHello is chosen or received)
 * @param namedGroup  the key share group's wire code
 */
public record OffloadCandidate(String vnic, int port, int cipherSuite, int namedGroup) {
}
