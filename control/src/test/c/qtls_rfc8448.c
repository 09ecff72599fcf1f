/*
 * qtls_rfc8448: drives the client side of RFC 8448 section 3 (simple 1-RTT handshake, TLS_AES_128_GCM_SHA256,
 * x25519) through the offload service with libquiver-tls, and checks every output against the RFC's bytes; then
 * the service's answers to bad requests, pipelining and CLOSE. The Java tests run it against a live service.
 *
 *   qtls_rfc8448 unix:/run/quiver/tls-offload.sock
 *   qtls_rfc8448 udp:169.254.169.254:6862
 *   qtls_rfc8448 ADDRESS --handle-of-other-client HEX   (passes only if that handle is UNKNOWN_HANDLE here)
 *
 * Steps: 1 START (ClientHello || ServerHello); 2 OPEN_RECORD of the server's flight record, its messages in pieces
 * (MORE_MESSAGES); 3 FINISHED and its record; 4 application data both ways (the RFC server, connection 9, seals the
 * ticket that precedes the RFC's server record); 5 bad requests (unknown operation, unknown handle, duplicate
 * connection, a repeated field); 6 pipelining; 7 CLOSE, after which the handles are unknown.
 *
 * One line per check, "ok step ..." or "FAIL step ...: expected X got Y". Exit 0: all passed, 1: a check failed,
 * 2: usage or transport error. A request refused RATE_LIMITED is resent after a second (the service refuses it
 * before the engine sees it); the pipelined ones are not, and are at most HELLO's max pending.
 *
 * Build: cc -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -I control/src/main/c/quiver-tls \
 *            control/src/test/c/qtls_rfc8448.c control/src/main/c/quiver-tls/quiver_tls.c -o qtls_rfc8448
 */
#include "quiver_tls.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * RFC 8448 section 3, as in the Java tests (dataplane/src/test/java/io/quiver/dataplane/offload/tls/Rfc8448.java,
 * class Simple); main() checks each message's and record's own length field against its size.
 */
static const char CLIENT_PRIVATE_HEX[] =
    "49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005";
static const char SERVER_PRIVATE_HEX[] =
    "b1580eeadf6dd589b8ef4f2d5652578cc810e9980191ec8d058308cea216a21e";
static const char CLIENT_HELLO_HEX[] =
    "010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece700000613011303130201"
    "0000910000000b0009000006736572766572ff01000100000a00140012001d0017001800190100010101020103010400"
    "230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c002b00"
    "03020304000d0020001e040305030603020308040805080604010501060102010402050206020202002d00020101001c"
    "00024001";
static const char SERVER_HELLO_HEX[] =
    "020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e00330024"
    "001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304";
static const char ENCRYPTED_EXTENSIONS_HEX[] =
    "080000240022000a00140012001d00170018001901000101010201030104001c0002400100000000";
static const char CERTIFICATE_HEX[] =
    "0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a864886f70d01010b0500300e310c300a"
    "06035504031303727361301e170d3136303733303031323335395a170d3236303733303031323335395a300e310c300a"
    "0603550403130372736130819f300d06092a864886f70d010101050003818d0030818902818100b4bb498f8279303d98"
    "0836399b36c6988c0c68de55e1bdb826d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced4312"
    "0998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda430846748030530ef0461c8ca9d9efbfae8ea6d1d0"
    "3e2bd193eff0ab9a8002c47428a6d35a8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b060355"
    "1d0f0404030205a0300d06092a864886f70d01010b05000381810085aad2a0e5b9276b908c65f73a7267170618a54c5f"
    "8a7b337d2df7a594365417f2eae8f8a58c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102"
    "702e608ccae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0a8b2f759409ba3eac9d91d402dcc0cc8"
    "f8961229ac9187b42b4de10000";
static const char CERTIFICATE_VERIFY_HEX[] =
    "0f000084080400805a747c5d88fa9bd2e55ab085a61015b7211f824cd484145ab3ff52f1fda8477b0b7abc90db78e2d3"
    "3a5c141a078653fa6bef780c5ea248eeaaa785c4f394cab6d30bbe8d4859ee511f602957b15411ac027671459e46445c"
    "9ea58c181e818e95b8c3fb0bf3278409d3be152a3da5043e063dda65cdf5aea20d53dfacd42f74f3";
static const char SERVER_FINISHED_HEX[] =
    "140000209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718";
static const char CLIENT_FINISHED_HEX[] =
    "14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61";
