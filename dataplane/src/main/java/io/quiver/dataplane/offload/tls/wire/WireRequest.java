package io.quiver.dataplane.offload.tls.wire;

import static io.quiver.dataplane.offload.tls.wire.OffloadWire.*;

import io.quiver.dataplane.offload.tls.BoundedBytes;
import io.quiver.dataplane.offload.tls.OffloadOperation;
import io.quiver.dataplane.offload.tls.OffloadRequest;
import io.quiver.dataplane.offload.tls.PskKind;
import io.quiver.dataplane.offload.tls.TlsRole;
import io.quiver.dataplane.offload.tls.TranscriptPoint;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import java.nio.ByteBuffer;

/**
 * A request frame: written by clients from a filled {@link OffloadRequest}, read by the service into one. The
 * reader is reused (one per client connection): it keeps the header it read, so that even a refused frame is
 * answered with its request id.
 */
public final class WireRequest {
    private int version;
    private int operationCode;
    private int requestId;
    private long connectionId;

    public int version() { return version; }
    public int operationCode() { return operationCode; }
    public int requestId() { return requestId; }
    public long connectionId() { return connectionId; }

    /** The operation read, or null for HELLO or an unknown code. */
    public OffloadOperation operation() {
        return OffloadWire.operation(operationCode);
    }

    public boolean isHello() {
        return operationCode == OP_HELLO;
    }

    /**
     * Reads one frame body (what follows the length field, exactly the frame's length) into {@code into}, which is
     * reset first. Returns null when the request is well formed, else why not; a frame shorter than its header
     * cannot even be answered, so that is the caller's check ({@link #REQUEST_HEADER}).
     */
    public FailureReason read(ByteBuffer body, OffloadRequest into) {
        into.reset();
        version = body.get() & 0xff;
        operationCode = body.get() & 0xff;
        int flags = body.get() & 0xff;
        body.get();
        requestId = body.getInt();
        connectionId = body.getLong();
        long keyHandle = body.getLong();
        if (version != VERSION) {
            return FailureReason.UNSUPPORTED_VERSION;
        }
        OffloadOperation operation = operation();
        if (operation == null && !isHello()) {
            return FailureReason.UNKNOWN_OPERATION;
        }
        into.operation(operation).connectionId(connectionId).keyHandle(keyHandle)
                .endOfFlight((flags & FLAG_MORE_MESSAGES) == 0)
                .payloadIsTranscriptHash((flags & FLAG_PAYLOAD_IS_HASH) != 0);
        int seen = 0;
        while (body.hasRemaining()) {
            if (body.remaining() < 3) {
                return FailureReason.MALFORMED_REQUEST;
            }
            int tag = body.get() & 0xff;
            int length = body.getShort() & 0xffff;
            if (tag < 1 || tag > LAST_REQUEST_TAG || (seen & (1 << tag)) != 0 || length > body.remaining()) {
                return FailureReason.MALFORMED_REQUEST;
            }
            seen |= 1 << tag;
            FailureReason bad = field(tag, length, body, into);
            if (bad != null) {
                return bad;
            }
        }
        return null;
    }

    private static FailureReason field(int tag, int length, ByteBuffer body, OffloadRequest into) {
        int size = switch (tag) {
            case TAG_ROLE, TAG_PSK_KIND, TAG_TRANSCRIPT_POINT, TAG_CONTENT_TYPE -> 1;
            case TAG_CIPHER_SUITE, TAG_NAMED_GROUP, TAG_PADDING -> 2;
            case TAG_PSK_HANDLE -> 8;
            default -> -1; // a byte field
        };
        if (size < 0) {
            BoundedBytes target = bytes(tag, into);
            if (length > target.capacity()) {
                return FailureReason.PAYLOAD_TOO_LARGE;
            }
            target.set(body.array(), body.arrayOffset() + body.position(), length);
            body.position(body.position() + length);
            return null;
        }
        if (length != size) {
            return FailureReason.MALFORMED_REQUEST;
        }
        long value = switch (size) {
            case 1 -> body.get() & 0xff;
            case 2 -> body.getShort() & 0xffff;
            default -> body.getLong();
        };
        switch (tag) {
            case TAG_ROLE -> into.role(OffloadWire.decode(TlsRole.class, (int) value));
            case TAG_PSK_KIND -> into.pskKind(OffloadWire.decode(PskKind.class, (int) value));
            case TAG_TRANSCRIPT_POINT -> into.transcriptPoint(OffloadWire.decode(TranscriptPoint.class, (int) value));
            case TAG_CONTENT_TYPE -> into.contentType((int) value);
            case TAG_CIPHER_SUITE -> into.cipherSuite((int) value);
            case TAG_NAMED_GROUP -> into.namedGroup((int) value);
            case TAG_PADDING -> into.paddingLength((int) value);
            default -> into.pskHandle(value);
        }
        boolean unknownCode = (tag == TAG_ROLE && into.role() == null) || (tag == TAG_PSK_KIND && into.pskKind() == null)
                || (tag == TAG_TRANSCRIPT_POINT && into.transcriptPoint() == null);
        return unknownCode ? FailureReason.MALFORMED_REQUEST : null;
    }

