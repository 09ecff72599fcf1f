package io.quiver.dataplane.offload.tls;

/** The status the engine returns to the host for each request. */
public enum OffloadStatus {
    OK,
    FAILED
}