static const char NEW_SESSION_TICKET_HEX[] =
    "040000c90000001efad6aac502000000b22c035d829359ee5ff7af4ec900000000262a6494dc486d2c8a34cb33fa90bf"
    "1b0070ad3c498883c9367c09a2be785abc55cd226097a3a982117283f82a03a143efd3ff5dd36d64e861be7fd61d2827"
    "db279cce145077d454a3664d4e6da4d29ee03725a6a4dafcd0fc67d2aea70529513e3da2677fa5906c5b3f7d8f92f228"
    "bda40dda721470f9fbf297b5aea617646fac5c03272e970727c621a79141ef5f7de6505e5bfbc388e93343694093934a"
    "e4d3570008002a000400000400";
static const char SERVER_FLIGHT_RECORD_HEX[] =
    "17030302a2d1ff334a56f5bff6594a07cc87b580233f500f45e489e7f33af35edf7869fcf40aa40aa2b8ea73f848a7ca"
    "07612ef9f945cb960b4068905123ea78b111b429ba9191cd05d2a389280f526134aadc7fc78c4b729df828b5ecf7b13b"
    "d9aefb0e57f271585b8ea9bb355c7c79020716cfb9b1183ef3ab20e37d57a6b9d7477609aee6e122a4cf51427325250c"
    "7d0e509289444c9b3a648f1d71035d2ed65b0e3cdd0cbae8bf2d0b227812cbb360987255cc744110c453baa4fcd61092"
    "8d809810e4b7ed1a8fd991f06aa6248204797e36a6a73b70a2559c09ead686945ba246ab66e5edd8044b4c6de3fcf2a8"
    "9441ac66272fd8fb330ef8190579b3684596c960bd596eea520a56a8d650f563aad27409960dca63d3e688611ea5e22f"
    "4415cf9538d51a200c27034272968a264ed6540c84838d89f72c24461aad6d26f59ecaba9acbbb317b66d902f4f292a3"
    "6ac1b639c637ce343117b659622245317b49eeda0c6258f100d7d961ffb138647e92ea330faeea6dfa31c7a84dc3bd7e"
    "1b7a6c7178af36879018e3f252107f243d243dc7339d5684c8b0378bf30244da8c87c843f5e56eb4c5e8280a2b48052c"
    "f93b16499a66db7cca71e4599426f7d461e66f99882bd89fc50800becca62d6c74116dbd2972fda1fa80f85df881edbe"
    "5a37668936b335583b599186dc5c6918a396fa48a181d6b6fa4f9d62d513afbb992f2b992f67f8afe67f76913fa388cb"
    "5630c8ca01e0c65d11c66a1e2ac4c85977b7c7a6999bbf10dc35ae69f5515614636c0b9b68c19ed2e31c0b3b66763038"
    "ebba42f3b38edc0399f3a9f23faa63978c317fc9fa66a73f60f0504de93b5b845e275592c12335ee340bbc4fddd50278"
    "4016e4b3be7ef04dda49f4b440a30cb5d2af939828fd4ae3794e44f94df5a631ede42c1719bfdabf0253fe5175be898e"
    "750edc53370d2b";
static const char CLIENT_FINISHED_RECORD_HEX[] =
    "170303003575ec4dc238cce60b298044a71e219c56cc77b0517fe9b93c7a4bfc44d87f38f80338ac98fc46deb384bd1c"
    "aeacab6867d726c40546";
static const char CLIENT_APPLICATION_RECORD_HEX[] =
    "1703030043a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f2b9819a8a5b46b395bd54a9a20441e2b"
    "62974e1f5a6292a2977014bd1e3deae63aeebb21694915e4";
static const char SERVER_APPLICATION_RECORD_HEX[] =
    "17030300432e937e11ef4ac740e538ad36005fc4a46932fc3225d05f82aa1b36e30efaf97d90e6dffc602dcb501a59a8"
    "fcc49c4bf2e5f0a21c0047c2abf332540dd032e167c2955d";

#define SUITE_AES_128_GCM_SHA256 0x1301
#define GROUP_X25519 0x001d
#define CONTENT_HANDSHAKE 22
#define CONTENT_APPLICATION_DATA 23
#define CLIENT_CONNECTION 1
/* The RFC server's side, whose first application record (the ticket) must precede the one the RFC shows. */
#define SERVER_CONNECTION 9
#define TIMEOUT_MS 10000
/* Small enough that the 657-byte server flight goes in three requests, cut inside messages. */
#define FLIGHT_PIECE 300
#define PIPELINED 16
/* Above every id the library gives, so a hand-written frame's reply cannot be taken for another's. */
#define RAW_REQUEST_ID 0x80000001u

typedef struct blob {
    uint8_t *data;
    size_t len;
} blob;

