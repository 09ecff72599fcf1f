package io.quiver.dataplane.offload.tls.wire;

import io.quiver.dataplane.offload.tls.OffloadOperation;
import io.quiver.dataplane.offload.tls.OffloadRequest;
import io.quiver.dataplane.offload.tls.ring.OffloadConfiguration;

/**
 * The offload service's wire protocol, version 1 (docs/tls-offload.md, "Wire protocol"): one length-prefixed binary
 * frame per request and per reply, the same over the Unix socket (a byte stream) and through a VNIC (one frame per
 * UDP datagram). Integers are big-endian. The enums travel as their position from 1 ({@link #code}), 0 meaning
 * absent, so every enum here is append-only.
 */
public final class OffloadWire {
    public static final int VERSION = 1;
    /** Bytes of a request after its length field, before its fields. */
    public static final int REQUEST_HEADER = 24;
    /** Bytes of a reply after its length field, before its fields. */
    public static final int REPLY_HEADER = 20;
    /** The length field itself. */
    public static final int LENGTH_FIELD = 4;
    /** A frame whose length field says more is not read: the stream cannot be trusted any more. */
    public static final int MAX_FRAME = 20_480;
    /** The largest payload field: one whole TLS record, as in a ring slot. */
    public static final int MAX_PAYLOAD = OffloadConfiguration.DEFAULT_SLOT_CAPACITY;
    /** The largest of the other byte fields. */
    public static final int MAX_SMALL_FIELD = OffloadRequest.SMALL_FIELD_CAPACITY;

    /** Request header flags. */
    public static final int FLAG_MORE_MESSAGES = 1;
    public static final int FLAG_PAYLOAD_IS_HASH = 2;

    /** The operation code of HELLO: the service's version and this client's limits; no engine work. */
    public static final int OP_HELLO = 64;

    /** Request field tags. */
    public static final int TAG_ROLE = 1;
    public static final int TAG_CIPHER_SUITE = 2;
    public static final int TAG_NAMED_GROUP = 3;
    public static final int TAG_PRIVATE_KEY = 4;
    public static final int TAG_LOCAL_KEY_SHARE = 5;
    public static final int TAG_PEER_KEY_SHARE = 6;
    public static final int TAG_PSK = 7;
    public static final int TAG_PSK_KIND = 8;
    public static final int TAG_PSK_HANDLE = 9;
    public static final int TAG_CLIENT_RANDOM = 10;
    public static final int TAG_TRANSCRIPT_POINT = 11;
    public static final int TAG_AUXILIARY = 12;
    public static final int TAG_PAYLOAD = 13;
    public static final int TAG_CONTENT_TYPE = 14;
    public static final int TAG_PADDING = 15;
    static final int LAST_REQUEST_TAG = TAG_PADDING;

    /** Reply field tags. */
    public static final int TAG_HANDLE = 32;
    public static final int TAG_OUTPUT = 33;
    public static final int TAG_OPENED_CONTENT_TYPE = 34;
    public static final int TAG_SERVICE_VERSION = 40;
    public static final int TAG_MAX_PENDING = 41;
    public static final int TAG_MAX_SESSIONS = 42;
    public static final int TAG_RATE = 43;
    public static final int TAG_MAX_REQUEST_PAYLOAD = 44;

    public static final int STATUS_OK = 0;
    public static final int STATUS_FAILED = 1;

    private OffloadWire() {
    }

    /** An enum value's wire code: its position from 1; 0 for null. */
    public static int code(Enum<?> value) {
        return value == null ? 0 : value.ordinal() + 1;
    }

    /** The value of a wire code, or null for 0 or a code past the end. */
    public static <E extends Enum<E>> E decode(Class<E> type, int code) {
        E[] all = type.getEnumConstants();
        return code >= 1 && code <= all.length ? all[code - 1] : null;
    }

    /** The operation of a request code; null for HELLO, for codes past the end and for the service's own CLOSE_CLIENT. */
    public static OffloadOperation operation(int code) {
        OffloadOperation operation = decode(OffloadOperation.class, code);
        return operation == OffloadOperation.CLOSE_CLIENT ? null : operation;
    }
}
