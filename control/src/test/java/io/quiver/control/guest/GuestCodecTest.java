package io.quiver.control.guest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The wire format by example: what each message looks like on the wire, and that every kind survives a round trip. */
class GuestCodecTest {
    private static final GuestRequest SET_MTU = GuestRequest.set(17, "mtu", "1400");

    static List<GuestMessage> everyKind() {
        return List.of(
                SET_MTU,
                GuestRequest.set(1, "ipv4-addresses", "10.0.0.5/24, 10.0.0.6/24"),
                GuestRequest.get(Integer.MAX_VALUE, "default-route"),
                GuestReply.accepted(SET_MTU, "1400"),
                GuestReply.accepted(SET_MTU, "1400", 42),
                GuestReply.accepted(GuestRequest.get(9, "tcp-send-buffer"), "256k"),
                GuestReply.denied(SET_MTU, "value-not-allowed", "mtu 9000 is outside the allowed values 68..1500"),
                GuestReply.denied(SET_MTU, "not-permitted", null),
                GuestReply.error(SET_MTU, GuestReply.INTERNAL, "the commit failed: disk full"),
                GuestReply.denied(SET_MTU, "malformed-value", "Zürich µs \uD83D\uDE00 non-ASCII survives"),
                new GuestNotification(1, "mtu", "9000"),
                new GuestNotification(Long.MAX_VALUE, "secondary-macs", "none"));
    }

    @ParameterizedTest
    @MethodSource("everyKind")
    void everyKindSurvivesARoundTrip(GuestMessage message) {
        byte[] wire = GuestCodec.encode(message);
        assertTrue(wire.length <= GuestProtocol.MAX_DATAGRAM);
        assertEquals(message, GuestCodec.decode(wire, 0, wire.length));
    }

    @Test
    void aSetRequestOnTheWire() {
        assertEquals("QUIVER/1 REQUEST 17\nop: set\nparameter: mtu\nvalue: 1400\n\n", wire(SET_MTU));
    }

    @Test
    void aGetRequestOnTheWire() {
        assertEquals("QUIVER/1 REQUEST 3\nop: get\nparameter: mtu\n\n", wire(GuestRequest.get(3, "mtu")));
    }

    @Test
    void repliesOnTheWire() {
        assertEquals("QUIVER/1 REPLY 17\nstatus: accepted\nparameter: mtu\nvalue: 1400\nsequence: 42\n\n",
                wire(GuestReply.accepted(SET_MTU, "1400", 42)));
        assertEquals("QUIVER/1 REPLY 17\nstatus: denied\nparameter: mtu\nreason: value-not-allowed\n"
                        + "message: allowed: 68..1500\n\n",
                wire(GuestReply.denied(SET_MTU, "value-not-allowed", "allowed: 68..1500")));
        assertEquals("QUIVER/1 REPLY 17\nstatus: error\nparameter: mtu\nreason: internal\n\n",
                wire(GuestReply.error(SET_MTU, GuestReply.INTERNAL, null)));
    }

    @Test
    void aNotificationOnTheWire() {
        assertEquals("QUIVER/1 NOTIFY\nsequence: 8\nparameter: vlan\nvalue: 100\n\n",
                wire(new GuestNotification(8, "vlan", "100")));
    }

    @Test
    void keysMayComeInAnyOrder() {
        byte[] b = "QUIVER/1 REQUEST 17\nvalue: 1400\nparameter: mtu\nop: set\n\n".getBytes(UTF_8);
        assertEquals(SET_MTU, GuestCodec.decode(b));
    }

    @Test
    void decodesFromTheMiddleOfABuffer() {
        byte[] wire = GuestCodec.encode(SET_MTU);
        byte[] frame = new byte[wire.length + 50];
        System.arraycopy(wire, 0, frame, 42, wire.length);
        frame[41] = (byte) 0xFF;
        frame[42 + wire.length] = (byte) 0xFF;
        assertEquals(SET_MTU, GuestCodec.decode(frame, 42, wire.length));
        assertThrows(IndexOutOfBoundsException.class, () -> GuestCodec.decode(frame, 42, frame.length));
    }

    @Test
    void theServiceTakesRequestsOnly() {
        byte[] reply = GuestCodec.encode(GuestReply.accepted(SET_MTU, "1400"));
        assertEquals(SET_MTU, GuestCodec.decodeRequest(GuestCodec.encode(SET_MTU), 0, wire(SET_MTU).length()));
        GuestProtocolException e = assertThrows(GuestProtocolException.class,
                () -> GuestCodec.decodeRequest(reply, 0, reply.length));
        assertEquals("expected a REQUEST, got a REPLY: guests send requests only", e.getMessage());
    }

