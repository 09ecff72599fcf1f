package io.quiver.dataplane.packet;

import io.quiver.dpdk.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Writes an ARP request frame into memory the caller owns (an mbuf's data): a router's probe for a neighbour. */
public final class ArpRequestWriter {
    /** Ethernet header and ARP for IPv4 over Ethernet. */
    public static final int LENGTH = Ethernet.HEADER_LENGTH + 28;
    private static final long BROADCAST = Ethernet.MAC_MASK;
    private static final MemorySegment M = NativeMemory.ALL;

    private ArpRequestWriter() {
    }

    /**
     * "Who has {@code targetIp}? Tell {@code senderIp}", from {@code senderMac}, to {@code toMac} (0: broadcast), at
     * {@code frame}; returns its length.
     */
    public static int write(long frame, long senderMac, int senderIp, long toMac, int targetIp) {
        Ethernet.setDestination(frame, toMac == 0 ? BROADCAST : toMac);
        Ethernet.setSource(frame, senderMac);
        be16(frame + 12, PacketParser.ETHERTYPE_ARP);
        long arp = frame + Ethernet.HEADER_LENGTH;
        be16(arp, 1);                  // Ethernet
        be16(arp + 2, PacketParser.ETHERTYPE_IPV4);
        M.set(ValueLayout.JAVA_BYTE, arp + 4, (byte) 6);
        M.set(ValueLayout.JAVA_BYTE, arp + 5, (byte) 4);
        be16(arp + 6, ArpFrameBuilder.REQUEST);
        mac(arp + 8, senderMac);
        be32(arp + 14, senderIp);
        mac(arp + 18, 0);
        be32(arp + 24, targetIp);
        return LENGTH;
    }

    private static void mac(long at, long mac) {
        M.set(ValueLayout.JAVA_INT_UNALIGNED, at, (int) mac);
        M.set(ValueLayout.JAVA_SHORT_UNALIGNED, at + 4, (short) (mac >>> 32));
    }

    private static void be16(long at, int v) {
        M.set(ValueLayout.JAVA_SHORT_UNALIGNED, at, Short.reverseBytes((short) v));
    }

    private static void be32(long at, int v) {
        M.set(ValueLayout.JAVA_INT_UNALIGNED, at, Integer.reverseBytes(v));
    }
}
