/*
 * libquiver-tls: see quiver_tls.h. The frame layout follows the Java codec (WireRequest.write, WireReply.read):
 * a change there must be made here too.
 */
#if !defined(_POSIX_C_SOURCE) && !defined(_DEFAULT_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include "quiver_tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* where it is missing, SO_NOSIGPIPE is set on the socket instead */
#endif

/* Request field tags (OffloadWire.TAG_*). */
enum {
    TAG_ROLE = 1,
    TAG_CIPHER_SUITE = 2,
    TAG_NAMED_GROUP = 3,
    TAG_PRIVATE_KEY = 4,
    TAG_LOCAL_KEY_SHARE = 5,
    TAG_PEER_KEY_SHARE = 6,
    TAG_PSK = 7,
    TAG_PSK_KIND = 8,
    TAG_PSK_HANDLE = 9,
    TAG_CLIENT_RANDOM = 10,
    TAG_TRANSCRIPT_POINT = 11,
    TAG_AUXILIARY = 12,
    TAG_PAYLOAD = 13,
    TAG_CONTENT_TYPE = 14,
    TAG_PADDING = 15
};

/* Reply field tags. */
enum {
    TAG_HANDLE = 32,
    TAG_OUTPUT = 33,
    TAG_OPENED_CONTENT_TYPE = 34,
    TAG_SERVICE_VERSION = 40,
    TAG_MAX_PENDING = 41,
    TAG_MAX_SESSIONS = 42,
    TAG_RATE = 43,
    TAG_MAX_REQUEST_PAYLOAD = 44
};

/* The largest request this library writes: header, every fixed-size field, six small fields, a whole payload. */
#define LARGEST_REQUEST \
    (QTLS_REQUEST_HEADER + (3 + 1) * 4 + (3 + 2) * 3 + (3 + 8) + 6 * (3 + QTLS_MAX_SMALL_FIELD) + 3 + QTLS_MAX_PAYLOAD)
_Static_assert(LARGEST_REQUEST <= QTLS_MAX_FRAME, "a request this library accepts must fit one frame");
_Static_assert(QTLS_REPLY_HEADER + QTLS_MAX_HANDLES * 12 + 3 + QTLS_MAX_OUTPUT + 4 + 4 + 4 * 7 <= QTLS_MAX_FRAME,
               "the largest reply must fit the receive buffer");

/* HELLO is the one request answered before the client can be used; the Java client waits as long. */
#define HELLO_TIMEOUT_MS 10000
#define HELLO_RESEND_MS 1000
/* Request ids run 1..0x7ffffffe, as the Java client's, so that both read the same on a trace. */
#define LAST_REQUEST_ID 0x7ffffffeu

struct qtls_client {
    int fd;                /* -1 once closed by an error */
    int datagram;          /* UDP: one frame per datagram */
    uint32_t next_id;
    uint32_t hello_id;     /* UDP: a late duplicate answer to a resent HELLO is dropped */
    qtls_hello hello;
    size_t have;           /* stream: bytes of the reply being read, its length field included */
    char error[256];
    uint8_t out[QTLS_LENGTH_FIELD + QTLS_MAX_FRAME];
    /* one byte more than any frame, so that an oversized datagram shows as one */
    uint8_t in[QTLS_LENGTH_FIELD + QTLS_MAX_FRAME + 1];
};

