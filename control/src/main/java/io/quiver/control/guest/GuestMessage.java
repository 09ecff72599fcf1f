package io.quiver.control.guest;

/** One guest-protocol datagram: a guest's request, Quiver's reply to it, or Quiver's notification of a change. */
public sealed interface GuestMessage permits GuestRequest, GuestReply, GuestNotification {

    /** The message kinds, by their name on the wire (the header's second token). */
    enum Kind {
        REQUEST, REPLY, NOTIFY
    }

    Kind kind();
}
