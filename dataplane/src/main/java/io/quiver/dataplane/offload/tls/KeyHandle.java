package io.quiver.dataplane.offload.tls;

/**
 * An opaque reference to a secret held inside the offload engine. The host stores and passes handles; it never sees
 * the secret. A handle goes stale when its secret is released or its connection closed; the engine then answers
 * {@link FailureReason#UNKNOWN_HANDLE}.
 */
public record KeyHandle(long value) {
    /** No handle. */
    public static final KeyHandle NONE = new KeyHandle(0);

    public boolean isNone() {
        return value == 0;
    }

    @Override
    public String toString() {
        return isNone() ? "none" : String.format("h%016x", value);
    }
}