static const char *const REASON_NAMES[] = {
    "NONE",
    "UNKNOWN_CIPHER_SUITE",
    "UNSUPPORTED_GROUP",
    "MISSING_PARAMETER",
    "BAD_PRIVATE_KEY_LENGTH",
    "PRIVATE_KEY_OUT_OF_RANGE",
    "BAD_KEY_SHARE_LENGTH",
    "UNSUPPORTED_POINT_FORMAT",
    "POINT_NOT_ON_CURVE",
    "LOW_ORDER_POINT",
    "KEY_SHARE_MISMATCH",
    "BAD_PSK_LENGTH",
    "PSK_HASH_MISMATCH",
    "BAD_TRANSCRIPT_HASH_LENGTH",
    "PAYLOAD_TOO_LARGE",
    "TRUNCATED_MESSAGE",
    "MALFORMED_MESSAGE",
    "UNEXPECTED_MESSAGE",
    "UNEXPECTED_TRANSCRIPT_POINT",
    "MIXED_TRANSCRIPT_INPUT",
    "SUITE_MISMATCH",
    "UNSUPPORTED_PROTOCOL_VERSION",
    "FINISHED_MISMATCH",
    "BINDER_MISMATCH",
    "WRONG_STATE",
    "UNKNOWN_CONNECTION",
    "DUPLICATE_CONNECTION",
    "TOO_MANY_CONNECTIONS",
    "UNKNOWN_HANDLE",
    "WRONG_HANDLE_KIND",
    "WRONG_DIRECTION",
    "TOO_MANY_HANDLES",
    "RECORD_AUTHENTICATION_FAILED",
    "RECORD_OVERFLOW",
    "MALFORMED_RECORD",
    "SEQUENCE_EXHAUSTED",
    "RING_FULL",
    "ENGINE_STOPPED",
    "BACKEND_FAILURE",
    "INTERNAL_ERROR",
    "MALFORMED_REQUEST",
    "UNSUPPORTED_VERSION",
    "UNKNOWN_OPERATION",
    "TOO_MANY_PENDING",
    "RATE_LIMITED",
    "CLIENT_SESSION_LIMIT",
    "NOT_PERMITTED",
};
_Static_assert(sizeof REASON_NAMES / sizeof REASON_NAMES[0] == QTLS_REASON_NOT_PERMITTED + 1,
               "one name per reason code");

const char *qtls_reason_name(int code) {
    if (code < 0 || code > QTLS_REASON_NOT_PERMITTED) {
        return "UNRECOGNIZED";
    }
    return REASON_NAMES[code];
}

/* ---- small helpers ------------------------------------------------------------------------------------------- */

/* Volatile stores: the compiler may not drop a wipe of memory that is about to be reused or freed. */
static void wipe(void *p, size_t n) {
    volatile uint8_t *v = p;
    while (n--) {
        *v++ = 0;
    }
}

static void put16(uint8_t *p, unsigned v) {
    p[0] = (uint8_t) (v >> 8);
    p[1] = (uint8_t) v;
}

static void put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t) (v >> 24);
    p[1] = (uint8_t) (v >> 16);
    p[2] = (uint8_t) (v >> 8);
    p[3] = (uint8_t) v;
}

static void put64(uint8_t *p, uint64_t v) {
    put32(p, (uint32_t) (v >> 32));
    put32(p + 4, (uint32_t) v);
}

static unsigned get16(const uint8_t *p) {
    return (unsigned) p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p) {
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static uint64_t get64(const uint8_t *p) {
    return (uint64_t) get32(p) << 32 | get32(p + 4);
}

#if defined(__GNUC__) || defined(__clang__)
#define QTLS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define QTLS_PRINTF(f, a)
#endif

QTLS_PRINTF(3, 4) static int fail(qtls_client *c, int rc, const char *format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(c->error, sizeof c->error, format, args);
    va_end(args);
    return rc;
}

/* After this the stream cannot be trusted to be at a frame boundary: every later call says so. */
QTLS_PRINTF(3, 4) static int fail_closed(qtls_client *c, int rc, const char *format, ...) {
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
    c->have = 0;
    va_list args;
    va_start(args, format);
    vsnprintf(c->error, sizeof c->error, format, args);
    va_end(args);
    static const char closed[] = "; the client is closed";
    size_t used = strlen(c->error);
    if (used + sizeof closed <= sizeof c->error) {
        memcpy(c->error + used, closed, sizeof closed);
    }
    return rc;
}

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An absolute deadline, -1 for none. */
static int64_t deadline_after(int timeout_ms) {
    return timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
}

/* Waits until the socket is ready (or in error: the next system call says which) or the deadline passes. */
static int wait_ready(qtls_client *c, short events, int64_t deadline) {
    for (;;) {
        int timeout = -1;
        if (deadline >= 0) {
            int64_t left = deadline - now_ms();
            timeout = left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int) left;
        }
        struct pollfd p = {.fd = c->fd, .events = events, .revents = 0};
        int n = poll(&p, 1, timeout);
        if (n > 0) {
            return 0;
        }
        if (n == 0) {
            return -ETIMEDOUT;
        }
        if (errno != EINTR) {
            return -errno;
        }
    }
}

