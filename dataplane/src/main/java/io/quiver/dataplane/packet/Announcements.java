package io.quiver.dataplane.packet;

import java.nio.ByteBuffer;

/**
 * Frames that tell a network an address moved, so that switches and neighbours update their tables at once rather
 * than when their entries age out: a gratuitous ARP (a request whose sender and target are the address, to
 * broadcast) and an unsolicited neighbour advertisement (RFC 4861 7.2.6: to all nodes, override set, the target's
 * link-layer address as an option). Sent from the address's MAC, so a learning switch moves the MAC too. Control
 * path only.
 */
public final class Announcements {
    private static final int IPV6_HEADER = 40;
    /** Type, code, checksum, flags, target, and a target link-layer address option of 8 bytes. */
    private static final int NA_LENGTH = 4 + 4 + 16 + 8;
    private static final int OVERRIDE = 0x2000_0000;
    private static final int TARGET_LINK_LAYER_ADDRESS = 2;

    private Announcements() {
    }

    /** A gratuitous ARP for {@code ip} at {@code mac} (the datapath's long form), tagged when {@code vlan} is not 0. */
    public static byte[] gratuitousArp(long mac, int ip, int vlan) {
        byte[] m = Ethernet.longToMac(mac);
        return tagged(ArpFrameBuilder.request(m, ip, ip), vlan);
    }

    /** An unsolicited neighbour advertisement of {@code high:low} at {@code mac}, from that address to ff02::1. */
    public static byte[] unsolicitedNa(long mac, long high, long low, int vlan) {
        byte[] m = Ethernet.longToMac(mac);
        ByteBuffer b = ByteBuffer.allocate(Ethernet.HEADER_LENGTH + IPV6_HEADER + NA_LENGTH);
        b.put(new byte[] {0x33, 0x33, 0, 0, 0, 1}).put(m).putShort((short) PacketParser.ETHERTYPE_IPV6);
        b.putInt(0x6000_0000).putShort((short) NA_LENGTH).put((byte) Icmpv6.PROTOCOL).put((byte) 255);
        b.putLong(high).putLong(low);
        b.putLong(0xff02_0000_0000_0000L).putLong(1);
        int icmp = b.position();
        b.put((byte) Icmpv6.NEIGHBOUR_ADVERTISEMENT).put((byte) 0).putShort((short) 0).putInt(OVERRIDE);
        b.putLong(high).putLong(low);
        b.put((byte) TARGET_LINK_LAYER_ADDRESS).put((byte) 1).put(m);
        byte[] frame = b.array();
        int sum = Checksums.icmpv6(frame, Ethernet.HEADER_LENGTH, icmp, NA_LENGTH);
        frame[icmp + 2] = (byte) (sum >>> 8);
        frame[icmp + 3] = (byte) sum;
        return tagged(frame, vlan);
    }

    /** {@code frame} with an 802.1Q tag of {@code vlan} after its addresses; the same frame when {@code vlan} is 0. */
    private static byte[] tagged(byte[] frame, int vlan) {
        if (vlan == 0) {
            return frame;
        }
        byte[] out = new byte[frame.length + 4];
        System.arraycopy(frame, 0, out, 0, 12);
        out[12] = (byte) (PacketParser.ETHERTYPE_VLAN >>> 8);
        out[13] = (byte) PacketParser.ETHERTYPE_VLAN;
        out[14] = (byte) (vlan >>> 8 & 0x0F);
        out[15] = (byte) vlan;
        System.arraycopy(frame, 12, out, 16, frame.length - 12);
        return out;
    }
}