static blob client_private, server_private, client_hello, server_hello, encrypted_extensions, certificate,
        certificate_verify, server_finished, client_finished, new_session_ticket, server_flight_record,
        client_finished_record, client_application_record, server_application_record;
static blob hello_messages, server_flight, application_data;

static int checks;
static int failures;
/* about 17 KiB each: kept off the stack */
static qtls_reply reply;
static qtls_reply flight_handles;

static void *must_alloc(size_t n) {
    void *p = malloc(n == 0 ? 1 : n);
    if (p == NULL) {
        fprintf(stderr, "qtls_rfc8448: out of memory\n");
        exit(2);
    }
    return p;
}

static int nibble(char h) {
    return h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
}

static blob unhex(const char *hex) {
    size_t n = strlen(hex);
    if (n % 2 != 0) {
        fprintf(stderr, "qtls_rfc8448: odd hex vector\n");
        exit(2);
    }
    blob b = {must_alloc(n / 2), n / 2};
    for (size_t i = 0; i < b.len; i++) {
        int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            fprintf(stderr, "qtls_rfc8448: bad hex vector\n");
            exit(2);
        }
        b.data[i] = (uint8_t) (hi << 4 | lo);
    }
    return b;
}

static blob concat(const blob *parts, size_t count) {
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        n += parts[i].len;
    }
    blob b = {must_alloc(n), 0};
    for (size_t i = 0; i < count; i++) {
        memcpy(b.data + b.len, parts[i].data, parts[i].len);
        b.len += parts[i].len;
    }
    return b;
}

/* A copying mistake in a vector would fail every later check confusingly: each carries its own length. */
static void check_vector(const char *name, const blob *b, size_t header, size_t stated) {
    if (b->len != header + stated) {
        fprintf(stderr, "qtls_rfc8448: vector %s is %zu bytes, its header says %zu\n", name, b->len, header + stated);
        exit(2);
    }
}

static size_t handshake_length(const blob *b) {
    return b->len < 4 ? 0 : (size_t) b->data[1] << 16 | (size_t) b->data[2] << 8 | b->data[3];
}

static size_t record_length(const blob *b) {
    return b->len < 5 ? 0 : (size_t) b->data[3] << 8 | b->data[4];
}

static void load_vectors(void) {
    client_private = unhex(CLIENT_PRIVATE_HEX);
    server_private = unhex(SERVER_PRIVATE_HEX);
    client_hello = unhex(CLIENT_HELLO_HEX);
    server_hello = unhex(SERVER_HELLO_HEX);
    encrypted_extensions = unhex(ENCRYPTED_EXTENSIONS_HEX);
    certificate = unhex(CERTIFICATE_HEX);
    certificate_verify = unhex(CERTIFICATE_VERIFY_HEX);
    server_finished = unhex(SERVER_FINISHED_HEX);
    client_finished = unhex(CLIENT_FINISHED_HEX);
    new_session_ticket = unhex(NEW_SESSION_TICKET_HEX);
    server_flight_record = unhex(SERVER_FLIGHT_RECORD_HEX);
    client_finished_record = unhex(CLIENT_FINISHED_RECORD_HEX);
    client_application_record = unhex(CLIENT_APPLICATION_RECORD_HEX);
    server_application_record = unhex(SERVER_APPLICATION_RECORD_HEX);

    if (client_private.len != 32 || server_private.len != 32) {
        fprintf(stderr, "qtls_rfc8448: an x25519 private key is not 32 bytes\n");
        exit(2);
    }
    const struct {
        const char *name;
        const blob *b;
    } messages[] = {
        {"ClientHello", &client_hello},         {"ServerHello", &server_hello},
        {"EncryptedExtensions", &encrypted_extensions}, {"Certificate", &certificate},
        {"CertificateVerify", &certificate_verify}, {"server Finished", &server_finished},
        {"client Finished", &client_finished},  {"NewSessionTicket", &new_session_ticket},
    };
    for (size_t i = 0; i < sizeof messages / sizeof messages[0]; i++) {
        check_vector(messages[i].name, messages[i].b, 4, handshake_length(messages[i].b));
    }
    const struct {
        const char *name;
        const blob *b;
    } records[] = {
        {"server flight record", &server_flight_record},
        {"client Finished record", &client_finished_record},
        {"client application record", &client_application_record},
        {"server application record", &server_application_record},
    };
    for (size_t i = 0; i < sizeof records / sizeof records[0]; i++) {
        check_vector(records[i].name, records[i].b, 5, record_length(records[i].b));
    }

    blob hellos[] = {client_hello, server_hello};
    hello_messages = concat(hellos, 2);
    blob flight[] = {encrypted_extensions, certificate, certificate_verify, server_finished};
    server_flight = concat(flight, 4);
    /* RFC 8448 section 3's application data: the 50 bytes 00 01 .. 31 */
    application_data.data = must_alloc(50);
    application_data.len = 50;
    for (size_t i = 0; i < 50; i++) {
        application_data.data[i] = (uint8_t) i;
    }
}

