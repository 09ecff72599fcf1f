package io.quiver.control.guest;

import java.util.Locale;

/**
 * Quiver's answer to a {@link GuestRequest}, sent to the request's source address and port.
 *
 * <ul>
 *   <li>{@code accepted}: the set was committed and applied, or the get read the value; {@code value} is the
 *       parameter's value now, in the configuration database's canonical text; {@code sequence} optionally names the
 *       journal record of a committed set.</li>
 *   <li>{@code denied}: the configuration database refused the request; {@code reason} is its denial reason
 *       ({@link #reasonName}: {@code not-permitted}, {@code value-not-allowed}, ...). Sent only when the appliance
 *       enables explicit denial replies; by default a denied request is dropped and audited.</li>
 *   <li>{@code error}: Quiver could not carry the request out ({@code reason} {@value #INTERNAL}: a commit or apply
 *       failure; {@value #TOO_LARGE}: the answer does not fit one datagram).</li>
 * </ul>
 *
 * @param id        the request's id
 * @param status    accepted, denied or error
 * @param parameter the request's parameter name
 * @param value     for accepted only (required there): the value now
 * @param reason    for denied and error only (required there): 1 to 32 of a-z, 0-9 and '-', starting with a letter
 * @param message   for denied and error only, optional: a sentence for people; null when absent
 * @param sequence  for accepted only, optional: the journal sequence of the commit; 0 when absent
 */
public record GuestReply(int id, Status status, String parameter, String value, String reason, String message,
                         long sequence) implements GuestMessage {

    /** The {@code error} reason for a commit or apply that failed inside Quiver. */
    public static final String INTERNAL = "internal";
    /** The {@code error} reason for an answer that would not fit one datagram. */
    public static final String TOO_LARGE = "too-large";

    /** A reply's outcome, by its name on the wire. */
    public enum Status {
        ACCEPTED("accepted"), DENIED("denied"), ERROR("error");

        private final String wireName;

        Status(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** The status named {@code name} on the wire, or null. */
        public static Status byWireName(String name) {
            for (Status s : values()) {
                if (s.wireName.equals(name)) {
                    return s;
                }
            }
            return null;
        }
    }

    /** Holds every rule of the wire format; a {@link GuestProtocolException} names the first one broken. */
    public GuestReply {
        GuestText.checkId(id);
        if (status == null) {
            throw new GuestProtocolException("missing status: a reply is accepted, denied or error");
        }
        GuestText.checkName("parameter", parameter);
        if (status == Status.ACCEPTED) {
            GuestText.checkValue("value", value);
            if (reason != null || message != null) {
                throw new GuestProtocolException("an accepted reply carries no reason and no message");
            }
            if (sequence != 0) {
                GuestText.checkSequence(sequence);
            }
        } else {
            if (value != null || sequence != 0) {
                throw new GuestProtocolException("a " + status.wireName + " reply carries no value and no sequence");
            }
            if (reason == null) {
                throw new GuestProtocolException("missing reason: a " + status.wireName + " reply says why");
            }
            GuestText.checkName("reason", reason);
            if (message != null) {
                GuestText.checkValue("message", message);
            }
        }
    }

    /** The accepted reply to {@code request}: {@code value} is the parameter's value now. */
    public static GuestReply accepted(GuestRequest request, String value) {
        return accepted(request, value, 0);
    }

    /** The accepted reply to a committed set, naming its journal record {@code sequence}. */
    public static GuestReply accepted(GuestRequest request, String value, long sequence) {
        return new GuestReply(request.id(), Status.ACCEPTED, request.parameter(), value, null, null, sequence);
    }

    /**
     * The denied reply to {@code request}. {@code message} may be any text (or null): characters the wire does not
     * carry become spaces, and {@link GuestCodec#encode} shortens it when the datagram would be too large.
     */
    public static GuestReply denied(GuestRequest request, String reason, String message) {
        return new GuestReply(request.id(), Status.DENIED, request.parameter(), null, reason, GuestText.clean(message), 0);
    }

    /** The error reply to {@code request} ({@link #INTERNAL}, {@link #TOO_LARGE}); {@code message} as for denied. */
    public static GuestReply error(GuestRequest request, String reason, String message) {
        return new GuestReply(request.id(), Status.ERROR, request.parameter(), null, reason, GuestText.clean(message), 0);
    }

    /**
     * A denial reason's name on the wire: the enum constant's name in lower case with '-' for '_'
     * ({@code DenialReason.VALUE_NOT_ALLOWED} is {@code value-not-allowed}).
     */
    public static String reasonName(Enum<?> reason) {
        return reason.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** This reply with {@code message} in place of its own (shortened by the encoder to fit). */
    GuestReply withMessage(String shorter) {
        return new GuestReply(id, status, parameter, value, reason, shorter, sequence);
    }

    @Override
    public Kind kind() {
        return Kind.REPLY;
    }

    @Override
    public String toString() {
        return "reply " + id + ": " + status.wireName + " " + parameter
                + (value == null ? "" : " = " + value) + (sequence == 0 ? "" : " (sequence " + sequence + ")")
                + (reason == null ? "" : ": " + reason) + (message == null ? "" : ": " + message);
    }
}
