package io.quiver.configstore;

import io.quiver.configstore.model.DenialReason;
import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.VnicParameter;
import io.quiver.configstore.policy.AllowedValues;
import io.quiver.configstore.policy.GuestPolicy;

/**
 * The answer to a permission check: allowed, or denied with a {@link DenialReason} and a message a user can act on.
 * The allowed answer is one shared instance; a denial keeps the facts and writes its message only when asked, so a
 * check allocates nothing when it allows and one object when it denies.
 */
public final class Decision {
    /** The one allowed decision. */
    public static final Decision ALLOWED = new Decision(null, null, null, null, null, null, null, null, null, null);

    private final DenialReason reason;
    private final Requester requester;
    private final String vnic;
    private final String parameterName;
    private final VnicParameter parameter;
    private final CharSequence value;
    /** The refused element's encoded words (null when none was refused). */
    private final long[] element;
    private final AllowedValues allowed;
    private final GuestPolicy policy;
    private String message;

    private Decision(DenialReason reason, Requester requester, String vnic, String parameterName,
                     VnicParameter parameter, CharSequence value, long[] element, AllowedValues allowed,
                     GuestPolicy policy, String message) {
        this.reason = reason;
        this.requester = requester;
        this.vnic = vnic;
        this.parameterName = parameterName;
        this.parameter = parameter;
        this.value = value;
        this.element = element;
        this.allowed = allowed;
        this.policy = policy;
        this.message = message;
    }

    /** A denial whose message is already written. */
    public static Decision denied(DenialReason reason, String message) {
        return new Decision(reason, null, null, null, null, null, null, null, null, message);
    }

    static Decision otherVnic(Requester requester, String vnic) {
        return new Decision(DenialReason.OTHER_VNIC, requester, vnic, null, null, null, null, null, null, null);
    }

    static Decision unknownVnic(String vnic) {
        return new Decision(DenialReason.UNKNOWN_VNIC, null, vnic, null, null, null, null, null, null, null);
    }

    static Decision unknownParameter(String name) {
        return new Decision(DenialReason.UNKNOWN_PARAMETER, null, null, name, null, null, null, null, null, null);
    }

    static Decision malformed(VnicParameter parameter, CharSequence value) {
        return new Decision(DenialReason.MALFORMED_VALUE, null, null, null, parameter, snapshot(value), null, null, null,
                null);
    }

    static Decision notPermitted(Requester requester, VnicParameter parameter, GuestPolicy policy) {
        return new Decision(DenialReason.NOT_PERMITTED, requester, null, null, parameter, null, null, null, policy, null);
    }

    static Decision valueNotAllowed(Requester requester, VnicParameter parameter, CharSequence value, long[] words, int at,
                                    AllowedValues allowed) {
        long[] element = java.util.Arrays.copyOfRange(words, at, at + parameter.width());
        return new Decision(DenialReason.VALUE_NOT_ALLOWED, requester, null, null, parameter, snapshot(value), element,
                allowed, null, null);
    }

    private static CharSequence snapshot(CharSequence value) {
        return value instanceof String ? value : value == null ? null : value.toString();
    }

    public boolean allowed() {
        return reason == null;
    }

    /** Why it was denied; null when allowed. */
    public DenialReason reason() {
        return reason;
    }

    /** "allowed", or what was refused and why, in words a user can act on. */
    public String message() {
        String m = message;
        if (m == null) {
            m = write();
            message = m;
        }
        return m;
    }

    private String write() {
        if (reason == null) {
            return "allowed";
        }
        return switch (reason) {
            case OTHER_VNIC -> "the guest on VNIC " + requester.name() + " may change only its own VNIC, and the "
                    + "request names VNIC " + vnic;
            case UNKNOWN_VNIC -> vnic == null ? "the request names no VNIC" : "no VNIC is named '" + vnic + "'";
            case UNKNOWN_PARAMETER -> parameterName == null ? "the request names no parameter"
                    : VnicParameter.unknownMessage(parameterName);
            case MALFORMED_VALUE -> {
                String why = parameter.explainInvalid(value);
                yield why != null ? why : "invalid " + parameter.wireName() + " value";
            }
            case NOT_PERMITTED -> "the guest on VNIC " + requester.name() + " may not change " + parameter.wireName()
                    + (policy.rules().isEmpty() ? " (its policy allows no changes)"
                    : " (its policy allows changing only " + String.join(", ",
                    policy.rules().keySet().stream().map(VnicParameter::wireName).toList()) + ")");
            case VALUE_NOT_ALLOWED -> {
                String element = parameter.type().format(this.element, 0);
                String what = parameter.isList() ? element + " in " + parameter.wireName() + " '" + value + "'"
                        : parameter.wireName() + " " + element;
                yield what + " is not allowed for the guest on VNIC " + requester.name() + ": its policy allows "
                        + parameter.wireName() + " " + allowed.toText();
            }
            default -> reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        };
    }

    @Override
    public String toString() {
        return allowed() ? "allowed" : "denied (" + reason + "): " + message();
    }
}
