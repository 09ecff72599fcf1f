package io.quiver.dataplane.offload.tls.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.quiver.dataplane.offload.tls.HandshakeProgress;
import io.quiver.dataplane.offload.tls.KeyHandle;
import io.quiver.dataplane.offload.tls.OffloadOperation;
import io.quiver.dataplane.offload.tls.OffloadReply;
import io.quiver.dataplane.offload.tls.OffloadRequest;
import io.quiver.dataplane.offload.tls.OffloadStatus;
import io.quiver.dataplane.offload.tls.PskKind;
import io.quiver.dataplane.offload.tls.SecretKind;
import io.quiver.dataplane.offload.tls.TlsRole;
import io.quiver.dataplane.offload.tls.TranscriptPoint;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every request field and every reply field survives the wire, and a reply field of a later version is skipped. */
class WireRoundTripTest {
    @Test
    void aRequestWithEveryFieldReadsBackTheSame() {
        OffloadRequest r = new OffloadRequest(OffloadWire.MAX_PAYLOAD).operation(OffloadOperation.START)
                .connectionId(0x0102030405060708L).keyHandle(-7).role(TlsRole.SERVER).cipherSuite(0x1303)
                .namedGroup(0x0017).pskKind(PskKind.EXTERNAL).pskHandle(42).transcriptPoint(TranscriptPoint.SERVER_FINISHED)
                .payloadIsTranscriptHash(true).endOfFlight(false).contentType(23).paddingLength(300);
        r.privateKey().set(new byte[] {1, 2});
        r.localKeyShare().set(new byte[] {3});
        r.peerKeyShare().set(new byte[65]);
        r.psk().set(new byte[] {4, 5, 6});
        r.clientRandom().set(new byte[32]);
        r.auxiliary().set(new byte[0]);
        r.payload().set(new byte[OffloadWire.MAX_PAYLOAD]);
        ByteBuffer frame = ByteBuffer.allocate(OffloadWire.MAX_FRAME + 4);
        int size = WireRequest.write(r, OffloadWire.code(OffloadOperation.START), 99, frame);
        assertEquals(size - 4, frame.getInt(0));
        OffloadRequest back = new OffloadRequest(OffloadWire.MAX_PAYLOAD);
        WireRequest reader = new WireRequest();
        assertNull(reader.read(ByteBuffer.wrap(frame.array(), 4, size - 4).slice(), back));
        assertEquals(99, reader.requestId());
        ByteBuffer again = ByteBuffer.allocate(OffloadWire.MAX_FRAME + 4);
        int size2 = WireRequest.write(back, OffloadWire.code(OffloadOperation.START), 99, again);
        assertArrayEquals(java.util.Arrays.copyOf(frame.array(), size), java.util.Arrays.copyOf(again.array(), size2));
        assertEquals(TlsRole.SERVER, back.role());
        assertEquals(false, back.endOfFlight());
        assertEquals(0, back.auxiliary().length());
        assertEquals(true, back.auxiliary().isPresent(), "an empty field is present");
    }

    @Test
    void aReplyReadsBackAndAnUnknownSecretKindIsSkipped() {
        OffloadReply reply = new OffloadReply(5, OffloadOperation.FINISHED, OffloadStatus.OK, null, HandshakeProgress.COMPLETE,
                Map.of(SecretKind.RESUMPTION_MASTER, new KeyHandle(77)), new byte[] {9, 8}, 22);
        ByteBuffer out = ByteBuffer.allocate(WireReply.MAX_REPLY + 16);
        WireReply.write(reply, OffloadWire.code(OffloadOperation.FINISHED), 3, out);
        out.put((byte) OffloadWire.TAG_HANDLE).putShort((short) 9).put((byte) 99).putLong(1); // a kind from the future
        out.put((byte) 200).putShort((short) 2).putShort((short) 0); // a field from the future
        out.putInt(0, out.position() - 4);
        WireReply.Read read = WireReply.read(ByteBuffer.wrap(out.array(), 4, out.position() - 4).slice());
        assertEquals(3, read.requestId());
        assertEquals(reply.handles(), read.reply().handles());
        assertArrayEquals(reply.output(), read.reply().output());
        assertEquals(22, read.reply().contentType());
        assertEquals(HandshakeProgress.COMPLETE, read.reply().progress());

        ByteBuffer failed = ByteBuffer.allocate(64);
        WireReply.writeFailure(FailureReason.NOT_PERMITTED, 1, 4, 6, failed);
        WireReply.Read f = WireReply.read(ByteBuffer.wrap(failed.array(), 4, failed.position() - 4).slice());
        assertEquals(FailureReason.NOT_PERMITTED, f.reply().reason());
        assertEquals(FailureReason.NOT_PERMITTED.alert().code(), failed.get(4 + 17));
    }
}
