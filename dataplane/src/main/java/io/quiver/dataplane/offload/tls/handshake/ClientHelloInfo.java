package io.quiver.dataplane.offload.tls.handshake;

import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.protocol.OffloadFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the engine needs from a ClientHello (RFC 8446 §4.1.2): the random (for the key log), the offered key shares
 * and the pre_shared_key extension with its binders and where the truncated ClientHello of §4.2.11.2 ends.
 *
 * @param keyShares           key_exchange bytes by named group code
 * @param binders             the PSK binders in offer order, empty without pre_shared_key
 * @param truncatedLength     the length of the message (header included) up to the binders list, or -1
 */
public record ClientHelloInfo(byte[] random, Map<Integer, byte[]> keyShares, List<byte[]> binders,
                              int truncatedLength) {

    public boolean offersPsk() {
        return truncatedLength >= 0;
    }

    public static ClientHelloInfo parse(HandshakeMessage message) {
        MessageReader r = message.body();
        r.uint16(); // legacy_version
        byte[] random = r.bytes(32);
        MessageReader sessionId = r.vector8();
        if (sessionId.remaining() > 32) {
            throw new OffloadFailure(FailureReason.MALFORMED_MESSAGE);
        }
        MessageReader suites = r.vector16();
        if (suites.remaining() < 2 || suites.remaining() % 2 != 0) {
            throw new OffloadFailure(FailureReason.MALFORMED_MESSAGE);
        }
        if (r.vector8().remaining() < 1) {
            throw new OffloadFailure(FailureReason.MALFORMED_MESSAGE);
        }
        Map<Integer, byte[]> shares = new LinkedHashMap<>();
        List<byte[]> binders = new ArrayList<>();
        int truncated = -1;
        MessageReader extensions = r.vector16();
        r.expectEnd();
        while (extensions.hasRemaining()) {
            int type = extensions.uint16();
            MessageReader data = extensions.vector16();
            if (type == ExtensionType.KEY_SHARE) {
                MessageReader list = data.vector16();
                while (list.hasRemaining()) {
                    int group = list.uint16();
                    MessageReader keyExchange = list.vector16();
                    if (keyExchange.remaining() < 1) {
                        throw new OffloadFailure(FailureReason.MALFORMED_MESSAGE);
                    }
                    shares.put(group, keyExchange.rest());
                }
                data.expectEnd();
            } else if (type == ExtensionType.PRE_SHARED_KEY) {
                if (extensions.hasRemaining()) {
                    // RFC 8446 §4.2.11: pre_shared_key MUST be the last extension of the ClientHello
                    throw new OffloadFailure(FailureReason.MALFORMED_MESSAGE);
                }
                MessageReader identities = data.vector16();
                if (identities.remaining() < 7) {
                    throw new OffloadFailure(FailureReason.MALFORMED_MESSAGE);
                }
                truncated = data.position() - message.offset();
                MessageReader binderList = data.vector16();
                while (binderList.hasRemaining()) {
                    MessageReader binder = binderList.vector8();
                    if (binder.remaining() < 32) {
                        throw new OffloadFailure(FailureReason.MALFORMED_MESSAGE);
                    }
                    binders.add(binder.rest());
                }
                data.expectEnd();
            }
        }
        return new ClientHelloInfo(random, shares, binders, truncated);
    }
}
