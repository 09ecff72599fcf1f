package io.quiver.dataplane.offload.tls;

/** Where a PSK comes from; it picks the binder label of RFC 8446 §7.1 ("res binder" or "ext binder"). */
public enum PskKind {
    RESUMPTION,
    EXTERNAL
}