static int new_socket(int domain, int type) {
#ifdef SOCK_CLOEXEC
    int fd = socket(domain, type | SOCK_CLOEXEC, 0);
#else
    int fd = socket(domain, type, 0);
    if (fd >= 0) {
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
#endif
#ifdef SO_NOSIGPIPE
    if (fd >= 0) {
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
    }
#endif
    return fd;
}

/* connect(), where a signal may interrupt it: the connection then goes on and its outcome is read back. */
static int connect_socket(int fd, const struct sockaddr *address, socklen_t length) {
    if (connect(fd, address, length) == 0) {
        return 0;
    }
    if (errno != EINTR && errno != EINPROGRESS) {
        return -errno;
    }
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLOUT, .revents = 0};
        if (poll(&p, 1, -1) >= 0) {
            break;
        }
        if (errno != EINTR) {
            return -errno;
        }
    }
    int error = 0;
    socklen_t size = sizeof error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0) {
        return -errno;
    }
    return -error;
}

/* ---- requests ------------------------------------------------------------------------------------------------ */

static uint8_t *put_byte_field(uint8_t *p, int tag, const qtls_bytes *field) {
    if (field->data == NULL) {
        return p;
    }
    *p++ = (uint8_t) tag;
    put16(p, (unsigned) field->len);
    p += 2;
    memcpy(p, field->data, field->len);
    return p + field->len;
}

static uint8_t *put_u8_field(uint8_t *p, int tag, unsigned value) {
    p[0] = (uint8_t) tag;
    put16(p + 1, 1);
    p[3] = (uint8_t) value;
    return p + 4;
}

static uint8_t *put_u16_field(uint8_t *p, int tag, unsigned value) {
    p[0] = (uint8_t) tag;
    put16(p + 1, 2);
    put16(p + 3, value);
    return p + 5;
}

size_t qtls_payload_capacity(const qtls_client *c) {
    if (c == NULL || c->hello.max_request_payload == 0 || c->hello.max_request_payload > QTLS_MAX_PAYLOAD) {
        return QTLS_MAX_PAYLOAD;
    }
    return c->hello.max_request_payload;
}

static int check_field(qtls_client *c, const qtls_bytes *field, size_t capacity, const char *name) {
    if (field->data == NULL && field->len != 0) {
        return fail(c, -EINVAL, "%s has a length but no data", name);
    }
    if (field->len > capacity) {
        return fail(c, -EMSGSIZE, "%s of %zu bytes: at most %zu", name, field->len, capacity);
    }
    return 0;
}

/*
 * Writes the whole frame into c->out, in WireRequest.write's field order (the service accepts any order, but a
 * trace then reads the same from both clients). Returns the frame's size or a negative errno.
 */
