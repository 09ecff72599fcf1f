package io.quiver.dataplane.aggr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * LACPDU encoding and decoding against 802.1AX's layout, byte for byte; bad frames are refused naming what is wrong.
 * What Linux sends and whether Linux reads Quiver's are checked in control's {@code LinuxLacpduTest}, against a
 * real Linux bond.
 */
class LacpduTest {
    private static final long SYSTEM = 0x0251_0000_0001L;
    private static final long LINUX = 0x5254_0051_0001L;

    /**
     * A Linux 6.1 bond's LACPDU (802.3ad, lacp_rate fast) before it heard a partner, as tcpdump captured it on the
     * bond's first member in {@code LinuxLacpduTest}'s VM.
     */
    private static final String LINUX_FIRST = "0180c2000002525400510001880901010114ffff525400510001000f00ff0001c7000000"
            + "0214ffff000000000000000100ff000102000000" + "0310" + "00".repeat(14) + "0000" + "00".repeat(50);

    @Test
    void aLinuxBondsFirstLacpduDecodes() {
        Lacpdu pdu = Lacpdu.decode(HexFormat.of().parseHex(LINUX_FIRST));
        LacpActor actor = pdu.actor();
        assertEquals(0xFFFF, actor.systemPriority());
        assertEquals(LINUX, actor.system());
        assertEquals(15, actor.key());
        assertEquals(255, actor.portPriority());
        assertEquals(1, actor.port(), "LACP port numbers start at 1");
        assertEquals("activity,short-timeout,aggregation,defaulted,expired", actor.stateNames());
        assertFalse(actor.collectingAndDistributing());
        assertEquals(0, pdu.partner().system(), "no partner yet: Linux's defaults");
        assertEquals(1, pdu.partner().key());
        assertEquals("short-timeout", pdu.partner().stateNames());
        assertEquals(0, pdu.collectorMaxDelay());
    }

    @Test
    void encodingIsByteForByteWhatDecodingReads() {
        int collecting = LacpActor.ACTIVITY | LacpActor.SHORT_TIMEOUT | LacpActor.AGGREGATION | LacpActor.SYNCHRONIZATION
                | LacpActor.COLLECTING | LacpActor.DISTRIBUTING;
        Lacpdu pdu = new Lacpdu(new LacpActor(32768, SYSTEM, 7, 255, 2, collecting),
                new LacpActor(0xFFFF, LINUX, 15, 255, 1, 0x47), 0);
        byte[] frame = pdu.encode(SYSTEM);
        assertEquals(Lacpdu.FRAME_LENGTH, frame.length);
        assertEquals(pdu, Lacpdu.decode(frame));
        assertTrue(Lacpdu.decode(frame).actor().collectingAndDistributing());
        byte[] linux = HexFormat.of().parseHex(LINUX_FIRST);
        Lacpdu same = Lacpdu.decode(linux);
        assertTrue(Arrays.equals(linux, same.encode(LINUX)), "re-encoded, Linux's frame is unchanged");
        byte[] padded = Arrays.copyOf(frame, frame.length + 4); // an FCS left on
        assertEquals(pdu, Lacpdu.decode(padded));
    }

    @Test
    void badFramesAreRefusedNamingWhatIsWrong() {
        byte[] good = HexFormat.of().parseHex(LINUX_FIRST);
        assertThrows(IllegalArgumentException.class, () -> Lacpdu.decode(new byte[10]), "too short");
        byte[] ipv4 = good.clone();
        ipv4[12] = 0x08;
        ipv4[13] = 0x00;
        assertTrue(message(ipv4).contains("0x0800"), message(ipv4));
        byte[] marker = good.clone();
        marker[14] = 2;
        assertTrue(message(marker).contains("marker"), message(marker));
        byte[] truncated = Arrays.copyOf(good, 40);
        assertTrue(message(truncated).contains("too short"), message(truncated));
        byte[] badTlv = good.clone();
        badTlv[17] = 19; // the actor TLV's length
        assertTrue(message(badTlv).contains("actor TLV"), message(badTlv));
        byte[] badPartner = good.clone();
        badPartner[36] = 9; // the partner TLV's type
        assertTrue(message(badPartner).contains("partner TLV"), message(badPartner));
        byte[] version0 = good.clone();
        version0[15] = 0;
        assertTrue(message(version0).contains("version 0"), message(version0));
        assertThrows(IllegalArgumentException.class, () -> new LacpActor(0, 0, 0, 0, 0x10000, 0), "16-bit port");
        assertThrows(IllegalArgumentException.class, () -> new LacpActor(0, 1L << 48, 0, 0, 1, 0), "48-bit system");
    }

    private static String message(byte[] frame) {
        return assertThrows(IllegalArgumentException.class, () -> Lacpdu.decode(frame)).getMessage();
    }
}
