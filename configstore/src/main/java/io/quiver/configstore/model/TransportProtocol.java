package io.quiver.configstore.model;

import java.util.Locale;

/** A transport protocol the VNIC's network stack may carry. */
public enum TransportProtocol {
    TCP, UDP, SCTP;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
