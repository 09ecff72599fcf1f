/*
 * libquiver-tls: a C client of Quiver's TLS 1.3 handshake offload service.
 *
 * The service (docs/tls-offload.md, "The offload service") keeps every TLS secret of a connection behind handles;
 * a client sends it requests (START, HANDSHAKE_MESSAGES, FINISHED, SEAL_RECORD, ...) and gets replies with a
 * status, handles and output bytes. This library speaks its wire protocol, version 1, over the daemon's Unix
 * socket (host processes) or over UDP to 169.254.169.254:6862 (guests, through their own VNIC). The frames are
 * those of the Java codec (io.quiver.dataplane.offload.tls.wire.WireRequest / WireReply), byte for byte.
 *
 * Only libc and POSIX sockets; no global state. A qtls_client is not locked: use one per thread, or lock around
 * every call on a shared one. A qtls_reply is large (about 17 KiB): reuse one rather than putting many on a stack.
 *
 * Return values: 0 (or a count) on success, a negative errno value on failure:
 *   -EINVAL     a bad argument (NULL client, a byte field with NULL data and a length, unknown flag bits)
 *   -EMSGSIZE   a byte field over its capacity (256 bytes; the payload: qtls_payload_capacity)
 *   -ETIMEDOUT  no whole reply within the timeout (a partly read reply is kept for the next call)
 *   -EBADMSG    qtls_call only: the next reply answers another request id (it is left in *reply)
 *   -EPROTO     the service sent what is not a reply frame; the client is closed
 *   -ECONNRESET the service closed the socket; the client is closed
 *   -ENOTCONN   the client was closed by an earlier error
 *   other       the failing system call's errno (e.g. -ECONNREFUSED through UDP)
 * qtls_last_error() then says what happened. A reply with status QTLS_STATUS_FAILED is not an error of the call:
 * the call returns 0 and the reply carries the reason.
 */
#ifndef QUIVER_TLS_H
#define QUIVER_TLS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QTLS_WIRE_VERSION 1
/* Bytes of the length field that starts every frame. */
#define QTLS_LENGTH_FIELD 4
/* Bytes of a request / reply after the length field, before the fields. */
#define QTLS_REQUEST_HEADER 24
#define QTLS_REPLY_HEADER 20
/* The most a request frame's length field may say (the service closes the socket on more). */
#define QTLS_MAX_FRAME 20480
/* The largest payload on the socket: one whole TLS record (5 + 16,384 + 256). */
#define QTLS_MAX_PAYLOAD 16645
/* The largest of the other byte fields (keys, PSK, client random, auxiliary). */
#define QTLS_MAX_SMALL_FIELD 256
/* Room for a reply's output: a whole record, with a margin for a service with larger slots. */
#define QTLS_MAX_OUTPUT (QTLS_MAX_PAYLOAD + 1024)
/* One handle per secret kind at most. */
#define QTLS_MAX_HANDLES 9

/* The guest's way in: the appliance's service address and the offload port. */
#define QTLS_GUEST_ADDRESS "169.254.169.254"
#define QTLS_GUEST_PORT 6862

typedef enum qtls_operation {
    QTLS_OP_START = 1,
    QTLS_OP_HANDSHAKE_MESSAGES = 2,
    QTLS_OP_TRANSCRIPT_HASH = 3,
    QTLS_OP_PSK_BINDER = 4,
    QTLS_OP_FINISHED = 5,
    QTLS_OP_SEAL_RECORD = 6,
    QTLS_OP_OPEN_RECORD = 7,
    QTLS_OP_UPDATE_TRAFFIC_KEY = 8,
    QTLS_OP_RESUMPTION_PSK = 9,
    QTLS_OP_RELEASE_HANDLE = 10,
    QTLS_OP_CLOSE = 11,
    QTLS_OP_HELLO = 64
} qtls_operation;

/* Request header flags. */
#define QTLS_FLAG_MORE_MESSAGES 0x01u   /* START / HANDSHAKE_MESSAGES: the flight goes on in the next request */
#define QTLS_FLAG_PAYLOAD_IS_HASH 0x02u /* PSK_BINDER: the payload is the truncated ClientHello's hash */