/* ---- checks ---------------------------------------------------------------------------------------------------- */

static void pass(const char *step, const char *what) {
    checks++;
    printf("ok step %s: %s\n", step, what);
}

static void failed(const char *step, const char *what, const char *expected, const char *got) {
    checks++;
    failures++;
    printf("FAIL step %s: %s: expected %s got %s\n", step, what, expected, got);
}

static void check(const char *step, const char *what, int passed, const char *expected, const char *got) {
    if (passed) {
        pass(step, what);
    } else {
        failed(step, what, expected, got);
    }
}

/* "OK" or "FAILED REASON" (with the progress), what a reply says in a FAIL line */
static const char *outcome(const qtls_reply *r) {
    static char text[96];
    if (r->status == QTLS_STATUS_OK) {
        snprintf(text, sizeof text, "OK (progress %u)", r->progress);
    } else {
        snprintf(text, sizeof text, "FAILED %s (reason %u, alert %u)", qtls_reason_name(r->reason), r->reason,
                 r->alert);
    }
    return text;
}

static int check_ok(const char *step, const char *what, const qtls_reply *r) {
    int passed = r->status == QTLS_STATUS_OK;
    check(step, what, passed, "OK", outcome(r));
    return passed;
}

static void check_reason(const char *step, const char *what, const qtls_reply *r, int reason) {
    char expected[64];
    snprintf(expected, sizeof expected, "FAILED %s", qtls_reason_name(reason));
    check(step, what, r->status == QTLS_STATUS_FAILED && r->reason == reason, expected, outcome(r));
}

static void check_number(const char *step, const char *what, uint64_t got, uint64_t expected) {
    char e[32], g[32];
    snprintf(e, sizeof e, "%" PRIu64, expected);
    snprintf(g, sizeof g, "%" PRIu64, got);
    check(step, what, got == expected, e, g);
}

static void check_handle(const char *step, const char *what, const qtls_reply *r, int kind) {
    char e[48];
    snprintf(e, sizeof e, "a handle of secret kind %d", kind);
    check(step, what, qtls_reply_handle(r, kind) != 0, e, "none");
}

/* Hex of a byte string, shortened in the middle: enough to see where two differ. */
static void describe_bytes(char *out, size_t size, const uint8_t *b, size_t n) {
    int used = snprintf(out, size, "%zu bytes ", n);
    for (size_t i = 0; i < n && used > 0 && (size_t) used + 3 < size; i++) {
        if (n > 48 && i == 24) {
            used += snprintf(out + used, size - (size_t) used, "..");
            i = n - 24;
        }
        used += snprintf(out + used, size - (size_t) used, "%02x", b[i]);
    }
}

static void check_bytes(const char *step, const char *what, const qtls_reply *r, const blob *expected) {
    if (r->status != QTLS_STATUS_OK) {
        char e[32];
        snprintf(e, sizeof e, "OK with %zu bytes", expected->len);
        failed(step, what, e, outcome(r));
        return;
    }
    if (r->output_len == expected->len && memcmp(r->output, expected->data, expected->len) == 0) {
        pass(step, what);
        return;
    }
    char e[160], g[160];
    describe_bytes(e, sizeof e, expected->data, expected->len);
    describe_bytes(g, sizeof g, r->output, r->output_len);
    failed(step, what, e, g);
}

/* A transport error ends the run: nothing after it could be checked. */
static void transport_failed(qtls_client *c, const char *step, int rc) {
    printf("FAIL step %s: transport error %d (%s): %s\n", step, rc, strerror(-rc), qtls_last_error(c));
    printf("qtls_rfc8448: stopped after %d checks, %d failed\n", checks, failures);
    qtls_close(c);
    exit(2);
}

static void sleep_ms(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) != 0 && errno == EINTR) {
    }
}

/* A request and its reply. RATE_LIMITED is refused before the engine sees the request, so it is simply resent. */
static void call(qtls_client *c, const char *step, const qtls_request *request, qtls_reply *r) {
    for (int attempt = 0;; attempt++) {
        int rc = qtls_call(c, request, r, TIMEOUT_MS);
        if (rc < 0) {
            transport_failed(c, step, rc);
        }
        if (r->status != QTLS_STATUS_FAILED || r->reason != QTLS_REASON_RATE_LIMITED || attempt == 5) {
            return;
        }
        sleep_ms(1100);
    }
}

