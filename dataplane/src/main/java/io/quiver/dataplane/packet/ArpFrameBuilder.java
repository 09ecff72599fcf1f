package io.quiver.dataplane.packet;

import java.nio.ByteBuffer;

/** Builds Ethernet/ARP frames (requests and replies), padded to the 60-byte minimum. Control path only. */
public final class ArpFrameBuilder {
    public static final int REQUEST = 1;
    public static final int REPLY = 2;
    private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

    private ArpFrameBuilder() {
    }

    /** "Who has {@code targetIp}? Tell {@code senderIp}" from {@code senderMac}, to broadcast. */
    public static byte[] request(byte[] senderMac, int senderIp, int targetIp) {
        return frame(BROADCAST, senderMac, REQUEST, senderMac, senderIp, new byte[6], targetIp);
    }

    /** "{@code senderIp} is at {@code senderMac}", to {@code targetMac}. */
    public static byte[] reply(byte[] senderMac, int senderIp, byte[] targetMac, int targetIp) {
        return frame(targetMac, senderMac, REPLY, senderMac, senderIp, targetMac, targetIp);
    }

    public static byte[] frame(byte[] ethDst, byte[] ethSrc, int op, byte[] senderMac, int senderIp, byte[] targetMac, int targetIp) {
        ByteBuffer b = ByteBuffer.allocate(UdpFrameBuilder.MIN_FRAME);
        b.put(ethDst).put(ethSrc).putShort((short) PacketParser.ETHERTYPE_ARP);
        b.putShort((short) 1).putShort((short) PacketParser.ETHERTYPE_IPV4).put((byte) 6).put((byte) 4).putShort((short) op);
        b.put(senderMac).putInt(senderIp).put(targetMac).putInt(targetIp);
        return b.array();
    }
}