enum { QTLS_ROLE_CLIENT = 1, QTLS_ROLE_SERVER = 2 };
enum { QTLS_PSK_RESUMPTION = 1, QTLS_PSK_EXTERNAL = 2 };
enum {
    QTLS_POINT_CLIENT_HELLO = 1,
    QTLS_POINT_SERVER_HELLO = 2,
    QTLS_POINT_SERVER_FINISHED_CONTEXT = 3,
    QTLS_POINT_SERVER_FINISHED = 4,
    QTLS_POINT_CLIENT_FINISHED_CONTEXT = 5,
    QTLS_POINT_CLIENT_FINISHED = 6
};
enum {
    QTLS_PROGRESS_NONE = 0,
    QTLS_PROGRESS_STARTED = 1,
    QTLS_PROGRESS_EARLY_KEYS = 2,
    QTLS_PROGRESS_HANDSHAKE_KEYS = 3,
    QTLS_PROGRESS_APPLICATION_KEYS = 4,
    QTLS_PROGRESS_COMPLETE = 5,
    QTLS_PROGRESS_FAILED = 6
};
enum {
    QTLS_SECRET_CLIENT_EARLY_TRAFFIC = 1,
    QTLS_SECRET_CLIENT_HANDSHAKE_TRAFFIC = 2,
    QTLS_SECRET_SERVER_HANDSHAKE_TRAFFIC = 3,
    QTLS_SECRET_CLIENT_APPLICATION_TRAFFIC = 4,
    QTLS_SECRET_SERVER_APPLICATION_TRAFFIC = 5,
    QTLS_SECRET_EARLY_EXPORTER_MASTER = 6,
    QTLS_SECRET_EXPORTER_MASTER = 7,
    QTLS_SECRET_RESUMPTION_MASTER = 8,
    QTLS_SECRET_RESUMPTION_PSK = 9
};
enum { QTLS_STATUS_OK = 0, QTLS_STATUS_FAILED = 1 };

/* Failure reasons (the reply's reason code); qtls_reason_name() names them. */
typedef enum qtls_reason {
    QTLS_REASON_NONE = 0,
    QTLS_REASON_UNKNOWN_CIPHER_SUITE = 1,
    QTLS_REASON_UNSUPPORTED_GROUP = 2,
    QTLS_REASON_MISSING_PARAMETER = 3,
    QTLS_REASON_BAD_PRIVATE_KEY_LENGTH = 4,
    QTLS_REASON_PRIVATE_KEY_OUT_OF_RANGE = 5,
    QTLS_REASON_BAD_KEY_SHARE_LENGTH = 6,
    QTLS_REASON_UNSUPPORTED_POINT_FORMAT = 7,
    QTLS_REASON_POINT_NOT_ON_CURVE = 8,
    QTLS_REASON_LOW_ORDER_POINT = 9,
    QTLS_REASON_KEY_SHARE_MISMATCH = 10,
    QTLS_REASON_BAD_PSK_LENGTH = 11,
    QTLS_REASON_PSK_HASH_MISMATCH = 12,
    QTLS_REASON_BAD_TRANSCRIPT_HASH_LENGTH = 13,
    QTLS_REASON_PAYLOAD_TOO_LARGE = 14,
    QTLS_REASON_TRUNCATED_MESSAGE = 15,
    QTLS_REASON_MALFORMED_MESSAGE = 16,
    QTLS_REASON_UNEXPECTED_MESSAGE = 17,
    QTLS_REASON_UNEXPECTED_TRANSCRIPT_POINT = 18,
    QTLS_REASON_MIXED_TRANSCRIPT_INPUT = 19,
    QTLS_REASON_SUITE_MISMATCH = 20,
    QTLS_REASON_UNSUPPORTED_PROTOCOL_VERSION = 21,
    QTLS_REASON_FINISHED_MISMATCH = 22,
    QTLS_REASON_BINDER_MISMATCH = 23,
    QTLS_REASON_WRONG_STATE = 24,
    QTLS_REASON_UNKNOWN_CONNECTION = 25,
    QTLS_REASON_DUPLICATE_CONNECTION = 26,
    QTLS_REASON_TOO_MANY_CONNECTIONS = 27,
    QTLS_REASON_UNKNOWN_HANDLE = 28,
    QTLS_REASON_WRONG_HANDLE_KIND = 29,
    QTLS_REASON_WRONG_DIRECTION = 30,
    QTLS_REASON_TOO_MANY_HANDLES = 31,
    QTLS_REASON_RECORD_AUTHENTICATION_FAILED = 32,
    QTLS_REASON_RECORD_OVERFLOW = 33,
    QTLS_REASON_MALFORMED_RECORD = 34,
    QTLS_REASON_SEQUENCE_EXHAUSTED = 35,
    QTLS_REASON_RING_FULL = 36,
    QTLS_REASON_ENGINE_STOPPED = 37,
    QTLS_REASON_BACKEND_FAILURE = 38,
    QTLS_REASON_INTERNAL_ERROR = 39,
    QTLS_REASON_MALFORMED_REQUEST = 40,
    QTLS_REASON_UNSUPPORTED_VERSION = 41,
    QTLS_REASON_UNKNOWN_OPERATION = 42,
    QTLS_REASON_TOO_MANY_PENDING = 43,
    QTLS_REASON_RATE_LIMITED = 44,
    QTLS_REASON_CLIENT_SESSION_LIMIT = 45,
    QTLS_REASON_NOT_PERMITTED = 46
} qtls_reason;

