package io.quiver.configstore.journal;

import io.quiver.configstore.model.ConfigException;

/** What a request asked for. {@link #code} is part of the journal record format: never reuse one. */
public enum Action {
    /** A guest asked to change one parameter of its VNIC. */
    GUEST_CHANGE(1),
    /** An administrator changed one parameter of a VNIC. */
    ADMIN_CHANGE(2),
    /** An administrator created or replaced a whole VNIC. */
    VNIC_PUT(3),
    /** An administrator deleted a VNIC (and with it its guest policy). */
    VNIC_DELETE(4),
    /** An administrator set the policy of the guest on a VNIC. */
    POLICY_SET(5),
    /**
     * At start, the configuration file and the stored state disagreed about one parameter (or the guest policy):
     * committed when the file's value won, denied (with the reason) when the stored one was kept.
     */
    RECONCILE(6),
    /** An administrator created a VNS or changed its properties (the record carries the whole VNS after it). */
    VNS_PUT(7),
    /** An administrator deleted a VNS (none of its VNICs or routes, nor another VNS's routes to it, were left). */
    VNS_DELETE(8),
    /** An administrator added a route to a VNS (the record carries the route). */
    ROUTE_ADD(9),
    /** An administrator deleted a route of a VNS (the record's subject is the VNS, its parameter the prefix). */
    ROUTE_DELETE(10),
    /** An administrator created or replaced a subscription level or flow (the record carries it whole). */
    SUBSCRIPTION_PUT(11),
    /** An administrator deleted a subscription level or flow. */
    SUBSCRIPTION_DELETE(12),
    /**
     * An administrator created or changed the uplink's link aggregation (the record's subject is its name, its
     * parameter the command, its value the aggregation after). Aggregations are ports: the control side keeps them
     * in its state folder; the journal is where their changes are audited, and none is replayed into these maps.
     */
    AGGREGATION_PUT(13),
    /**
     * A guest (the record's VNIC) asked the TLS handshake offload service for a session its offload policy does not
     * allow: only ever denied, audited once per VNIC and minute however many requests it sends.
     */
    TLS_OFFLOAD_REFUSED(14);

    private final int code;

    Action(int code) {
        this.code = code;
    }

    /** Whether the action is about a VNS or its routes rather than a VNIC. */
    public boolean isVnsAction() {
        return code >= 7 && code <= 10;
    }

    /** Whether the action is about a subscription level or flow ({@code vnic} names it). */
    public boolean isSubscriptionAction() {
        return this == SUBSCRIPTION_PUT || this == SUBSCRIPTION_DELETE;
    }

    public int code() {
        return code;
    }

    public static Action byCode(int code) {
        for (Action a : values()) {
            if (a.code == code) {
                return a;
            }
        }
        throw new ConfigException("unknown journal action code " + code);
    }
}