    private static BoundedBytes bytes(int tag, OffloadRequest r) {
        return switch (tag) {
            case TAG_PRIVATE_KEY -> r.privateKey();
            case TAG_LOCAL_KEY_SHARE -> r.localKeyShare();
            case TAG_PEER_KEY_SHARE -> r.peerKeyShare();
            case TAG_PSK -> r.psk();
            case TAG_CLIENT_RANDOM -> r.clientRandom();
            case TAG_AUXILIARY -> r.auxiliary();
            case TAG_PAYLOAD -> r.payload();
            default -> throw new IllegalArgumentException("not a byte field: " + tag);
        };
    }

    /**
     * Writes {@code request} as one whole frame, length field included, at {@code out}'s position. Only the fields
     * that are set are written. Returns the frame's size.
     */
    public static int write(OffloadRequest request, int operationCode, int requestId, ByteBuffer out) {
        int start = out.position();
        out.putInt(0);
        out.put((byte) VERSION).put((byte) operationCode);
        int flags = (request.endOfFlight() ? 0 : FLAG_MORE_MESSAGES)
                | (request.payloadIsTranscriptHash() ? FLAG_PAYLOAD_IS_HASH : 0);
        out.put((byte) flags).put((byte) 0);
        out.putInt(requestId).putLong(request.connectionId()).putLong(request.keyHandle());
        if (request.role() != null) {
            out.put((byte) TAG_ROLE).putShort((short) 1).put((byte) code(request.role()));
        }
        if (request.cipherSuite() != 0) {
            out.put((byte) TAG_CIPHER_SUITE).putShort((short) 2).putShort((short) request.cipherSuite());
        }
        if (request.namedGroup() != 0) {
            out.put((byte) TAG_NAMED_GROUP).putShort((short) 2).putShort((short) request.namedGroup());
        }
        bytes(out, TAG_PRIVATE_KEY, request.privateKey());
        bytes(out, TAG_LOCAL_KEY_SHARE, request.localKeyShare());
        bytes(out, TAG_PEER_KEY_SHARE, request.peerKeyShare());
        bytes(out, TAG_PSK, request.psk());
        if (request.psk().isPresent() || request.pskHandle() != 0) {
            out.put((byte) TAG_PSK_KIND).putShort((short) 1).put((byte) code(request.pskKind()));
        }
        if (request.pskHandle() != 0) {
            out.put((byte) TAG_PSK_HANDLE).putShort((short) 8).putLong(request.pskHandle());
        }
        bytes(out, TAG_CLIENT_RANDOM, request.clientRandom());
        if (request.transcriptPoint() != null) {
            out.put((byte) TAG_TRANSCRIPT_POINT).putShort((short) 1).put((byte) code(request.transcriptPoint()));
        }
        bytes(out, TAG_AUXILIARY, request.auxiliary());
        bytes(out, TAG_PAYLOAD, request.payload());
        if (request.contentType() != 0) {
            out.put((byte) TAG_CONTENT_TYPE).putShort((short) 1).put((byte) request.contentType());
        }
        if (request.paddingLength() != 0) {
            out.put((byte) TAG_PADDING).putShort((short) 2).putShort((short) request.paddingLength());
        }
        int size = out.position() - start;
        out.putInt(start, size - LENGTH_FIELD);
        return size;
    }

    private static void bytes(ByteBuffer out, int tag, BoundedBytes field) {
        if (field.isPresent()) {
            out.put((byte) tag).putShort((short) field.length()).put(field.array(), 0, field.length());
        }
    }
}