static int encode(qtls_client *c, const qtls_request *r, uint32_t id) {
    if (r->operation < 1 || r->operation > 255) {
        return fail(c, -EINVAL, "operation code %d is not a byte", r->operation);
    }
    if ((r->flags & ~(QTLS_FLAG_MORE_MESSAGES | QTLS_FLAG_PAYLOAD_IS_HASH)) != 0) {
        return fail(c, -EINVAL, "unknown request flags 0x%x", r->flags);
    }
    int rc;
    if ((rc = check_field(c, &r->private_key, QTLS_MAX_SMALL_FIELD, "private key")) < 0
        || (rc = check_field(c, &r->local_key_share, QTLS_MAX_SMALL_FIELD, "local key share")) < 0
        || (rc = check_field(c, &r->peer_key_share, QTLS_MAX_SMALL_FIELD, "peer key share")) < 0
        || (rc = check_field(c, &r->psk, QTLS_MAX_SMALL_FIELD, "PSK")) < 0
        || (rc = check_field(c, &r->client_random, QTLS_MAX_SMALL_FIELD, "client random")) < 0
        || (rc = check_field(c, &r->auxiliary, QTLS_MAX_SMALL_FIELD, "auxiliary")) < 0
        || (rc = check_field(c, &r->payload, qtls_payload_capacity(c), "payload")) < 0) {
        return rc;
    }

    uint8_t *start = c->out;
    uint8_t *p = start + QTLS_LENGTH_FIELD;
    p[0] = QTLS_WIRE_VERSION;
    p[1] = (uint8_t) r->operation;
    p[2] = (uint8_t) r->flags;
    p[3] = 0;
    put32(p + 4, id);
    put64(p + 8, r->connection_id);
    put64(p + 16, r->key_handle);
    p += QTLS_REQUEST_HEADER;

    if (r->role != 0) {
        p = put_u8_field(p, TAG_ROLE, r->role);
    }
    if (r->cipher_suite != 0) {
        p = put_u16_field(p, TAG_CIPHER_SUITE, r->cipher_suite);
    }
    if (r->named_group != 0) {
        p = put_u16_field(p, TAG_NAMED_GROUP, r->named_group);
    }
    p = put_byte_field(p, TAG_PRIVATE_KEY, &r->private_key);
    p = put_byte_field(p, TAG_LOCAL_KEY_SHARE, &r->local_key_share);
    p = put_byte_field(p, TAG_PEER_KEY_SHARE, &r->peer_key_share);
    p = put_byte_field(p, TAG_PSK, &r->psk);
    if (r->psk.data != NULL || r->psk_handle != 0) {
        p = put_u8_field(p, TAG_PSK_KIND, r->psk_kind != 0 ? r->psk_kind : QTLS_PSK_RESUMPTION);
    }
    if (r->psk_handle != 0) {
        p[0] = TAG_PSK_HANDLE;
        put16(p + 1, 8);
        put64(p + 3, r->psk_handle);
        p += 11;
    }
    p = put_byte_field(p, TAG_CLIENT_RANDOM, &r->client_random);
    if (r->transcript_point != 0) {
        p = put_u8_field(p, TAG_TRANSCRIPT_POINT, r->transcript_point);
    }
    p = put_byte_field(p, TAG_AUXILIARY, &r->auxiliary);
    p = put_byte_field(p, TAG_PAYLOAD, &r->payload);
    if (r->content_type != 0) {
        p = put_u8_field(p, TAG_CONTENT_TYPE, r->content_type);
    }
    if (r->padding != 0) {
        p = put_u16_field(p, TAG_PADDING, r->padding);
    }
    size_t size = (size_t) (p - start);
    put32(start, (uint32_t) (size - QTLS_LENGTH_FIELD));
    return (int) size;
}

/* One whole frame out. On the stream a partly written frame leaves the service mid-frame: the client closes. */
static int send_frame(qtls_client *c, const uint8_t *frame, size_t size) {
    if (c->fd < 0) {
        return fail(c, -ENOTCONN, "the client was closed by an earlier error");
    }
    if (c->datagram) {
        for (;;) {
            ssize_t n = send(c->fd, frame, size, MSG_NOSIGNAL);
            if (n >= 0) {
                if ((size_t) n != size) {
                    return fail(c, -EMSGSIZE, "sent %zd of a %zu-byte datagram", n, size);
                }
                return 0;
            }
            if (errno != EINTR) {
                /* e.g. ECONNREFUSED from an earlier ICMP error: the socket itself is still usable */
                int e = errno;
                return fail(c, -e, "send: %s", strerror(e));
            }
        }
    }
    size_t done = 0;
    while (done < size) {
        ssize_t n = send(c->fd, frame + done, size - done, MSG_NOSIGNAL);
        if (n > 0) {
            done += (size_t) n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            int e = n < 0 ? errno : EPIPE;
            return fail_closed(c, -e, "send: %s", strerror(e));
        }
    }
    return 0;
}