/* A byte field of a request: present when data is not NULL (an empty present value: any non-NULL data, len 0). */
typedef struct qtls_bytes {
    const uint8_t *data;
    size_t len;
} qtls_bytes;

/*
 * One request. Zero it (qtls_request r = {0};) and set what the operation needs: only the fields set are sent,
 * as by the Java client. "Set" means non-zero for the numeric fields and non-NULL data for the byte fields.
 * psk_kind is sent when a PSK or a PSK handle is, as 1 (RESUMPTION) when left 0, the Java default.
 */
typedef struct qtls_request {
    int operation;          /* a qtls_operation; any code 1..255 is sent as is (the service refuses unknown ones) */
    unsigned flags;         /* QTLS_FLAG_* */
    uint64_t connection_id; /* the client's own namespace */
    uint64_t key_handle;    /* SEAL_RECORD, OPEN_RECORD, UPDATE_TRAFFIC_KEY, RELEASE_HANDLE */
    uint8_t role;           /* QTLS_ROLE_* */
    uint16_t cipher_suite;  /* e.g. 0x1301 */
    uint16_t named_group;   /* 0x001d x25519, 0x0017 secp256r1 */
    qtls_bytes private_key;
    qtls_bytes local_key_share;
    qtls_bytes peer_key_share;
    qtls_bytes psk;
    uint8_t psk_kind;       /* QTLS_PSK_* */
    uint64_t psk_handle;    /* a RESUMPTION_PSK handle instead of PSK bytes */
    qtls_bytes client_random;
    uint8_t transcript_point; /* QTLS_POINT_* (TRANSCRIPT_HASH) */
    qtls_bytes auxiliary;   /* peer verify_data (TRANSCRIPT_HASH) or the expected binder (PSK_BINDER) */
    qtls_bytes payload;     /* messages, a hash, a record, a plaintext or a ticket nonce, by operation */
    uint8_t content_type;   /* SEAL_RECORD: 22 handshake, 23 application data, 21 alert */
    uint16_t padding;       /* SEAL_RECORD: zero bytes of padding */
} qtls_request;

/* What HELLO said: the service's version and this client's limits (0: no limit). */
typedef struct qtls_hello {
    uint32_t version;
    uint32_t max_pending;
    uint32_t max_sessions;
    uint32_t requests_per_second;
    uint32_t max_request_payload;
} qtls_hello;

typedef struct qtls_handle {
    uint8_t kind; /* QTLS_SECRET_* */
    uint64_t value;
} qtls_handle;

