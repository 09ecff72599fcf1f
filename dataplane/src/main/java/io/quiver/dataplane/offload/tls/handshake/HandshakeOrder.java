package io.quiver.dataplane.offload.tls.handshake;

import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.protocol.OffloadFailure;

/**
 * The order of handshake messages in a TLS 1.3 handshake, both directions interleaved as they occur on the
 * connection (RFC 8446 §2 and the state machines of Appendix A):
 *
 * <pre>
 * ClientHello  [HelloRetryRequest  ClientHello]  ServerHello  EncryptedExtensions
 *   ( CertificateRequest? Certificate CertificateVerify | nothing, with an accepted PSK )  Finished(server)
 *   EndOfEarlyData?  ( Certificate CertificateVerify? , when a certificate was requested )  Finished(client)
 * </pre>
 *
 * A message out of this order is {@link FailureReason#UNEXPECTED_MESSAGE}. The facts that choose a branch (PSK
 * accepted, early data accepted, certificate requested, client certificate empty) are told by the caller, which
 * parses the messages.
 */
public final class HandshakeOrder {
    /** What the next message may be. */
    public enum Expect {
        CLIENT_HELLO,
        SERVER_HELLO,
        CLIENT_HELLO_AFTER_RETRY,
        SERVER_HELLO_AFTER_RETRY,
        ENCRYPTED_EXTENSIONS,
        SERVER_CERTIFICATE_OR_REQUEST,
        SERVER_CERTIFICATE,
        SERVER_CERTIFICATE_VERIFY,
        SERVER_FINISHED,
        CLIENT_FLIGHT,
        CLIENT_CERTIFICATE_VERIFY,
        CLIENT_FINISHED,
        DONE
    }

    private Expect expect = Expect.CLIENT_HELLO;
    private boolean pskAccepted;
    private boolean earlyDataAccepted;
    private boolean endOfEarlyDataSeen;
    private boolean certificateRequested;

    public Expect expect() {
        return expect;
    }

    public boolean isDone() {
        return expect == Expect.DONE;
    }

    /** The ServerHello accepted the PSK: no server certificate follows. */
    public void pskAccepted(boolean accepted) {
        pskAccepted = accepted;
    }

    /** EncryptedExtensions carried early_data: the client ends its early data with EndOfEarlyData. */
    public void earlyDataAccepted(boolean accepted) {
        earlyDataAccepted = accepted;
    }

    /** Whether the next message is the server's Finished. */
    public boolean expectsServerFinished() {
        return expect == Expect.SERVER_FINISHED;
    }

    /** Whether the next message may be the client's Finished. */
    public boolean expectsClientFinished() {
        return expect == Expect.CLIENT_FINISHED
                || (expect == Expect.CLIENT_FLIGHT && !certificateRequested && (!earlyDataAccepted || endOfEarlyDataSeen));
    }

    /**
     * Checks that {@code type} may come now and moves on.
     *
     * @param helloRetryRequest for a ServerHello: whether it is a HelloRetryRequest
     * @param emptyCertificate  for a client Certificate: whether its certificate_list is empty (no CertificateVerify)
     */
    public void accept(HandshakeType type, boolean helloRetryRequest, boolean emptyCertificate) {
        Expect next = switch (expect) {
            case CLIENT_HELLO -> type == HandshakeType.CLIENT_HELLO ? Expect.SERVER_HELLO : null;
            case SERVER_HELLO -> type == HandshakeType.SERVER_HELLO
                    ? (helloRetryRequest ? Expect.CLIENT_HELLO_AFTER_RETRY : Expect.ENCRYPTED_EXTENSIONS) : null;
            case CLIENT_HELLO_AFTER_RETRY -> type == HandshakeType.CLIENT_HELLO ? Expect.SERVER_HELLO_AFTER_RETRY : null;
            case SERVER_HELLO_AFTER_RETRY -> type == HandshakeType.SERVER_HELLO && !helloRetryRequest
                    ? Expect.ENCRYPTED_EXTENSIONS : null;
            case ENCRYPTED_EXTENSIONS -> type == HandshakeType.ENCRYPTED_EXTENSIONS
                    ? (pskAccepted ? Expect.SERVER_FINISHED : Expect.SERVER_CERTIFICATE_OR_REQUEST) : null;
            case SERVER_CERTIFICATE_OR_REQUEST -> switch (type) {
                case CERTIFICATE_REQUEST -> {
                    certificateRequested = true;
                    yield Expect.SERVER_CERTIFICATE;
                }
                case CERTIFICATE -> Expect.SERVER_CERTIFICATE_VERIFY;
                default -> null;
            };
            case SERVER_CERTIFICATE -> type == HandshakeType.CERTIFICATE ? Expect.SERVER_CERTIFICATE_VERIFY : null;
            case SERVER_CERTIFICATE_VERIFY -> type == HandshakeType.CERTIFICATE_VERIFY ? Expect.SERVER_FINISHED : null;
            case SERVER_FINISHED -> type == HandshakeType.FINISHED ? Expect.CLIENT_FLIGHT : null;
            case CLIENT_FLIGHT -> clientFlight(type, emptyCertificate);
            case CLIENT_CERTIFICATE_VERIFY -> type == HandshakeType.CERTIFICATE_VERIFY ? Expect.CLIENT_FINISHED : null;
            case CLIENT_FINISHED -> type == HandshakeType.FINISHED ? Expect.DONE : null;
            case DONE -> null;
        };
        if (next == null) {
            throw new OffloadFailure(FailureReason.UNEXPECTED_MESSAGE);
        }
        expect = next;
    }

    private Expect clientFlight(HandshakeType type, boolean emptyCertificate) {
        if (earlyDataAccepted && !endOfEarlyDataSeen) {
            if (type != HandshakeType.END_OF_EARLY_DATA) {
                return null;
            }
            endOfEarlyDataSeen = true;
            return Expect.CLIENT_FLIGHT;
        }
        if (certificateRequested) {
            if (type != HandshakeType.CERTIFICATE) {
                return null;
            }
            return emptyCertificate ? Expect.CLIENT_FINISHED : Expect.CLIENT_CERTIFICATE_VERIFY;
        }
        return type == HandshakeType.FINISHED ? Expect.DONE : null;
    }
}
