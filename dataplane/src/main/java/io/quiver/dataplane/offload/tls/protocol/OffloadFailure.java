package io.quiver.dataplane.offload.tls.protocol;

/**
 * A refused input, raised inside the engine and turned into a FAILED reply at its boundary; it never leaves
 * {@code HandshakeOffloadEngine.process}. No stack trace: it is control flow, and its message is the reason only.
 */
public final class OffloadFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final FailureReason reason;

    public OffloadFailure(FailureReason reason) {
        super(reason.name(), null, false, false);
        this.reason = reason;
    }

    public FailureReason reason() {
        return reason;
    }
}
