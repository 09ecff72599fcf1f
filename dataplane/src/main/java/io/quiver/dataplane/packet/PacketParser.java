package io.quiver.dataplane.packet;

import io.quiver.dpdk.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Parses Ethernet [802.1Q] IPv4 / ARP headers at absolute addresses. Never reads past {@code length}: a frame whose
 * headers do not fit, or whose IPv4 header is inconsistent (version, IHL, total length), is MALFORMED.
 */
public final class PacketParser {
    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int ETHERTYPE_VLAN = 0x8100;

    private static final MemorySegment M = NativeMemory.ALL;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;

    private PacketParser() {
    }

    /** Parses packet {@code i} of {@code b}: {@code frame[i]} and {@code length[i]} must be set. */
    public static void parse(ParsedBurst b, int i) {
        long f = b.frame[i];
        int len = b.length[i];
        b.vlan[i] = 0;
        b.srcIp[i] = 0;
        b.dstIp[i] = 0;
        b.op[i] = 0;
        if (len < Ethernet.HEADER_LENGTH) {
            b.kind[i] = PacketKind.MALFORMED;
            b.dstMac[i] = 0;
            b.srcMac[i] = 0;
            return;
        }
        b.dstMac[i] = Ethernet.destination(f);
        b.srcMac[i] = Ethernet.source(f);
        int type = be16(f + 12);
        int l3 = 14;
        if (type == ETHERTYPE_VLAN) {
            if (len < 18) {
                b.kind[i] = PacketKind.MALFORMED;
                return;
            }
            b.vlan[i] = be16(f + 14) & 0x0fff;
            type = be16(f + 16);
            l3 = 18;
        }
        b.l3[i] = l3;
        if (type == ETHERTYPE_IPV4) {
            b.kind[i] = parseIpv4(b, i, f + l3, len - l3);
        } else if (type == ETHERTYPE_ARP) {
            b.kind[i] = parseArp(b, i, f + l3, len - l3);
        } else {
            b.kind[i] = PacketKind.OTHER;
        }
    }

    private static int parseIpv4(ParsedBurst b, int i, long ip, int room) {
        if (room < 20) {
            return PacketKind.MALFORMED;
        }
        int vihl = M.get(ValueLayout.JAVA_BYTE, ip) & 0xff;
        int ihl = (vihl & 0x0f) * 4;
        int total = be16(ip + 2);
        if ((vihl >>> 4) != 4 || ihl < 20 || total < ihl || total > room) {
            return PacketKind.MALFORMED;
        }
        b.op[i] = M.get(ValueLayout.JAVA_BYTE, ip + 9) & 0xff;
        b.srcIp[i] = be32(ip + 12);
        b.dstIp[i] = be32(ip + 16);
        return PacketKind.IPV4;
    }

    private static int parseArp(ParsedBurst b, int i, long arp, int room) {
        if (room < 28) {
            return PacketKind.MALFORMED;
        }
        // Ethernet/IPv4 ARP only: hardware type 1, protocol 0x0800, lengths 6 and 4
        if (be16(arp) != 1 || be16(arp + 2) != ETHERTYPE_IPV4 || be16(arp + 4) != 0x0604) {
            return PacketKind.MALFORMED;
        }
        b.op[i] = be16(arp + 6);
        b.srcIp[i] = be32(arp + 14);
        b.dstIp[i] = be32(arp + 24);
        return PacketKind.ARP;
    }

    /** The ARP sender hardware address of an ARP packet whose L3 header starts at {@code arp}. */
    public static long arpSenderMac(long arp) {
        return M.get(ValueLayout.JAVA_LONG_UNALIGNED, arp + 8) & Ethernet.MAC_MASK;
    }

    public static int u8(long address) {
        return M.get(ValueLayout.JAVA_BYTE, address) & 0xff;
    }

    public static int be16(long address) {
        return Short.toUnsignedInt(Short.reverseBytes(M.get(U16, address)));
    }

    public static int be32(long address) {
        return Integer.reverseBytes(M.get(U32, address));
    }
}
