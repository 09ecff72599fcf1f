package io.quiver.dataplane.offload.tls.handshake;

import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.protocol.OffloadFailure;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What the engine needs from a ServerHello (RFC 8446 §4.1.3): the selected suite and version, the server's key
 * share, whether the PSK was accepted, and whether it is in fact a HelloRetryRequest.
 *
 * @param keyShareGroup  the group of the key share (or, for a HelloRetryRequest, the group asked for), or -1
 * @param keyShare       the server's key_exchange bytes, or null
 * @param selectedPsk    the selected PSK identity, or -1 when the PSK was not accepted
 */
public record ServerHelloInfo(boolean helloRetryRequest, int cipherSuite, int selectedVersion, int keyShareGroup,
                              byte[] keyShare, int selectedPsk) {
    /** The special ServerHello.random of a HelloRetryRequest: SHA-256("HelloRetryRequest"). */
    static final byte[] HELLO_RETRY_REQUEST_RANDOM =
            HexFormat.of().parseHex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");

    public boolean pskAccepted() {
        return selectedPsk >= 0;
    }

    public static ServerHelloInfo parse(HandshakeMessage message) {
        MessageReader r = message.body();
        r.uint16(); // legacy_version
        byte[] random = r.bytes(32);
        boolean retry = Arrays.equals(random, HELLO_RETRY_REQUEST_RANDOM);
        if (r.vector8().remaining() > 32) {
            throw new OffloadFailure(FailureReason.MALFORMED_MESSAGE);
        }
        int suite = r.uint16();
        r.uint8(); // legacy_compression_method
        MessageReader extensions = r.vector16();
        r.expectEnd();
        int version = -1;
        int group = -1;
        byte[] share = null;
        int psk = -1;
        while (extensions.hasRemaining()) {
            int type = extensions.uint16();
            MessageReader data = extensions.vector16();
            switch (type) {
                case ExtensionType.SUPPORTED_VERSIONS -> version = data.uint16();
                case ExtensionType.KEY_SHARE -> {
                    group = data.uint16();
                    if (!retry) {
                        MessageReader keyExchange = data.vector16();
                        if (keyExchange.remaining() < 1) {
                            throw new OffloadFailure(FailureReason.MALFORMED_MESSAGE);
                        }
                        share = keyExchange.rest();
                    }
                }
                case ExtensionType.PRE_SHARED_KEY -> psk = data.uint16();
                default -> data.skip(data.remaining());
            }
            data.expectEnd();
        }
        return new ServerHelloInfo(retry, suite, version, group, share, psk);
    }
}
