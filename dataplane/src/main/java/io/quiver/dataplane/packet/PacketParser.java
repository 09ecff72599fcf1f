package io.quiver.dataplane.packet;

import io.quiver.dpdk.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Parses Ethernet [802.1Q | Q-in-Q] IPv4 / IPv6 / ARP headers at absolute addresses. Never reads past
 * {@code length} (the first segment): a frame whose headers do not fit there, or whose IP header is inconsistent
 * with the frame (version, IHL, total or payload length against {@code pktLen}), is MALFORMED. IPv4 options and
 * IPv6 extension headers (up to {@link #MAX_EXTENSION_HEADERS}) are skipped to find the L4 header; a fragment's L4
 * header is only looked for in its first fragment.
 */
public final class PacketParser {
    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int ETHERTYPE_VLAN = 0x8100;
    public static final int ETHERTYPE_QINQ = 0x88a8;
    public static final int ETHERTYPE_IPV6 = 0x86dd;
    public static final int IPV6_HEADER_LENGTH = 40;
    /** More extension headers than this and the packet is malformed (a loop over attacker-made chains stays short). */
    public static final int MAX_EXTENSION_HEADERS = 8;
    /** No upper-layer header: IPv6's "no next header", or a non-first fragment. */
    public static final int NO_L4 = 59;

    private static final MemorySegment M = NativeMemory.ALL;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private PacketParser() {
    }

    /** Parses packet {@code i} of {@code b}: {@code frame[i]}, {@code length[i]} and {@code pktLen[i]} must be set. */
    public static void parse(ParsedBurst b, int i) {
        long f = b.frame[i];
        int len = b.length[i];
        b.tags[i] = 0;
        b.vlan[i] = 0;
        b.innerVlan[i] = 0;
        b.srcIp[i] = 0;
        b.dstIp[i] = 0;
        b.op[i] = 0;
        b.l4[i] = 0;
        b.malformed[i] = 0;
        if (len < Ethernet.HEADER_LENGTH) {
            b.kind[i] = PacketKind.MALFORMED;
            b.malformed[i] = (byte) MalformedReason.SHORT_FRAME.ordinal();
            b.dstMac[i] = 0;
            b.srcMac[i] = 0;
            b.l3[i] = 0;
            return;
        }
        b.dstMac[i] = Ethernet.destination(f);
        b.srcMac[i] = Ethernet.source(f);
        int type = be16(f + 12);
        int l3 = Ethernet.HEADER_LENGTH;
        if (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ) {
            if (len < l3 + 4) {
                b.kind[i] = PacketKind.MALFORMED;
                b.malformed[i] = (byte) MalformedReason.SHORT_FRAME.ordinal();
                b.l3[i] = l3;
                return;
            }
            b.tags[i] = 1;
            b.vlan[i] = be16(f + 14) & 0x0fff;
            type = be16(f + 16);
            l3 = 18;
            if (type == ETHERTYPE_VLAN) {
                if (len < l3 + 4) {
                    b.kind[i] = PacketKind.MALFORMED;
                    b.malformed[i] = (byte) MalformedReason.SHORT_FRAME.ordinal();
                    b.l3[i] = l3;
                    return;
                }
                b.tags[i] = 2;
                b.innerVlan[i] = be16(f + 18) & 0x0fff;
                type = be16(f + 20);
                l3 = 22;
            }
        }
        b.l3[i] = l3;
        int whole = b.pktLen[i] - l3;
        if (type == ETHERTYPE_IPV4) {
            b.kind[i] = parseIpv4(b, i, f + l3, len - l3, whole);
        } else if (type == ETHERTYPE_ARP) {
            b.kind[i] = parseArp(b, i, f + l3, len - l3);
        } else if (type == ETHERTYPE_IPV6) {
            b.kind[i] = parseIpv6(b, i, f, l3, len - l3, whole);
        } else {
            b.kind[i] = PacketKind.OTHER;
        }
    }

    private static int parseIpv4(ParsedBurst b, int i, long ip, int room, int whole) {
        if (room < 20) {
            return malformed(b, i, MalformedReason.IPV4_TRUNCATED);
        }
        int vihl = M.get(ValueLayout.JAVA_BYTE, ip) & 0xff;
        int ihl = (vihl & 0x0f) * 4;
        int total = be16(ip + 2);
        if ((vihl >>> 4) != 4 || ihl < 20 || ihl > room || total < ihl || total > whole) {
            // which check failed is worked out only here, off the accepting path
            return malformed(b, i, (vihl >>> 4) != 4 ? MalformedReason.IPV4_VERSION
                    : ihl < 20 || ihl > room ? MalformedReason.IPV4_HEADER_LENGTH : MalformedReason.IPV4_TOTAL_LENGTH);
        }
        b.op[i] = M.get(ValueLayout.JAVA_BYTE, ip + 9) & 0xff;
        b.srcIp[i] = be32(ip + 12);
        b.dstIp[i] = be32(ip + 16);
        // a later fragment carries no L4 header; the offset bits are 13 of the flags word, more-fragments above them
        int flags = be16(ip + 6);
        b.l4[i] = (flags & 0x1fff) == 0 ? b.l3[i] + ihl : 0;
        b.fragment[i] = (flags & 0x3fff) != 0;
        return PacketKind.IPV4;
    }

    private static int parseArp(ParsedBurst b, int i, long arp, int room) {
        if (room < 28) {
            return malformed(b, i, MalformedReason.ARP);
        }
        // Ethernet/IPv4 ARP only: hardware type 1, protocol 0x0800, lengths 6 and 4
        if (be16(arp) != 1 || be16(arp + 2) != ETHERTYPE_IPV4 || be16(arp + 4) != 0x0604) {
            return malformed(b, i, MalformedReason.ARP);
        }
        b.op[i] = be16(arp + 6);
        b.srcIp[i] = be32(arp + 14);
        b.dstIp[i] = be32(arp + 24);
        return PacketKind.ARP;
    }

    private static int parseIpv6(ParsedBurst b, int i, long f, int l3, int room, int whole) {
        long ip = f + l3;
        if (room < IPV6_HEADER_LENGTH || (M.get(ValueLayout.JAVA_BYTE, ip) & 0xf0) != 0x60) {
            return malformed(b, i, MalformedReason.IPV6_HEADER);
        }
        int payload = be16(ip + 4);
        if (payload + IPV6_HEADER_LENGTH > whole) {
            return malformed(b, i, MalformedReason.IPV6_HEADER);
        }
        b.src6Hi[i] = be64(ip + 8);
        b.src6Lo[i] = be64(ip + 16);
        b.dst6Hi[i] = be64(ip + 24);
        b.dst6Lo[i] = be64(ip + 32);
        int next = M.get(ValueLayout.JAVA_BYTE, ip + 6) & 0xff;
        int at = IPV6_HEADER_LENGTH; // from the IPv6 header's start
        boolean fragment = false;
        for (int k = 0; ; k++) {
            if (next == 0 || next == 43 || next == 60) { // hop-by-hop, routing, destination options
                if (k == MAX_EXTENSION_HEADERS || at + 8 > room) {
                    return malformed(b, i, MalformedReason.IPV6_EXTENSIONS);
                }
                int length = ((M.get(ValueLayout.JAVA_BYTE, ip + at + 1) & 0xff) + 1) * 8;
                next = M.get(ValueLayout.JAVA_BYTE, ip + at) & 0xff;
                at += length;
            } else if (next == 44) { // fragment: only the first carries the upper-layer header
                if (k == MAX_EXTENSION_HEADERS || at + 8 > room) {
                    return malformed(b, i, MalformedReason.IPV6_EXTENSIONS);
                }
                int offset = be16(ip + at + 2) & 0xfff8;
                next = offset == 0 ? M.get(ValueLayout.JAVA_BYTE, ip + at) & 0xff : NO_L4;
                fragment = true;
                at += 8;
            } else {
                break;
            }
        }
        if (at > IPV6_HEADER_LENGTH + payload) {
            return malformed(b, i, MalformedReason.IPV6_EXTENSIONS);
        }
        b.op[i] = next;
        b.l4[i] = next == NO_L4 ? 0 : l3 + at;
        b.fragment[i] = fragment;
        return PacketKind.IPV6;
    }

    private static int malformed(ParsedBurst b, int i, MalformedReason why) {
        b.malformed[i] = (byte) why.ordinal();
        return PacketKind.MALFORMED;
    }

    /** The ARP sender hardware address of an ARP packet whose L3 header starts at {@code arp}. */
    public static long arpSenderMac(long arp) {
        return M.get(ValueLayout.JAVA_LONG_UNALIGNED, arp + 8) & Ethernet.MAC_MASK;
    }

    public static int u8(long address) {
        return M.get(ValueLayout.JAVA_BYTE, address) & 0xff;
    }

    /** The 4 bytes at {@code address} as one int in the machine's order (for hashing, where order does not matter). */
    public static int u32(long address) {
        return M.get(U32, address);
    }

    public static int be16(long address) {
        return Short.toUnsignedInt(Short.reverseBytes(M.get(U16, address)));
    }

    public static int be32(long address) {
        return Integer.reverseBytes(M.get(U32, address));
    }

    public static long be64(long address) {
        return Long.reverseBytes(M.get(U64, address));
    }
}
