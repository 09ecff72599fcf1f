package io.quiver.dataplane.offload.tls.wire;

import static io.quiver.dataplane.offload.tls.wire.OffloadWire.*;

import io.quiver.dataplane.offload.tls.HandshakeProgress;
import io.quiver.dataplane.offload.tls.KeyHandle;
import io.quiver.dataplane.offload.tls.OffloadReply;
import io.quiver.dataplane.offload.tls.OffloadStatus;
import io.quiver.dataplane.offload.tls.SecretKind;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;

/** A reply frame: written by the service, read by clients. */
public final class WireReply {
    /** What HELLO tells a client: the service's version and this client's limits (0: none). */
    public record Hello(int version, int maxPending, int maxSessions, int requestsPerSecond, int maxRequestPayload) {
    }

    /** A reply read off the wire: its request id, the engine's reply, and for HELLO the service's answer. */
    public record Read(int requestId, int operationCode, OffloadReply reply, Hello hello) {
    }

    private WireReply() {
    }

    /** The largest reply: its header, every handle a request can create, one output of a whole record. */
    public static final int MAX_REPLY = LENGTH_FIELD + REPLY_HEADER + SecretKind.values().length * 12 + 3 + MAX_PAYLOAD + 4 + 4;

    /** Writes one whole frame, length field included, at {@code out}'s position; returns its size. */
    public static int write(OffloadReply reply, int operationCode, int requestId, ByteBuffer out) {
        int start = header(out, operationCode, requestId, reply.connectionId(), reply.status() == OffloadStatus.OK,
                reply.reason(), reply.progress());
        for (Map.Entry<SecretKind, KeyHandle> handle : reply.handles().entrySet()) {
            out.put((byte) TAG_HANDLE).putShort((short) 9).put((byte) code(handle.getKey()))
                    .putLong(handle.getValue().value());
        }
        if (reply.output().length > 0) {
            out.put((byte) TAG_OUTPUT).putShort((short) reply.output().length).put(reply.output());
        }
        if (reply.contentType() != 0) {
            out.put((byte) TAG_OPENED_CONTENT_TYPE).putShort((short) 1).put((byte) reply.contentType());
        }
        return finish(out, start);
    }

    /** A refusal made before the engine saw the request (a malformed frame, a limit). */
    public static int writeFailure(FailureReason reason, int operationCode, int requestId, long connectionId,
                                   ByteBuffer out) {
        return finish(out, header(out, operationCode, requestId, connectionId, false, reason, null));
    }

    public static int writeHello(Hello hello, int requestId, ByteBuffer out) {
        int start = header(out, OP_HELLO, requestId, 0, true, null, null);
        out.put((byte) TAG_SERVICE_VERSION).putShort((short) 1).put((byte) hello.version());
        out.put((byte) TAG_MAX_PENDING).putShort((short) 4).putInt(hello.maxPending());
        out.put((byte) TAG_MAX_SESSIONS).putShort((short) 4).putInt(hello.maxSessions());
        out.put((byte) TAG_RATE).putShort((short) 4).putInt(hello.requestsPerSecond());
        out.put((byte) TAG_MAX_REQUEST_PAYLOAD).putShort((short) 4).putInt(hello.maxRequestPayload());
        return finish(out, start);
    }

    private static int header(ByteBuffer out, int operationCode, int requestId, long connectionId, boolean ok,
                              FailureReason reason, HandshakeProgress progress) {
        int start = out.position();
        out.putInt(0).put((byte) VERSION).put((byte) operationCode);
        out.put((byte) (ok ? STATUS_OK : STATUS_FAILED)).put((byte) (reason == null ? 0 : reason.wireCode()));
        out.putInt(requestId).putLong(connectionId);
        out.put((byte) code(progress)).put((byte) (reason == null ? 0 : reason.alert().code())).putShort((short) 0);
        return start;
    }

    private static int finish(ByteBuffer out, int start) {
        int size = out.position() - start;
        out.putInt(start, size - LENGTH_FIELD);
        return size;
    }

    /**
     * Reads one reply body (what follows the length field). A client trusts its service, but a reply that does not
     * parse is still an error, not a guess.
     */
    public static Read read(ByteBuffer body) {
        if (body.remaining() < REPLY_HEADER) {
            throw new IllegalArgumentException("reply shorter than its header: " + body.remaining() + " bytes");
        }
        int version = body.get() & 0xff;
        int operationCode = body.get() & 0xff;
        int status = body.get() & 0xff;
        FailureReason reason = FailureReason.fromWireCode(body.get() & 0xff);
        int requestId = body.getInt();
        long connectionId = body.getLong();
        HandshakeProgress progress = OffloadWire.decode(HandshakeProgress.class, body.get() & 0xff);
        body.get();
        body.getShort();
        if (version != VERSION) {
            throw new IllegalArgumentException("reply of protocol version " + version);
        }
        Map<SecretKind, KeyHandle> handles = new EnumMap<>(SecretKind.class);
        byte[] output = null;
        int contentType = 0;
        int[] hello = new int[5];
        while (body.remaining() >= 3) {
            int tag = body.get() & 0xff;
            int length = body.getShort() & 0xffff;
            if (length > body.remaining()) {
                throw new IllegalArgumentException("reply field " + tag + " runs past the frame");
            }
            int end = body.position() + length;
            switch (tag) {
                case TAG_HANDLE -> {
                    SecretKind kind = length == 9 ? OffloadWire.decode(SecretKind.class, body.get() & 0xff) : null;
                    if (kind != null) { // a kind from a later service this client does not know: skipped
                        handles.put(kind, new KeyHandle(body.getLong()));
                    }
                }
                case TAG_OUTPUT -> {
                    output = new byte[length];
                    body.get(output);
                }
                case TAG_OPENED_CONTENT_TYPE -> contentType = body.get() & 0xff;
                case TAG_SERVICE_VERSION -> hello[0] = body.get() & 0xff;
                case TAG_MAX_PENDING -> hello[1] = body.getInt();
                case TAG_MAX_SESSIONS -> hello[2] = body.getInt();
                case TAG_RATE -> hello[3] = body.getInt();
                case TAG_MAX_REQUEST_PAYLOAD -> hello[4] = body.getInt();
                default -> { } // a later minor addition: skipped
            }
            body.position(end);
        }
        OffloadReply reply = new OffloadReply(connectionId, OffloadWire.operation(operationCode),
                status == STATUS_OK ? OffloadStatus.OK : OffloadStatus.FAILED, reason, progress, handles, output,
                contentType);
        Hello h = operationCode == OP_HELLO ? new Hello(hello[0], hello[1], hello[2], hello[3], hello[4]) : null;
        return new Read(requestId, operationCode, reply, h);
    }
}
