package io.quiver.dataplane.packet;

import io.quiver.dpdk.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Turns an ARP request into the reply for an address the appliance answers for, in the same buffer. */
public final class ArpResponder {
    private static final MemorySegment M = NativeMemory.ALL;

    private ArpResponder() {
    }

    /**
     * Rewrites the ARP request at {@code frame} (ARP header at {@code arp}) into "{@code ip} is at {@code mac}" sent
     * back to the requester.
     */
    public static void answerInPlace(long frame, long arp, long mac, int ip) {
        long requesterMac = PacketParser.arpSenderMac(arp);
        int requesterIp = PacketParser.be32(arp + 14);
        Ethernet.setDestination(frame, requesterMac);
        Ethernet.setSource(frame, mac);
        M.set(ValueLayout.JAVA_SHORT_UNALIGNED, arp + 6, Short.reverseBytes((short) ArpFrameBuilder.REPLY));
        writeMac(arp + 8, mac);
        M.set(ValueLayout.JAVA_INT_UNALIGNED, arp + 14, Integer.reverseBytes(ip));
        writeMac(arp + 18, requesterMac);
        M.set(ValueLayout.JAVA_INT_UNALIGNED, arp + 24, Integer.reverseBytes(requesterIp));
    }

    private static void writeMac(long at, long mac) {
        M.set(ValueLayout.JAVA_INT_UNALIGNED, at, (int) mac);
        M.set(ValueLayout.JAVA_SHORT_UNALIGNED, at + 4, (short) (mac >>> 32));
    }
}