static qtls_bytes bytes_of(const blob *b) {
    qtls_bytes field = {b->data, b->len};
    return field;
}

static void seal(qtls_client *c, const char *step, uint64_t handle, int content_type, const blob *plaintext,
                 qtls_reply *r) {
    qtls_request request = {0};
    request.operation = QTLS_OP_SEAL_RECORD;
    request.connection_id = CLIENT_CONNECTION;
    request.key_handle = handle;
    request.content_type = (uint8_t) content_type;
    request.payload = bytes_of(plaintext);
    call(c, step, &request, r);
}

static void open_record(qtls_client *c, const char *step, uint64_t handle, const blob *record, qtls_reply *r) {
    qtls_request request = {0};
    request.operation = QTLS_OP_OPEN_RECORD;
    request.connection_id = CLIENT_CONNECTION;
    request.key_handle = handle;
    request.payload = bytes_of(record);
    call(c, step, &request, r);
}

static void start(qtls_client *c, const char *step, uint64_t connection, int role, const blob *private_key,
                  qtls_reply *r) {
    qtls_request request = {0};
    request.operation = QTLS_OP_START;
    request.connection_id = connection;
    request.role = (uint8_t) role;
    request.cipher_suite = SUITE_AES_128_GCM_SHA256;
    request.named_group = GROUP_X25519;
    request.private_key = bytes_of(private_key);
    request.payload = bytes_of(&hello_messages);
    call(c, step, &request, r);
}

static void simple_request(qtls_client *c, const char *step, int operation, uint64_t connection, qtls_reply *r) {
    qtls_request request = {0};
    request.operation = operation;
    request.connection_id = connection;
    call(c, step, &request, r);
}

/*
 * The flight in pieces of at most FLIGHT_PIECE bytes, MORE_MESSAGES on all but the last, as the Java client
 * splits flights to a VNIC's payload capacity. The handles of every piece go into *merged; false if one failed.
 */
static int send_flight(qtls_client *c, const char *step, uint64_t connection, const blob *flight, qtls_reply *r,
                       qtls_reply *merged, int *pieces) {
    size_t piece = qtls_payload_capacity(c) < FLIGHT_PIECE ? qtls_payload_capacity(c) : FLIGHT_PIECE;
    memset(merged, 0, sizeof *merged);
    *pieces = 0;
    for (size_t at = 0; at < flight->len;) {
        size_t n = flight->len - at < piece ? flight->len - at : piece;
        qtls_request request = {0};
        request.operation = QTLS_OP_HANDSHAKE_MESSAGES;
        request.connection_id = connection;
        request.flags = at + n < flight->len ? QTLS_FLAG_MORE_MESSAGES : 0;
        request.payload.data = flight->data + at;
        request.payload.len = n;
        call(c, step, &request, r);
        (*pieces)++;
        if (r->status != QTLS_STATUS_OK) {
            return 0;
        }
        for (size_t i = 0; i < r->handle_count; i++) {
            if (qtls_reply_handle(merged, r->handles[i].kind) == 0 && merged->handle_count < QTLS_MAX_HANDLES) {
                merged->handles[merged->handle_count++] = r->handles[i];
            }
        }
        at += n;
    }
    return 1;
}

/* ---- the run --------------------------------------------------------------------------------------------------- */

static qtls_client *connect_to(const char *address) {
    char err[512];
    qtls_client *c = NULL;
    if (strncmp(address, "unix:", 5) == 0 && address[5] != '\0') {
        c = qtls_open_unix(address + 5, err, sizeof err);
    } else if (strncmp(address, "udp:", 4) == 0) {
        char host[64];
        const char *colon = strrchr(address + 4, ':');
        char *end = NULL;
        unsigned long port = colon == NULL ? 0 : strtoul(colon + 1, &end, 10);
        size_t host_length = colon == NULL ? 0 : (size_t) (colon - (address + 4));
        if (colon == NULL || end == colon + 1 || *end != '\0' || port == 0 || port > 65535 || host_length == 0
            || host_length >= sizeof host) {
            fprintf(stderr, "qtls_rfc8448: expected udp:IPV4:PORT, got %s\n", address);
            exit(2);
        }
        memcpy(host, address + 4, host_length);
        host[host_length] = '\0';
        c = qtls_open_udp(host, (uint16_t) port, err, sizeof err);
    } else {
        fprintf(stderr, "usage: qtls_rfc8448 unix:PATH | udp:IPV4:PORT [--handle-of-other-client HEX]\n");
        exit(2);
    }
    if (c == NULL) {
        printf("FAIL step 0 hello: cannot reach the offload service: %s\n", err);
        exit(2);
    }
    return c;
}

