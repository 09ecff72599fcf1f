package io.quiver.configstore;

import io.quiver.configstore.model.DenialReason;
import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.VnicParameter;
import io.quiver.configstore.policy.AllowedValues;

/**
 * Decides whether a requester may set a parameter of a VNIC to a value, against the in-memory state: no Chronicle
 * Map access, no boxing, no allocation unless it denies. The order of the rules fixes which reason a request with
 * several faults gets: another VNIC, unknown VNIC, unknown parameter, not permitted, malformed, value not allowed.
 */
final class PermissionChecker {
    private PermissionChecker() {
    }

    /**
     * @param parameter the parameter, or null when {@code parameterName} names none
     * @param state     the VNIC's state, or null when it does not exist
     * @param scratch   at least {@link VnicParameter#MAX_WORDS} longs, owned by the calling thread
     */
    static Decision check(Requester requester, String vnic, String parameterName, VnicParameter parameter,
                          CharSequence value, VnicState state, long[] scratch) {
        if (requester == null) {
            return Decision.denied(DenialReason.INVALID_REQUEST, "the request names no requester");
        }
        if (requester.isGuest() && !requester.name().equals(vnic)) {
            return vnic == null ? Decision.unknownVnic(null) : Decision.otherVnic(requester, vnic);
        }
        if (state == null) {
            return Decision.unknownVnic(vnic);
        }
        if (parameter == null) {
            return Decision.unknownParameter(parameterName);
        }
        AllowedValues allowed = null;
        if (requester.isGuest()) {
            allowed = state.policy().allowed(parameter);
            if (allowed == null) {
                return Decision.notPermitted(requester, parameter, state.policy());
            }
        }
        int words = parameter.parseInto(value, scratch);
        if (words < 0) {
            return Decision.malformed(parameter, value);
        }
        if (allowed != null) {
            for (int at = 0; at < words; at += parameter.width()) {
                if (!allowed.allows(scratch, at)) {
                    return Decision.valueNotAllowed(requester, parameter, value, scratch, at, allowed);
                }
            }
        }
        return Decision.ALLOWED;
    }
}