static uint32_t take_request_id(qtls_client *c) {
    uint32_t id = c->next_id++;
    if (c->next_id > LAST_REQUEST_ID) {
        c->next_id = 1;
    }
    return id;
}

static int send_request(qtls_client *c, const qtls_request *r, uint32_t id) {
    int size = encode(c, r, id);
    if (size < 0) {
        return size;
    }
    int rc = send_frame(c, c->out, (size_t) size);
    /* the frame may hold a private key or a PSK: nothing of it stays here */
    wipe(c->out, (size_t) size);
    return rc;
}

int qtls_send(qtls_client *c, const qtls_request *r, uint32_t *request_id_out) {
    if (c == NULL || r == NULL) {
        return c == NULL ? -EINVAL : fail(c, -EINVAL, "no request");
    }
    uint32_t id = take_request_id(c);
    int rc = send_request(c, r, id);
    if (rc == 0 && request_id_out != NULL) {
        *request_id_out = id;
    }
    return rc;
}

int qtls_send_raw(qtls_client *c, const void *frame, size_t len) {
    if (c == NULL || (frame == NULL && len != 0)) {
        return c == NULL ? -EINVAL : fail(c, -EINVAL, "no frame");
    }
    if (len == 0 || len > sizeof c->out) {
        return fail(c, -EMSGSIZE, "a raw frame of %zu bytes", len);
    }
    return send_frame(c, frame, len);
}

/* ---- replies ------------------------------------------------------------------------------------------------- */

static int field_size(qtls_client *c, unsigned tag, unsigned length, unsigned expected) {
    if (length != expected) {
        return fail_closed(c, -EPROTO, "reply field %u of %u bytes, not %u", tag, length, expected);
    }
    return 0;
}

/*
 * Reads one reply body (after the length field), as WireReply.read: a field of an unknown tag is skipped (later
 * minor versions add fields), a known one must have its size, and fewer than 3 bytes left over are ignored.
 */
static int parse_reply(qtls_client *c, const uint8_t *body, size_t length, qtls_reply *reply) {
    /* the output buffer is left as it is: only output_len says how much of it is this reply's */
    memset(reply, 0, offsetof(qtls_reply, output));
    if (body[0] != QTLS_WIRE_VERSION) {
        return fail_closed(c, -EPROTO, "a reply of protocol version %u", body[0]);
    }
    reply->operation = body[1];
    reply->status = body[2] == 0 ? QTLS_STATUS_OK : QTLS_STATUS_FAILED;
    reply->reason = body[3];
    reply->request_id = get32(body + 4);
    reply->connection_id = get64(body + 8);
    reply->progress = body[16];
    reply->alert = body[17];

    size_t at = QTLS_REPLY_HEADER;
    while (length - at >= 3) {
        unsigned tag = body[at];
        unsigned size = get16(body + at + 1);
        at += 3;
        if (size > length - at) {
            return fail_closed(c, -EPROTO, "reply field %u runs past the frame", tag);
        }
        const uint8_t *v = body + at;
        int rc = 0;
        switch (tag) {
        case TAG_HANDLE: {
            if ((rc = field_size(c, tag, size, 9)) < 0) {
                return rc;
            }
            if (v[0] == 0) {
                return fail_closed(c, -EPROTO, "a reply handle of secret kind 0");
            }
            size_t i = 0;
            while (i < reply->handle_count && reply->handles[i].kind != v[0]) {
                i++;
            }
            if (i == QTLS_MAX_HANDLES) {
                return fail_closed(c, -EPROTO, "a reply with more handles than secret kinds");
            }
            reply->handles[i].kind = v[0];
            reply->handles[i].value = get64(v + 1);
            if (i == reply->handle_count) {
                reply->handle_count++;
            }
            break;
        }
        case TAG_OUTPUT:
            if (size > QTLS_MAX_OUTPUT) {
                return fail_closed(c, -EPROTO, "a reply output of %u bytes", size);
            }
            memcpy(reply->output, v, size);
            reply->output_len = size;
            break;
        case TAG_OPENED_CONTENT_TYPE:
            if ((rc = field_size(c, tag, size, 1)) < 0) {
                return rc;
            }
            reply->content_type = v[0];
            break;
        case TAG_SERVICE_VERSION:
            if ((rc = field_size(c, tag, size, 1)) < 0) {
                return rc;
            }
            reply->hello.version = v[0];
            break;
        case TAG_MAX_PENDING:
        case TAG_MAX_SESSIONS:
        case TAG_RATE:
        case TAG_MAX_REQUEST_PAYLOAD: {
            if ((rc = field_size(c, tag, size, 4)) < 0) {
                return rc;
            }
            uint32_t value = get32(v);
            if (tag == TAG_MAX_PENDING) {
                reply->hello.max_pending = value;
            } else if (tag == TAG_MAX_SESSIONS) {
                reply->hello.max_sessions = value;
            } else if (tag == TAG_RATE) {
                reply->hello.requests_per_second = value;
            } else {
                reply->hello.max_request_payload = value;
            }
            break;
        }
        default:
            break;
        }
        at += size;
    }
    return 0;
}

