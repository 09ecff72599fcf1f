package io.quiver.control.guest;

/**
 * Quiver's notice to a guest that the host changed one of its VNIC's parameters, sent from
 * {@link GuestProtocol#SERVICE_ADDRESS}:{@link GuestProtocol#PORT} to the guest's address, port
 * {@link GuestProtocol#NOTIFY_PORT}. Changes the guest asked for itself are answered by their reply instead.
 *
 * @param sequence  the journal sequence of the change (1 and up): notifications can be lost or reordered on the way,
 *                  and a guest keeps the value with the highest sequence
 * @param parameter the parameter's name on the wire
 * @param value     its value now, in the configuration database's canonical text
 */
public record GuestNotification(long sequence, String parameter, String value) implements GuestMessage {

    /** Holds every rule of the wire format; a {@link GuestProtocolException} names the first one broken. */
    public GuestNotification {
        GuestText.checkSequence(sequence);
        GuestText.checkName("parameter", parameter);
        GuestText.checkValue("value", value);
    }

    @Override
    public Kind kind() {
        return Kind.NOTIFY;
    }

    @Override
    public String toString() {
        return "notification " + sequence + ": " + parameter + " = " + value;
    }
}
