package io.quiver.dataplane.offload.tls;

import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The engine's answer to one request: a status (ok, or failed with a reason), the handles of the secrets derived by
 * this request, how far the handshake has come, and the request's output when it has one: a Finished message, a
 * binder, a protected record or a plaintext. Never a secret.
 *
 * @param handles the handles created by this request, by kind (empty when none)
 * @param output  operation output, or an empty array
 * @param contentType the inner content type of an opened record, otherwise 0
 */
public record OffloadReply(long connectionId, OffloadOperation operation, OffloadStatus status, FailureReason reason,
                           HandshakeProgress progress, Map<SecretKind, KeyHandle> handles, byte[] output,
                           int contentType) {
    private static final byte[] NONE = new byte[0];

    public OffloadReply {
        handles = handles.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(handles));
        output = output == null ? NONE : output;
    }

    public static OffloadReply failed(long connectionId, OffloadOperation operation, FailureReason reason,
                                      HandshakeProgress progress) {
        return new OffloadReply(connectionId, operation, OffloadStatus.FAILED, reason, progress, Map.of(), NONE, 0);
    }

    public boolean ok() {
        return status == OffloadStatus.OK;
    }

    /** The handle of this kind created by this request, or {@link KeyHandle#NONE}. */
    public KeyHandle handle(SecretKind kind) {
        return handles.getOrDefault(kind, KeyHandle.NONE);
    }

    @Override
    public String toString() {
        return "OffloadReply[" + operation + " connection=" + connectionId + " " + status
                + (reason == null ? "" : " reason=" + reason) + " progress=" + progress + " handles=" + handles
                + " output=" + output.length + " bytes]";
    }
}