/* One reply, read into caller-owned memory. */
typedef struct qtls_reply {
    uint32_t request_id;
    uint64_t connection_id;
    uint8_t operation;       /* as in the request */
    uint8_t status;          /* QTLS_STATUS_* */
    uint8_t reason;          /* qtls_reason when failed, else 0 */
    uint8_t progress;        /* QTLS_PROGRESS_*, 0 when none */
    uint8_t alert;           /* the TLS alert to send the peer when failed, else 0 */
    uint8_t content_type;    /* OPEN_RECORD: the opened record's content type, else 0 */
    size_t handle_count;
    qtls_handle handles[QTLS_MAX_HANDLES]; /* the handles the request created */
    qtls_hello hello;        /* HELLO only, else zero */
    size_t output_len;       /* 0: no output */
    uint8_t output[QTLS_MAX_OUTPUT]; /* a Finished message, binder, record or plaintext */
} qtls_reply;

typedef struct qtls_client qtls_client;

/*
 * Connects to the service's Unix socket (SOCK_STREAM) and sends HELLO; waits up to 10 s for its reply.
 * NULL on failure, with a message in err (when err is not NULL) and errno set.
 */
qtls_client *qtls_open_unix(const char *path, char *err, size_t errlen);

/*
 * A connected UDP socket to ipv4:port (a guest: QTLS_GUEST_ADDRESS, QTLS_GUEST_PORT), one frame per datagram,
 * then HELLO, resent every second (same request id) for up to 10 s since a datagram may be lost. Nothing else is
 * resent: a request or reply lost on the way ends in the caller's timeout.
 */
qtls_client *qtls_open_udp(const char *ipv4, uint16_t port, char *err, size_t errlen);

/* Closes the socket and wipes and frees the client. NULL is ignored. */
void qtls_close(qtls_client *client);

/* The service's HELLO answer, kept from qtls_open_*. */
const qtls_hello *qtls_get_hello(const qtls_client *client);

/* The largest payload this client may send: QTLS_MAX_PAYLOAD, or HELLO's max request payload when smaller. */
size_t qtls_payload_capacity(const qtls_client *client);

/* What the last failed call on this client was about ("" when none yet). */
const char *qtls_last_error(const qtls_client *client);

/*
 * Sends one request without waiting (pipelining); its request id goes to *request_id_out (may be NULL). The
 * frame buffer is wiped after sending, so no private key or PSK stays in the library. Stay within HELLO's
 * max_pending requests in flight: the service refuses the rest with TOO_MANY_PENDING. On the socket a write
 * blocks while the service does not read, so read replies before sending many more.
 */
int qtls_send(qtls_client *client, const qtls_request *request, uint32_t *request_id_out);

/*
 * Reads the next reply, whatever its request id (replies come in the order the requests were sent), waiting up
 * to timeout_ms (negative: no limit, 0: only what has arrived). Through UDP, datagrams that are not one whole
 * frame (length field and datagram size disagree) are ignored.
 */
int qtls_receive(qtls_client *client, qtls_reply *reply, int timeout_ms);

/*
 * Sends a request and reads the next reply, which must answer it: with replies of earlier qtls_send requests
 * still to come, that next reply answers another request id, and qtls_call returns -EBADMSG with that reply in
 * *reply (the call's own reply is then still to come). So receive every pipelined reply before using qtls_call.
 */
int qtls_call(qtls_client *client, const qtls_request *request, qtls_reply *reply, int timeout_ms);

/* The handle of one secret kind in a reply, 0 when the reply has none. */
uint64_t qtls_reply_handle(const qtls_reply *reply, int secret_kind);

/* A reason code's name as in the protocol doc ("NONE" for 0, "UNRECOGNIZED" for a code past the list). */
const char *qtls_reason_name(int code);

/*
 * For tests of the service: sends len bytes exactly as given (its own length field and request id included) as
 * one frame; through UDP as one datagram. The library does not look inside: the caller chooses a request id that
 * its other requests do not use (the library's own ids stay below 0x80000000).
 */
int qtls_send_raw(qtls_client *client, const void *frame, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* QUIVER_TLS_H */
