package io.quiver.dataplane.offload.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.quiver.dataplane.offload.tls.crypto.jdk.JdkCryptoBackend;
import io.quiver.dataplane.offload.tls.keylog.NssKeyLog;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.wire.OffloadWire;
import io.quiver.dataplane.offload.tls.wire.WireReply;
import io.quiver.dataplane.offload.tls.wire.WireRequest;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What a client of the TLS offload service sends, whatever it is (docs/testing.md, "Fuzzing"): a stream of wire frames
 * as the Unix socket and a guest's datagrams deliver them, read by {@link WireRequest} and run by the engine, whose
 * handshake parser and reassembler see every handshake message in it. Every frame is answered with a status that fits
 * a reply, nothing throws, and once the client is gone (the service's CLOSE_CLIENT, as on a disconnect) no session and
 * no secret is left. The seed corpus holds RFC 8448's handshake as a client sends it.
 */
class OffloadWireFuzzTest {
    static final long CLIENT = 7;
    static HandshakeOffloadEngine engine;
    static final OffloadRequest REQUEST = new OffloadRequest(OffloadWire.MAX_PAYLOAD);
    static final WireRequest READER = new WireRequest();
    static final ByteBuffer REPLY = ByteBuffer.allocate(WireReply.MAX_REPLY + 64);

    @BeforeAll
    static void start() {
        engine = new HandshakeOffloadEngine(new JdkCryptoBackend(), NssKeyLog.DISABLED, 16, 256, 64 * 1024);
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @FuzzTest(maxDuration = "30s")
    void everyFrameIsAnsweredAndAGoneClientLeavesNothing(byte[] stream) {
        ByteBuffer in = ByteBuffer.wrap(stream);
        while (in.remaining() >= OffloadWire.LENGTH_FIELD) {
            int length = in.getInt();
            if (length < OffloadWire.REQUEST_HEADER || length > OffloadWire.MAX_FRAME || length > in.remaining()) {
                break; // the service closes a stream whose framing it cannot trust
            }
            ByteBuffer body = in.slice(in.position(), length);
            in.position(in.position() + length);
            FailureReason refused = READER.read(body, REQUEST);
            if (refused != null || READER.isHello()) {
                continue;
            }
            REQUEST.client(CLIENT);
            OffloadReply reply = engine.process(REQUEST);
            assertNotNull(reply);
            assertTrue(reply.ok() || reply.reason() != null, "a failure says why: " + reply);
            REPLY.clear();
            WireReply.write(reply, READER.operationCode(), READER.requestId(), REPLY); // it fits a reply frame
        }
        REQUEST.reset().operation(OffloadOperation.CLOSE_CLIENT).client(CLIENT);
        assertTrue(engine.process(REQUEST).ok());
        assertEquals(0, engine.activeConnections(), "a gone client's sessions are closed");
        assertEquals(0, engine.liveSecrets(), "and their secrets erased");
    }
}