/* Stream: the next frame's body, read in as many pieces as it comes; what a timeout cuts off is kept in c->in. */
static int read_stream_frame(qtls_client *c, int64_t deadline, size_t *body_length) {
    for (;;) {
        size_t want = QTLS_LENGTH_FIELD;
        if (c->have >= QTLS_LENGTH_FIELD) {
            uint32_t length = get32(c->in);
            if (length < QTLS_REPLY_HEADER || length > QTLS_MAX_FRAME) {
                return fail_closed(c, -EPROTO, "a reply frame of %lu bytes", (unsigned long) length);
            }
            want += length;
            if (c->have == want) {
                *body_length = length;
                c->have = 0;
                return 0;
            }
        }
        ssize_t n = recv(c->fd, c->in + c->have, want - c->have, MSG_DONTWAIT);
        if (n > 0) {
            c->have += (size_t) n;
        } else if (n == 0) {
            return fail_closed(c, -ECONNRESET, "the service closed the socket%s",
                               c->have > 0 ? " inside a reply" : "");
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int rc = wait_ready(c, POLLIN, deadline);
            if (rc == -ETIMEDOUT) {
                return fail(c, rc, "no reply in time");
            }
            if (rc < 0) {
                return fail(c, rc, "poll: %s", strerror(-rc));
            }
        } else if (errno != EINTR) {
            int e = errno;
            return fail_closed(c, -e, "recv: %s", strerror(e));
        }
    }
}

/* UDP: the next datagram that is one whole reply frame; any other is dropped, as the Java client does. */
static int read_datagram(qtls_client *c, int64_t deadline, size_t *body_length) {
    for (;;) {
        ssize_t n = recv(c->fd, c->in, sizeof c->in, MSG_DONTWAIT);
        if (n >= 0) {
            if ((size_t) n >= QTLS_LENGTH_FIELD + QTLS_REPLY_HEADER) {
                uint32_t length = get32(c->in);
                if (length == (size_t) n - QTLS_LENGTH_FIELD && length <= QTLS_MAX_FRAME) {
                    *body_length = length;
                    return 0;
                }
            }
            continue;
        }
        int e = errno;
        if (e == EAGAIN || e == EWOULDBLOCK) {
            int rc = wait_ready(c, POLLIN, deadline);
            if (rc == -ETIMEDOUT) {
                return fail(c, rc, "no reply in time");
            }
            if (rc < 0) {
                return fail(c, rc, "poll: %s", strerror(-rc));
            }
        } else if (e != EINTR) {
            /* ECONNREFUSED: an ICMP error for an earlier datagram; the socket stays usable */
            return fail(c, -e, "recv: %s", strerror(e));
        }
    }
}

