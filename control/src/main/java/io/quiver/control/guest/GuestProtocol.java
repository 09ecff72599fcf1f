package io.quiver.control.guest;

import io.quiver.dataplane.config.Defaults;
import io.quiver.dataplane.guest.GuestServiceAddress;

/**
 * The guest protocol's constants and defaults, in one place. See {@code docs/guest-protocol.md}.
 *
 * <p>A guest sends a {@link GuestRequest} in a UDP datagram to {@link #SERVICE_ADDRESS}:{@link #PORT}; Quiver
 * intercepts it on the guest's VNIC, so the guest is the VNIC the datagram arrived on, never anything the datagram
 * says. Replies come back from that address and port to the request's source; notifications come from it to the
 * guest's address, port {@link #NOTIFY_PORT}.
 */
public final class GuestProtocol {
    // The address, the ports and the size limit are the dataplane's facts (it intercepts the traffic):
    // GuestServiceAddress holds them, these name them for the protocol's users.

    /** The link-local service address guests send requests to. */
    public static final String SERVICE_ADDRESS = GuestServiceAddress.ADDRESS;
    /** {@link #SERVICE_ADDRESS} as a host-order IPv4 integer. */
    public static final int SERVICE_IPV4 = GuestServiceAddress.IP;
    /** The UDP port requests go to and replies and notifications come from. */
    public static final int PORT = GuestServiceAddress.PORT;
    /** The UDP port on the guest that notifications go to. */
    public static final int NOTIFY_PORT = GuestServiceAddress.NOTIFY_PORT;

    /** The first token of every message: protocol name and version. */
    public static final String VERSION = "QUIVER/1";
    /** The largest message, in bytes of UDP payload (every IPv4 host accepts 576-byte datagrams). */
    public static final int MAX_DATAGRAM = Defaults.GUEST_REQUEST_MAX_PAYLOAD;
    /** The longest parameter name or reason, in characters. */
    public static final int MAX_NAME = 32;

    /**
     * Requests a VNIC may send per second, sustained, before the excess is dropped unread. Every set request,
     * committed or denied, is one journal record, so this bounds how fast one guest grows the journal.
     */
    public static final double DEFAULT_RATE_PER_SECOND = 1.0;
    /** Requests a VNIC may send at once after a quiet spell: a boot script setting its address, route, MTU, ... */
    public static final int DEFAULT_BURST = 10;
    /** Whether a denied request gets a {@code denied} reply; by default it is dropped silently (and audited). */
    public static final boolean DEFAULT_EXPLICIT_DENIALS = false;
    /** SCHED_FIFO priority of the service thread by default: low among real-time priorities, above every normal thread. */
    public static final int DEFAULT_REALTIME_PRIORITY = 10;

    private GuestProtocol() {
    }
}
