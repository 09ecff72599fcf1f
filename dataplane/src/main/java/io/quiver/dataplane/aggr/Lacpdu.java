package io.quiver.dataplane.aggr;

import java.nio.ByteBuffer;

/**
 * An LACPDU (IEEE 802.1AX-2014 6.4.2, the 802.3ad frame Linux bonding, Crossbow and switches exchange): the actor's
 * and the partner's view of a link, and the collector's maximum delay, in a slow-protocols frame to
 * 01:80:C2:00:00:02. Encoded and decoded on the control side, where LACP runs on its timer; the datapath only hands
 * slow-protocols frames over.
 *
 * @param actor              what the sender says of itself
 * @param partner            what the sender believes of the other end
 * @param collectorMaxDelay  tens of microseconds the sender's collector may delay a frame (0 for Linux and Quiver)
 */
public record Lacpdu(LacpActor actor, LacpActor partner, int collectorMaxDelay) {
    /** The slow-protocols group address every LACPDU goes to. */
    public static final long SLOW_PROTOCOLS_MAC = 0x0180C2000002L;
    public static final int SLOW_PROTOCOLS_ETHERTYPE = 0x8809;
    private static final int SUBTYPE_LACP = 1;
    private static final int SUBTYPE_MARKER = 2;
    private static final int VERSION = 1;
    private static final int ACTOR_TLV = 1;
    private static final int PARTNER_TLV = 2;
    private static final int COLLECTOR_TLV = 3;
    private static final int TERMINATOR_TLV = 0;
    private static final int ACTOR_LENGTH = 20;
    private static final int COLLECTOR_LENGTH = 16;
    /** Ethernet header, then the 110-byte LACPDU (subtype to the terminator's 50 reserved bytes). */
    public static final int FRAME_LENGTH = 14 + 110;

    public Lacpdu {
        if (actor == null || partner == null) {
            throw new IllegalArgumentException("an LACPDU needs an actor and a partner");
        }
        if (collectorMaxDelay < 0 || collectorMaxDelay > 0xFFFF) {
            throw new IllegalArgumentException("the collector's max delay is 16 bits, not " + collectorMaxDelay);
        }
    }

    /**
     * The whole frame, sent from {@code sourceMac} (the member port's own address, as 802.1AX wants; MAC addresses
     * here are {@code MacAddress} bits, the first octet highest).
     */
    public byte[] encode(long sourceMac) {
        ByteBuffer b = ByteBuffer.allocate(FRAME_LENGTH);
        putMac(b, SLOW_PROTOCOLS_MAC);
        putMac(b, sourceMac);
        b.putShort((short) SLOW_PROTOCOLS_ETHERTYPE);
        b.put((byte) SUBTYPE_LACP).put((byte) VERSION);
        putActor(b, ACTOR_TLV, actor);
        putActor(b, PARTNER_TLV, partner);
        b.put((byte) COLLECTOR_TLV).put((byte) COLLECTOR_LENGTH).putShort((short) collectorMaxDelay);
        b.position(b.position() + 12);
        b.put((byte) TERMINATOR_TLV).put((byte) 0);
        return b.array(); // the terminator's 50 reserved bytes stay zero
    }

    /**
     * The LACPDU in {@code frame} (an Ethernet frame, untagged, as received; padding and an FCS after it are
     * ignored).
     *
     * @throws IllegalArgumentException naming what is wrong: not a slow-protocols frame, a marker PDU, another
     *                                  version, a TLV of the wrong type or length, or a truncated frame
     */
    public static Lacpdu decode(byte[] frame) {
        if (frame.length < 16) {
            throw new IllegalArgumentException("a " + frame.length + "-byte frame is too short for a slow-protocols PDU");
        }
        ByteBuffer b = ByteBuffer.wrap(frame);
        b.position(12);
        int ethertype = b.getShort() & 0xFFFF;
        if (ethertype != SLOW_PROTOCOLS_ETHERTYPE) {
            throw new IllegalArgumentException(String.format("ethertype 0x%04x is not slow protocols (0x8809)", ethertype));
        }
        int subtype = b.get() & 0xFF;
        if (subtype == SUBTYPE_MARKER) {
            throw new IllegalArgumentException("a marker PDU (subtype 2), not an LACPDU");
        }
        if (subtype != SUBTYPE_LACP) {
            throw new IllegalArgumentException("slow-protocols subtype " + subtype + " is not LACP (1)");
        }
        int version = b.get() & 0xFF;
        if (version < VERSION) {
            throw new IllegalArgumentException("LACP version " + version + " does not exist");
        }
        // a later version keeps version 1's TLVs first (802.1AX-2014 6.4.2.3): read those
        if (frame.length < FRAME_LENGTH - 50) {
            throw new IllegalArgumentException("a " + frame.length + "-byte frame is too short for an LACPDU ("
                    + (FRAME_LENGTH - 50) + " bytes to the terminator)");
        }
        LacpActor actor = actor(b, ACTOR_TLV, "actor");
        LacpActor partner = actor(b, PARTNER_TLV, "partner");
        tlv(b, COLLECTOR_TLV, COLLECTOR_LENGTH, "collector");
        int delay = b.getShort() & 0xFFFF;
        b.position(b.position() + 12);
        if (version == VERSION) {
            tlv(b, TERMINATOR_TLV, 0, "terminator");
        }
        return new Lacpdu(actor, partner, delay);
    }

    private static void tlv(ByteBuffer b, int type, int length, String what) {
        int t = b.get() & 0xFF;
        int l = b.get() & 0xFF;
        if (t != type || l != length) {
            throw new IllegalArgumentException("the " + what + " TLV should be type " + type + " length " + length
                    + ", not type " + t + " length " + l + " (at byte " + (b.position() - 2) + ")");
        }
    }

    private static LacpActor actor(ByteBuffer b, int type, String what) {
        tlv(b, type, ACTOR_LENGTH, what);
        int systemPriority = b.getShort() & 0xFFFF;
        long system = getMac(b);
        int key = b.getShort() & 0xFFFF;
        int portPriority = b.getShort() & 0xFFFF;
        int port = b.getShort() & 0xFFFF;
        int state = b.get() & 0xFF;
        b.position(b.position() + 3);
        return new LacpActor(systemPriority, system, key, portPriority, port, state);
    }

    private static void putActor(ByteBuffer b, int type, LacpActor a) {
        b.put((byte) type).put((byte) ACTOR_LENGTH);
        b.putShort((short) a.systemPriority());
        putMac(b, a.system());
        b.putShort((short) a.key()).putShort((short) a.portPriority()).putShort((short) a.port());
        b.put((byte) a.state());
        b.position(b.position() + 3);
    }

    private static void putMac(ByteBuffer b, long mac) {
        b.putShort((short) (mac >>> 32)).putInt((int) mac);
    }

    private static long getMac(ByteBuffer b) {
        return (b.getShort() & 0xFFFFL) << 32 | (b.getInt() & 0xFFFFFFFFL);
    }
}
