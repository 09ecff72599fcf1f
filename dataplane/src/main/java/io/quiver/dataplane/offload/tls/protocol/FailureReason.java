package io.quiver.dataplane.offload.tls.protocol;

/**
 * Why the engine refused a request. Each reason names one check; {@link #alert()} is the TLS alert (RFC 8446 §6.2)
 * the host should send its peer when the failure ends the handshake. No reason ever carries key material.
 */
public enum FailureReason {
    // parameters
    UNKNOWN_CIPHER_SUITE(Alert.HANDSHAKE_FAILURE, "the cipher suite is not a TLS 1.3 suite the engine implements"),
    UNSUPPORTED_GROUP(Alert.HANDSHAKE_FAILURE, "the named group is not one the engine implements"),
    MISSING_PARAMETER(Alert.INTERNAL_ERROR, "a parameter the operation needs is missing"),
    BAD_PRIVATE_KEY_LENGTH(Alert.INTERNAL_ERROR, "the local private key has the wrong length for its group"),
    PRIVATE_KEY_OUT_OF_RANGE(Alert.INTERNAL_ERROR, "the local private key is not a valid scalar for its group"),
    BAD_KEY_SHARE_LENGTH(Alert.ILLEGAL_PARAMETER, "a key share has the wrong length for its group"),
    UNSUPPORTED_POINT_FORMAT(Alert.ILLEGAL_PARAMETER, "a secp256r1 key share is not an uncompressed point"),
    POINT_NOT_ON_CURVE(Alert.ILLEGAL_PARAMETER, "the peer's key share is not a point on the curve"),
    LOW_ORDER_POINT(Alert.ILLEGAL_PARAMETER, "the peer's X25519 key share has small order: the shared secret is all zero"),
    KEY_SHARE_MISMATCH(Alert.ILLEGAL_PARAMETER, "the key share in a hello differs from the one given to the engine"),
    BAD_PSK_LENGTH(Alert.INTERNAL_ERROR, "the PSK is empty or longer than the engine accepts"),
    PSK_HASH_MISMATCH(Alert.ILLEGAL_PARAMETER, "the resumption PSK was made with another hash than the suite's"),
    BAD_TRANSCRIPT_HASH_LENGTH(Alert.INTERNAL_ERROR, "a transcript hash or verify_data has the wrong length for the suite"),
    PAYLOAD_TOO_LARGE(Alert.INTERNAL_ERROR, "the input does not fit a request slot"),
    // handshake messages
    TRUNCATED_MESSAGE(Alert.DECODE_ERROR, "a handshake message ends before its declared length"),
    MALFORMED_MESSAGE(Alert.DECODE_ERROR, "a handshake message does not parse"),
    UNEXPECTED_MESSAGE(Alert.UNEXPECTED_MESSAGE, "a handshake message arrived out of order"),
    UNEXPECTED_TRANSCRIPT_POINT(Alert.INTERNAL_ERROR, "a transcript hash arrived out of order"),
    MIXED_TRANSCRIPT_INPUT(Alert.INTERNAL_ERROR, "a session got both handshake messages and transcript hashes"),
    SUITE_MISMATCH(Alert.ILLEGAL_PARAMETER, "the ServerHello selected another cipher suite than the session's"),
    UNSUPPORTED_PROTOCOL_VERSION(Alert.PROTOCOL_VERSION, "the ServerHello does not select TLS 1.3"),
    FINISHED_MISMATCH(Alert.DECRYPT_ERROR, "the Finished verify_data does not match the transcript"),
    BINDER_MISMATCH(Alert.DECRYPT_ERROR, "the PSK binder does not match the truncated ClientHello"),
    WRONG_STATE(Alert.INTERNAL_ERROR, "the operation is not possible at this step of the handshake"),
    // sessions and handles
    UNKNOWN_CONNECTION(Alert.INTERNAL_ERROR, "no session exists for this connection id"),
    DUPLICATE_CONNECTION(Alert.INTERNAL_ERROR, "a session already exists for this connection id"),
    TOO_MANY_CONNECTIONS(Alert.INTERNAL_ERROR, "the engine's session table is full"),
    UNKNOWN_HANDLE(Alert.INTERNAL_ERROR, "the handle names no live secret"),
    WRONG_HANDLE_KIND(Alert.INTERNAL_ERROR, "the handle names a secret that cannot serve this operation"),
    WRONG_DIRECTION(Alert.INTERNAL_ERROR, "the traffic key belongs to the other direction of the connection"),
    TOO_MANY_HANDLES(Alert.INTERNAL_ERROR, "the engine's secret vault is full"),
    // records
    RECORD_AUTHENTICATION_FAILED(Alert.BAD_RECORD_MAC, "the record does not authenticate with this traffic key"),
    RECORD_OVERFLOW(Alert.RECORD_OVERFLOW, "the record is longer than RFC 8446 allows"),
    MALFORMED_RECORD(Alert.DECODE_ERROR, "the record header or inner plaintext is malformed"),
    SEQUENCE_EXHAUSTED(Alert.INTERNAL_ERROR, "the record sequence number would wrap: update the traffic key"),
    // engine
    RING_FULL(Alert.INTERNAL_ERROR, "the offload request ring is full"),
    ENGINE_STOPPED(Alert.INTERNAL_ERROR, "the offload engine is not running"),
    BACKEND_FAILURE(Alert.INTERNAL_ERROR, "the crypto backend failed"),
    INTERNAL_ERROR(Alert.INTERNAL_ERROR, "the engine failed unexpectedly"),
    // the offload service (socket and VNIC clients); appended: a reason's wire code is its position, for good
    MALFORMED_REQUEST(Alert.INTERNAL_ERROR, "the request frame does not parse (a field repeated, unknown or of the wrong size)"),
    UNSUPPORTED_VERSION(Alert.INTERNAL_ERROR, "the request's protocol version is not one the service speaks"),
    UNKNOWN_OPERATION(Alert.INTERNAL_ERROR, "the request's operation code names no operation"),
    TOO_MANY_PENDING(Alert.INTERNAL_ERROR, "the client already has its most requests in flight"),
    RATE_LIMITED(Alert.INTERNAL_ERROR, "the client sent more requests per second than it may"),
    CLIENT_SESSION_LIMIT(Alert.INTERNAL_ERROR, "the client already has its most sessions open"),
    NOT_PERMITTED(Alert.INTERNAL_ERROR, "the offload policy does not let this VNIC offload");

    private final Alert alert;
    private final String description;

    /** The reason's code on the offload service's wire (docs/tls-offload.md): its position, from 1. */
    public int wireCode() {
        return ordinal() + 1;
    }

    /** The reason with this wire code, or null. */
    public static FailureReason fromWireCode(int code) {
        FailureReason[] all = values();
        return code >= 1 && code <= all.length ? all[code - 1] : null;
    }

    FailureReason(Alert alert, String description) {
        this.alert = alert;
        this.description = description;
    }

    /** The alert the host sends when this failure aborts the handshake. */
    public Alert alert() {
        return alert;
    }

    public String description() {
        return description;
    }

    /** TLS alert descriptions (RFC 8446 §6) the failures map to. */
    public enum Alert {
        UNEXPECTED_MESSAGE(10),
        BAD_RECORD_MAC(20),
        RECORD_OVERFLOW(22),
        HANDSHAKE_FAILURE(40),
        ILLEGAL_PARAMETER(47),
        DECODE_ERROR(50),
        DECRYPT_ERROR(51),
        PROTOCOL_VERSION(70),
        INTERNAL_ERROR(80);

        private final int code;

        Alert(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }
}
