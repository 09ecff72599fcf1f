package io.quiver.control.guest;

/**
 * A guest's request: set one of its VNIC's parameters to a value, or get its current value. It names no VNIC and no
 * guest: Quiver takes the requester from the VNIC the datagram arrived on.
 *
 * @param id        chosen by the guest, 1 to 2^31-1, echoed in the reply so the guest can match it
 * @param op        set or get
 * @param parameter the parameter's name on the wire ({@code mtu}, {@code ipv4-addresses}, ...); whether Quiver knows
 *                  it is the configuration database's decision, not the protocol's
 * @param value     the value text for a set, as the configuration database parses it; null for a get
 */
public record GuestRequest(int id, Op op, String parameter, String value) implements GuestMessage {

    /** What a request asks for, by its name on the wire. */
    public enum Op {
        SET("set"), GET("get");

        private final String wireName;

        Op(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** The op named {@code name} on the wire, or null. */
        public static Op byWireName(String name) {
            for (Op op : values()) {
                if (op.wireName.equals(name)) {
                    return op;
                }
            }
            return null;
        }
    }

    /** Holds every rule of the wire format; a {@link GuestProtocolException} names the first one broken. */
    public GuestRequest {
        GuestText.checkId(id);
        if (op == null) {
            throw new GuestProtocolException("missing op: a request is a set or a get");
        }
        GuestText.checkName("parameter", parameter);
        if (op == Op.SET) {
            GuestText.checkValue("value", value);
        } else if (value != null) {
            throw new GuestProtocolException("a get request carries no value");
        }
    }

    public static GuestRequest set(int id, String parameter, String value) {
        return new GuestRequest(id, Op.SET, parameter, value);
    }

    public static GuestRequest get(int id, String parameter) {
        return new GuestRequest(id, Op.GET, parameter, null);
    }

    @Override
    public Kind kind() {
        return Kind.REQUEST;
    }

    @Override
    public String toString() {
        return "request " + id + ": " + op.wireName + " " + parameter + (value == null ? "" : " = " + value);
    }
}
