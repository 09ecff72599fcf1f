package io.quiver.control.guest;

/**
 * A guest message that cannot be decoded or encoded, with a message that says what is wrong and where ({@code
 * line 3: duplicate key 'op'}). The only exception {@link GuestCodec} throws for bad input.
 *
 * <p>It carries no stack trace: it reports bad input, which a guest can send as fast as the rate limiter lets it,
 * not a fault in the code, and filling a trace per datagram would be wasted work.
 */
public final class GuestProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GuestProtocolException(String message) {
        super(message, null, false, false);
    }
}
