package io.quiver.dataplane.packet;

import io.quiver.dataplane.offload.tls.handshake.Tls13Messages;
import java.nio.ByteBuffer;

/**
 * A TLS 1.3 ClientHello in its TLS record, as a client's first bytes on a connection: what the priority benchmark and
 * tests send to be identified by server name. The random and key share are fixed bytes: nothing here is ever
 * negotiated, only recognised.
 */
public final class ClientHelloRecord {
    private static final int TLS_AES_128_GCM_SHA256 = 0x1301;
    private static final int X25519 = 29;

    private ClientHelloRecord() {
    }

    /** The record (type 22, version 3.1) holding a ClientHello naming {@code serverName} (null: no server_name). */
    public static byte[] of(String serverName) {
        byte[] random = new byte[32];
        byte[] share = new byte[32];
        for (int i = 0; i < 32; i++) {
            random[i] = (byte) (i * 7 + 1);
            share[i] = (byte) (i * 13 + 9);
        }
        byte[] hello = Tls13Messages.clientHello(random, new byte[32], new int[] {TLS_AES_128_GCM_SHA256}, X25519, share,
                serverName);
        return ByteBuffer.allocate(5 + hello.length).put((byte) 22).put((byte) 3).put((byte) 1)
                .putShort((short) hello.length).put(hello).array();
    }
}