/* Isolation from C: another client's live handle must be unknown to this one. */
static int other_clients_handle(qtls_client *c, const char *hex) {
    char *end = NULL;
    errno = 0;
    uint64_t handle = strtoull(hex, &end, 16);
    if (errno != 0 || end == hex || *end != '\0' || handle == 0) {
        fprintf(stderr, "qtls_rfc8448: not a handle in hex: %s\n", hex);
        qtls_close(c);
        return 2;
    }
    const char *step = "isolation";
    seal(c, step, handle, CONTENT_APPLICATION_DATA, &application_data, &reply);
    char what[96];
    snprintf(what, sizeof what, "SEAL_RECORD under another client's handle 0x%016" PRIx64 " (%s)", handle,
             reply.status == QTLS_STATUS_OK ? "OK" : qtls_reason_name(reply.reason));
    check_reason(step, what, &reply, QTLS_REASON_UNKNOWN_HANDLE);
    qtls_close(c);
    if (failures != 0) {
        printf("qtls_rfc8448: %d of %d checks failed\n", failures, checks);
        return 1;
    }
    printf("qtls_rfc8448: all %d checks passed\n", checks);
    return 0;
}

static void rfc8448_client(qtls_client *c) {
    char text[160];

    /* 1: START with ClientHello || ServerHello: the handshake traffic secrets */
    const char *step = "1 start";
    start(c, step, CLIENT_CONNECTION, QTLS_ROLE_CLIENT, &client_private, &reply);
    check_ok(step, "START connection 1 as the client", &reply);
    check_number(step, "progress HANDSHAKE_KEYS", reply.progress, QTLS_PROGRESS_HANDSHAKE_KEYS);
    check_handle(step, "CLIENT_HANDSHAKE_TRAFFIC handle", &reply, QTLS_SECRET_CLIENT_HANDSHAKE_TRAFFIC);
    check_handle(step, "SERVER_HANDSHAKE_TRAFFIC handle", &reply, QTLS_SECRET_SERVER_HANDSHAKE_TRAFFIC);
    uint64_t client_handshake = qtls_reply_handle(&reply, QTLS_SECRET_CLIENT_HANDSHAKE_TRAFFIC);
    uint64_t server_handshake = qtls_reply_handle(&reply, QTLS_SECRET_SERVER_HANDSHAKE_TRAFFIC);

    /* 2: the server's encrypted flight, opened with the offloaded key, then its messages to the engine */
    step = "2 server flight";
    open_record(c, step, server_handshake, &server_flight_record, &reply);
    check_bytes(step, "OPEN_RECORD of the RFC's server handshake record gives EE, Certificate, CV, Finished",
                &reply, &server_flight);
    check_number(step, "opened content type handshake", reply.content_type, CONTENT_HANDSHAKE);
    int pieces = 0;
    int flight_ok = send_flight(c, step, CLIENT_CONNECTION, &server_flight, &reply, &flight_handles, &pieces);
    snprintf(text, sizeof text, "HANDSHAKE_MESSAGES of the server flight in %d pieces (MORE_MESSAGES but the last)",
             pieces);
    check(step, text, flight_ok, "OK", outcome(&reply));
    check_number(step, "progress APPLICATION_KEYS", reply.progress, QTLS_PROGRESS_APPLICATION_KEYS);
    check_handle(step, "CLIENT_APPLICATION_TRAFFIC handle", &flight_handles, QTLS_SECRET_CLIENT_APPLICATION_TRAFFIC);
    check_handle(step, "SERVER_APPLICATION_TRAFFIC handle", &flight_handles, QTLS_SECRET_SERVER_APPLICATION_TRAFFIC);
    uint64_t client_application = qtls_reply_handle(&flight_handles, QTLS_SECRET_CLIENT_APPLICATION_TRAFFIC);
    uint64_t server_application = qtls_reply_handle(&flight_handles, QTLS_SECRET_SERVER_APPLICATION_TRAFFIC);

    /* 3: the client Finished, and its record under the client handshake key */
    step = "3 finished";
    simple_request(c, step, QTLS_OP_FINISHED, CLIENT_CONNECTION, &reply);
    check_bytes(step, "FINISHED gives the RFC's client Finished", &reply, &client_finished);
    check_number(step, "progress COMPLETE", reply.progress, QTLS_PROGRESS_COMPLETE);
    check_handle(step, "RESUMPTION_MASTER handle", &reply, QTLS_SECRET_RESUMPTION_MASTER);
    seal(c, step, client_handshake, CONTENT_HANDSHAKE, &client_finished, &reply);
    check_bytes(step, "SEAL_RECORD of the Finished is the RFC's protected client Finished record", &reply,
                &client_finished_record);

    /* 4: application data both ways */
    step = "4 application data";
    seal(c, step, client_application, CONTENT_APPLICATION_DATA, &application_data, &reply);
    check_bytes(step, "SEAL_RECORD of 00..31 is the RFC's client application data record", &reply,
                &client_application_record);
    /*
     * The RFC's server application record is the server's second: its NewSessionTicket went first, and the RFC
     * does not give that record. So, as the engine test does, the RFC server (connection 9 of this same client)
     * seals the ticket; the client opens it and then the RFC's record, at the right sequence number.
     */
    start(c, step, SERVER_CONNECTION, QTLS_ROLE_SERVER, &server_private, &reply);
    check_ok(step, "START connection 9 as the RFC's server", &reply);
    send_flight(c, step, SERVER_CONNECTION, &server_flight, &reply, &flight_handles, &pieces);
    check_ok(step, "HANDSHAKE_MESSAGES of the server flight on the server side", &reply);
    uint64_t rfc_server_application = qtls_reply_handle(&flight_handles, QTLS_SECRET_SERVER_APPLICATION_TRAFFIC);
    seal(c, step, rfc_server_application, CONTENT_HANDSHAKE, &new_session_ticket, &reply);
    check_ok(step, "the RFC server seals its NewSessionTicket", &reply);
    blob ticket_record = {must_alloc(reply.output_len), reply.output_len};
    memcpy(ticket_record.data, reply.output, reply.output_len);
    seal(c, step, rfc_server_application, CONTENT_APPLICATION_DATA, &application_data, &reply);
    check_bytes(step, "the RFC server's SEAL_RECORD of 00..31 is the RFC's server application data record", &reply,
                &server_application_record);
    simple_request(c, step, QTLS_OP_CLOSE, SERVER_CONNECTION, &reply);
    check_ok(step, "CLOSE connection 9", &reply);
    open_record(c, step, server_application, &ticket_record, &reply);
    check_bytes(step, "OPEN_RECORD of the ticket record gives the RFC's NewSessionTicket", &reply,
                &new_session_ticket);
    free(ticket_record.data);
    open_record(c, step, server_application, &server_application_record, &reply);
    check_bytes(step, "OPEN_RECORD of the RFC's server application data record gives 00..31", &reply,
                &application_data);
    check_number(step, "opened content type application data", reply.content_type, CONTENT_APPLICATION_DATA);

    /* 5: bad requests are answered with their reason, and the client goes on */
    step = "5 bad input";
    simple_request(c, step, 99, CLIENT_CONNECTION, &reply);
    check_reason(step, "operation code 99", &reply, QTLS_REASON_UNKNOWN_OPERATION);
    check_number(step, "the refusal echoes operation 99", reply.operation, 99);
    seal(c, step, 0x1234, CONTENT_APPLICATION_DATA, &application_data, &reply);
    check_reason(step, "SEAL_RECORD under handle 0x1234", &reply, QTLS_REASON_UNKNOWN_HANDLE);
    start(c, step, CLIENT_CONNECTION, QTLS_ROLE_CLIENT, &client_private, &reply);
    check_reason(step, "START of connection 1 again", &reply, QTLS_REASON_DUPLICATE_CONNECTION);

    uint8_t frame[QTLS_LENGTH_FIELD + QTLS_REQUEST_HEADER + 8] = {
        0, 0, 0, QTLS_REQUEST_HEADER + 8,                                      /* length */
        QTLS_WIRE_VERSION, QTLS_OP_SEAL_RECORD, 0, 0,                          /* version, operation, flags */
        (uint8_t) (RAW_REQUEST_ID >> 24), (uint8_t) (RAW_REQUEST_ID >> 16),    /* request id */
        (uint8_t) (RAW_REQUEST_ID >> 8), (uint8_t) RAW_REQUEST_ID,
        0, 0, 0, 0, 0, 0, 0, CLIENT_CONNECTION,                                /* connection id */
        0, 0, 0, 0, 0, 0, 0, 0,                                                /* key handle, below */
        14, 0, 1, CONTENT_APPLICATION_DATA,                                    /* content type */
        14, 0, 1, CONTENT_APPLICATION_DATA,                                    /* ... twice */
    };
    for (int i = 0; i < 8; i++) {
        frame[20 + i] = (uint8_t) (client_application >> (56 - 8 * i));
    }
    int rc = qtls_send_raw(c, frame, sizeof frame);
    if (rc == 0) {
        rc = qtls_receive(c, &reply, TIMEOUT_MS);
    }
    if (rc < 0) {
        transport_failed(c, step, rc);
    }
    check_reason(step, "a field repeated (content type twice)", &reply, QTLS_REASON_MALFORMED_REQUEST);
    check_number(step, "the refusal echoes the hand-written request id", reply.request_id, RAW_REQUEST_ID);

    /* 6: pipelining: all requests out first, then the replies, in order */
    step = "6 pipelining";
    const qtls_hello *hello = qtls_get_hello(c);
    int count = hello->max_pending > 0 && hello->max_pending < PIPELINED ? (int) hello->max_pending : PIPELINED;
    uint32_t ids[PIPELINED];
    char plaintexts[PIPELINED][32];
    for (int i = 0; i < count; i++) {
        qtls_request request = {0};
        request.operation = QTLS_OP_SEAL_RECORD;
        request.connection_id = CLIENT_CONNECTION;
        request.key_handle = client_application;
        request.content_type = CONTENT_APPLICATION_DATA;
        int n = snprintf(plaintexts[i], sizeof plaintexts[i], "pipelined record %d", i);
        request.payload.data = (const uint8_t *) plaintexts[i];
        request.payload.len = (size_t) n;
        if ((rc = qtls_send(c, &request, &ids[i])) < 0) {
            transport_failed(c, step, rc);
        }
    }
    int in_order = 1, all_ok = 1;
    char got[96] = "";
    for (int i = 0; i < count; i++) {
        if ((rc = qtls_receive(c, &reply, TIMEOUT_MS)) < 0) {
            transport_failed(c, step, rc);
        }
        size_t record = 5 + strlen(plaintexts[i]) + 1 + 16;
        if (in_order && reply.request_id != ids[i]) {
            in_order = 0;
            snprintf(got, sizeof got, "request %" PRIu32 " as reply %d", reply.request_id, i + 1);
        }
        if (all_ok && (reply.status != QTLS_STATUS_OK || reply.output_len != record || reply.output[0] != 23)) {
            all_ok = 0;
            snprintf(text, sizeof text, "reply %d: %s, %zu bytes", i + 1, outcome(&reply), reply.output_len);
        }
    }
    char expected[96];
    snprintf(expected, sizeof expected, "requests %" PRIu32 "..%" PRIu32 " in order", ids[0], ids[count - 1]);
    char what[96];
    snprintf(what, sizeof what, "%d SEAL_RECORD requests sent back to back: each reply once, in order", count);
    check(step, what, in_order, expected, got);
    check(step, "every pipelined record sealed", all_ok, "OK with a whole record each", text);

    /* 7: CLOSE erases the session and its secrets: its handles are gone */
    step = "7 close";
    simple_request(c, step, QTLS_OP_CLOSE, CLIENT_CONNECTION, &reply);
    check_ok(step, "CLOSE connection 1", &reply);
    seal(c, step, client_application, CONTENT_APPLICATION_DATA, &application_data, &reply);
    check_reason(step, "SEAL_RECORD under connection 1's closed client application handle", &reply,
                 QTLS_REASON_UNKNOWN_HANDLE);
}

int main(int argc, char **argv) {
    if (argc != 2 && !(argc == 4 && strcmp(argv[2], "--handle-of-other-client") == 0)) {
        fprintf(stderr, "usage: qtls_rfc8448 unix:PATH | udp:IPV4:PORT [--handle-of-other-client HEX]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    load_vectors();
    qtls_client *c = connect_to(argv[1]);
    const qtls_hello *hello = qtls_get_hello(c);
    printf("qtls_rfc8448: service version %" PRIu32 ", max pending %" PRIu32 ", max sessions %" PRIu32
           ", %" PRIu32 " requests/s, max request payload %" PRIu32 "\n",
           hello->version, hello->max_pending, hello->max_sessions, hello->requests_per_second,
           hello->max_request_payload);
    if (argc == 4) {
        return other_clients_handle(c, argv[3]);
    }
    rfc8448_client(c);
    qtls_close(c);
    if (failures == 0) {
        printf("qtls_rfc8448: all %d checks passed\n", checks);
        return 0;
    }
    printf("qtls_rfc8448: %d of %d checks failed\n", failures, checks);
    return 1;
}
