package io.quiver.configstore.model;

/** Why a request was not committed. {@link #code} is part of the audit record format: never reuse one. */
public enum DenialReason {
    /** The parameter name is not one of {@link io.quiver.configstore.model.VnicParameter}'s. */
    UNKNOWN_PARAMETER(1),
    /** The value text does not parse, or breaks a rule of its parameter. */
    MALFORMED_VALUE(2),
    /** The guest's policy does not let it change this parameter. */
    NOT_PERMITTED(3),
    /** The guest may change the parameter, but not to this value. */
    VALUE_NOT_ALLOWED(4),
    /** A guest named a VNIC other than the one its request arrived on. */
    OTHER_VNIC(5),
    /** No VNIC of that name exists. */
    UNKNOWN_VNIC(6),
    /** The result would clash with another VNIC (a MAC address used twice on one VLAN). */
    CONFLICT(7),
    /** The store holds as many VNICs as it was sized for. */
    STORE_FULL(8),
    /** The request itself is unusable (a missing or invalid field). */
    INVALID_REQUEST(9),
    /** No VNS of that name exists. */
    UNKNOWN_VNS(10),
    /** The object is still used (a VNS by VNICs or routes, a VNIC as a route's next hop). */
    IN_USE(11),
    /** A VNS's configured limit (max-routes) or the store's capacity would be exceeded. */
    LIMIT_EXCEEDED(12);

    private final int code;

    DenialReason(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static DenialReason byCode(int code) {
        for (DenialReason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new ConfigException("unknown denial reason code " + code);
    }
}