static int receive_by(qtls_client *c, qtls_reply *reply, int64_t deadline) {
    for (;;) {
        if (c->fd < 0) {
            return fail(c, -ENOTCONN, "the client was closed by an earlier error");
        }
        size_t length = 0;
        int rc = c->datagram ? read_datagram(c, deadline, &length) : read_stream_frame(c, deadline, &length);
        if (rc < 0) {
            return rc;
        }
        rc = parse_reply(c, c->in + QTLS_LENGTH_FIELD, length, reply);
        if (rc < 0) {
            return rc;
        }
        if (c->datagram && c->hello_id != 0 && reply->operation == QTLS_OP_HELLO
            && reply->request_id == c->hello_id) {
            continue; /* the answer to a resent HELLO: already had one */
        }
        return 0;
    }
}

int qtls_receive(qtls_client *c, qtls_reply *reply, int timeout_ms) {
    if (c == NULL || reply == NULL) {
        return c == NULL ? -EINVAL : fail(c, -EINVAL, "no reply buffer");
    }
    return receive_by(c, reply, deadline_after(timeout_ms));
}

int qtls_call(qtls_client *c, const qtls_request *r, qtls_reply *reply, int timeout_ms) {
    if (c == NULL || r == NULL || reply == NULL) {
        return c == NULL ? -EINVAL : fail(c, -EINVAL, "no request or reply buffer");
    }
    int64_t deadline = deadline_after(timeout_ms);
    uint32_t id = 0;
    int rc = qtls_send(c, r, &id);
    if (rc < 0) {
        return rc;
    }
    rc = receive_by(c, reply, deadline);
    if (rc < 0) {
        return rc;
    }
    if (reply->request_id != id) {
        return fail(c, -EBADMSG, "the reply answers request %lu, not %lu: receive pipelined replies first",
                    (unsigned long) reply->request_id, (unsigned long) id);
    }
    return 0;
}

uint64_t qtls_reply_handle(const qtls_reply *reply, int secret_kind) {
    if (reply == NULL) {
        return 0;
    }
    for (size_t i = 0; i < reply->handle_count && i < QTLS_MAX_HANDLES; i++) {
        if (reply->handles[i].kind == secret_kind) {
            return reply->handles[i].value;
        }
    }
    return 0;
}

/* ---- opening and closing ------------------------------------------------------------------------------------- */

const qtls_hello *qtls_get_hello(const qtls_client *c) {
    return c == NULL ? NULL : &c->hello;
}

const char *qtls_last_error(const qtls_client *c) {
    return c == NULL ? "no client" : c->error;
}

void qtls_close(qtls_client *c) {
    if (c == NULL) {
        return;
    }
    if (c->fd >= 0) {
        close(c->fd);
    }
    wipe(c, sizeof *c);
    free(c);
}

/*
 * HELLO, as the Java client does first: the service's limits, and a check that it speaks version 1. Through UDP
 * it is resent (same request id) until answered, since a lost datagram is not resent by anyone else.
 */
static int say_hello(qtls_client *c) {
    qtls_reply *reply = malloc(sizeof *reply);
    if (reply == NULL) {
        return fail(c, -ENOMEM, "out of memory");
    }
    qtls_request request = {0};
    request.operation = QTLS_OP_HELLO;
    uint32_t id = take_request_id(c);
    int64_t deadline = now_ms() + HELLO_TIMEOUT_MS;
    int rc;
    for (;;) {
        if ((rc = send_request(c, &request, id)) < 0) {
            break;
        }
        int64_t wait_until = c->datagram && now_ms() + HELLO_RESEND_MS < deadline ? now_ms() + HELLO_RESEND_MS
                                                                                  : deadline;
        do {
            rc = receive_by(c, reply, wait_until);
        } while (rc == 0 && (reply->request_id != id || reply->operation != QTLS_OP_HELLO));
        if (rc != -ETIMEDOUT || now_ms() >= deadline) {
            break;
        }
    }
    if (rc == -ETIMEDOUT) {
        rc = fail(c, rc, "no answer to HELLO in %d ms", HELLO_TIMEOUT_MS);
    } else if (rc == 0 && reply->status != QTLS_STATUS_OK) {
        rc = fail(c, -ECONNREFUSED, "the offload service refused HELLO: %s", qtls_reason_name(reply->reason));
    } else if (rc == 0 && reply->hello.version != QTLS_WIRE_VERSION) {
        rc = fail(c, -EPROTO, "the offload service speaks protocol version %lu",
                  (unsigned long) reply->hello.version);
    } else if (rc == 0) {
        c->hello = reply->hello;
        c->hello_id = c->datagram ? id : 0;
    }
    free(reply);
    return rc;
}

