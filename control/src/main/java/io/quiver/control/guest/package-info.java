/**
 * The guest protocol: how a guest (a VM, a container) asks Quiver to change or read one of its VNIC's network
 * parameters, and how Quiver tells it of changes the host made. Specification: {@code docs/guest-protocol.md}.
 *
 * <ul>
 *   <li>{@link io.quiver.control.guest.GuestProtocol}: the addresses, ports, limits and defaults;</li>
 *   <li>{@link io.quiver.control.guest.GuestMessage} and its records {@link io.quiver.control.guest.GuestRequest},
 *       {@link io.quiver.control.guest.GuestReply}, {@link io.quiver.control.guest.GuestNotification};</li>
 *   <li>{@link io.quiver.control.guest.GuestCodec}: datagram payload bytes to messages and back, strict, throwing
 *       only {@link io.quiver.control.guest.GuestProtocolException} on bad input;</li>
 *   <li>{@link io.quiver.control.guest.RequestRateLimiter}: the per-VNIC token bucket every request datagram passes
 *       before it is decoded.</li>
 * </ul>
 *
 * The guest-side tool is {@code io.quiver.control.cli.GuestCommand} ({@code quiver guest request|listen}).
 */
package io.quiver.control.guest;