    @Test
    void aLongDenialMessageIsShortenedToFitOneDatagram() {
        String longMessage = "9000 is not among the allowed values " + "1000,".repeat(100) + "1500";
        byte[] wire = GuestCodec.encode(GuestReply.denied(SET_MTU, "value-not-allowed", longMessage));
        assertEquals(GuestProtocol.MAX_DATAGRAM, wire.length, "filled to the limit, not beyond");
        GuestReply back = (GuestReply) GuestCodec.decode(wire);
        assertTrue(back.message().endsWith("..."), back.message());
        assertTrue(longMessage.startsWith(back.message().substring(0, back.message().length() - 3)));
    }

    @Test
    void shorteningNeverSplitsACharacter() {
        for (int pad = 0; pad < 4; pad++) {
            String message = "x".repeat(pad) + "\uD83D\uDE00".repeat(200);
            byte[] wire = GuestCodec.encode(GuestReply.denied(SET_MTU, "conflict", message));
            assertTrue(wire.length <= GuestProtocol.MAX_DATAGRAM);
            GuestReply back = (GuestReply) GuestCodec.decode(wire);
            assertTrue(back.message().endsWith("\uD83D\uDE00..."), back.message());
        }
    }

    @Test
    void aValueTooLargeForOneDatagramIsRefusedNotCut() {
        String addresses = String.join(",", java.util.Collections.nCopies(32, "192.168.100.200/24"));
        GuestProtocolException e = assertThrows(GuestProtocolException.class,
                () -> GuestCodec.encode(GuestReply.accepted(GuestRequest.get(5, "ipv4-addresses"), addresses)));
        assertEquals("REPLY too large: 676 bytes encoded, a message is at most 512", e.getMessage());
        byte[] fallback = GuestCodec.encode(GuestReply.error(GuestRequest.get(5, "ipv4-addresses"),
                GuestReply.TOO_LARGE, "the value is 607 bytes"));
        assertEquals(GuestReply.TOO_LARGE, ((GuestReply) GuestCodec.decode(fallback)).reason());
    }

    @Test
    void replyFactoriesMakeFreeTextFitTheWire() {
        GuestReply r = GuestReply.denied(SET_MTU, "value-not-allowed", "  line one\nline\ttwo \u202Eevil  ");
        assertEquals("line one line two evil", r.message());
        assertNull(GuestReply.denied(SET_MTU, "conflict", " \n\t ").message());
    }

    @Test
    void denialReasonsGoOnTheWireInLowerCaseWithDashes() {
        assertEquals("value-not-allowed", GuestReply.reasonName(Sample.VALUE_NOT_ALLOWED));
        assertEquals("conflict", GuestReply.reasonName(Sample.CONFLICT));
    }

    /** Stands in for {@code io.quiver.configstore.model.DenialReason}. */
    private enum Sample {
        VALUE_NOT_ALLOWED, CONFLICT
    }

    @Test
    void theRecordsHoldToTheWireRules() {
        assertEquals("a get request carries no value",
                assertThrows(GuestProtocolException.class, () -> new GuestRequest(1, GuestRequest.Op.GET, "mtu", "1"))
                        .getMessage());
        assertEquals("bad request id 0: use 1 to 2147483647",
                assertThrows(GuestProtocolException.class, () -> GuestRequest.get(0, "mtu")).getMessage());
        assertEquals("bad value: control character U+000A at character 3",
                assertThrows(GuestProtocolException.class, () -> GuestRequest.set(1, "mtu", "14\n00")).getMessage());
        assertEquals("an accepted reply carries no reason and no message",
                assertThrows(GuestProtocolException.class, () -> new GuestReply(1, GuestReply.Status.ACCEPTED, "mtu",
                        "1400", "conflict", null, 0)).getMessage());
        assertEquals("bad sequence 0: use 1 to 9223372036854775807",
                assertThrows(GuestProtocolException.class, () -> new GuestNotification(0, "mtu", "1")).getMessage());
    }

    @Test
    void anEncodedMessageIsItsOwnCanonicalForm() {
        for (GuestMessage m : everyKind()) {
            byte[] once = GuestCodec.encode(m);
            assertArrayEquals(once, GuestCodec.encode(GuestCodec.decode(once)));
        }
    }

    private static String wire(GuestMessage m) {
        return new String(GuestCodec.encode(m), UTF_8);
    }
}