static qtls_client *new_client(int datagram) {
    qtls_client *c = calloc(1, sizeof *c);
    if (c != NULL) {
        c->fd = -1;
        c->datagram = datagram;
        c->next_id = 1;
    }
    return c;
}

/* The end of a failed open: the message to the caller, errno set, nothing left behind. */
QTLS_PRINTF(5, 6) static qtls_client *open_failed(qtls_client *c, int rc, char *err, size_t errlen,
                                                  const char *format, ...) {
    if (err != NULL && errlen > 0) {
        va_list args;
        va_start(args, format);
        vsnprintf(err, errlen, format, args);
        va_end(args);
    }
    qtls_close(c);
    errno = -rc;
    return NULL;
}

qtls_client *qtls_open_unix(const char *path, char *err, size_t errlen) {
    struct sockaddr_un address;
    if (path == NULL) {
        return open_failed(NULL, -EINVAL, err, errlen, "no socket path");
    }
    size_t length = strlen(path);
    if (length >= sizeof address.sun_path) {
        return open_failed(NULL, -ENAMETOOLONG, err, errlen, "%s: the socket path is too long", path);
    }
    qtls_client *c = new_client(0);
    if (c == NULL) {
        return open_failed(NULL, -ENOMEM, err, errlen, "out of memory");
    }
    c->fd = new_socket(AF_UNIX, SOCK_STREAM);
    if (c->fd < 0) {
        int e = errno;
        return open_failed(c, -e, err, errlen, "socket: %s", strerror(e));
    }
    memset(&address, 0, sizeof address);
    address.sun_family = AF_UNIX;
    memcpy(address.sun_path, path, length + 1);
    int rc = connect_socket(c->fd, (const struct sockaddr *) &address, sizeof address);
    if (rc < 0) {
        return open_failed(c, rc, err, errlen, "connect %s: %s", path, strerror(-rc));
    }
    if ((rc = say_hello(c)) < 0) {
        return open_failed(c, rc, err, errlen, "%s: %s", path, c->error);
    }
    c->error[0] = '\0';
    return c;
}

qtls_client *qtls_open_udp(const char *ipv4, uint16_t port, char *err, size_t errlen) {
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    if (ipv4 == NULL || inet_pton(AF_INET, ipv4, &address.sin_addr) != 1) {
        return open_failed(NULL, -EINVAL, err, errlen, "%s: not an IPv4 address", ipv4 == NULL ? "(null)" : ipv4);
    }
    qtls_client *c = new_client(1);
    if (c == NULL) {
        return open_failed(NULL, -ENOMEM, err, errlen, "out of memory");
    }
    c->fd = new_socket(AF_INET, SOCK_DGRAM);
    if (c->fd < 0) {
        int e = errno;
        return open_failed(c, -e, err, errlen, "socket: %s", strerror(e));
    }
    int rc = connect_socket(c->fd, (const struct sockaddr *) &address, sizeof address);
    if (rc < 0) {
        return open_failed(c, rc, err, errlen, "connect %s:%u: %s", ipv4, (unsigned) port, strerror(-rc));
    }
    if ((rc = say_hello(c)) < 0) {
        return open_failed(c, rc, err, errlen, "%s:%u: %s", ipv4, (unsigned) port, c->error);
    }
    c->error[0] = '\0';
    return c;
}
