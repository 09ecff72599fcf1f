package io.quiver.dataplane.aggr;

import io.quiver.dataplane.packet.PacketKind;
import io.quiver.dataplane.packet.PacketParser;
import io.quiver.dataplane.packet.ParsedBurst;

/**
 * What a frame's member is chosen by, after Crossbow's {@code dladm create-aggr -P}: the MAC addresses (L2), the IP
 * addresses (L3), the transport ports (L4), or addresses and ports (L3,L4: Linux's {@code layer3+4}). Every frame of
 * a connection hashes alike, so a connection leaves by one member and keeps its order; a frame the policy finds
 * nothing to hash in (ARP under L4, a fragment's later pieces) falls back to the fields it has, never to a random
 * member. Reads the parser's fields and, for ports, two 16-bit loads: nothing allocated, no downcall.
 */
public enum HashPolicy {
    L2, L3, L4, L3L4;

    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int SCTP = 132;

    /** {@code -P} text: {@code L2}, {@code L3}, {@code L4} or {@code L3,L4} (either case, in either order). */
    public static HashPolicy parse(String text) {
        String t = text.strip().toUpperCase(java.util.Locale.ROOT).replace(" ", "");
        return switch (t) {
            case "L2" -> L2;
            case "L3" -> L3;
            case "L4" -> L4;
            case "L3,L4", "L4,L3", "L34", "LAYER3+4" -> L3L4;
            default -> throw new IllegalArgumentException("policy '" + text + "' is not L2, L3, L4 or L3,L4");
        };
    }

    /** The hash of packet {@code i}: the same for every frame of one connection in one direction. */
    public int hash(ParsedBurst b, int i) {
        int kind = b.kind[i];
        long l3;
        if (this == L2) {
            return byMac(b, i);
        } else if (kind == PacketKind.IPV4) {
            l3 = (long) b.srcIp[i] << 32 ^ Integer.toUnsignedLong(b.dstIp[i]);
        } else if (kind == PacketKind.IPV6) {
            l3 = b.src6Hi[i] ^ b.src6Lo[i] ^ Long.rotateLeft(b.dst6Hi[i] ^ b.dst6Lo[i], 32);
        } else {
            return byMac(b, i); // ARP and other ethertypes: by MAC, whatever the policy
        }
        if (this == L3) {
            return mix(l3);
        }
        int ports = ports(b, i);
        return this == L4 ? (ports == 0 ? mix(l3) : mix(ports)) : mix(l3 ^ (long) ports << 16);
    }

    private static int byMac(ParsedBurst b, int i) {
        return mix(b.dstMac[i] ^ Long.rotateLeft(b.srcMac[i], 24));
    }

    /**
     * Source and destination port in one int; 0 when the frame has no TCP/UDP/SCTP header in it, and for every piece
     * of a fragmented datagram, IPv4 or IPv6, so that its pieces, only the first of which has ports, leave by one
     * member (as Linux's layer3+4 does).
     */
    private static int ports(ParsedBurst b, int i) {
        int protocol = b.op[i];
        int l4 = b.l4[i];
        if (l4 == 0 || b.fragment[i] || (protocol != TCP && protocol != UDP && protocol != SCTP) || b.length[i] < l4 + 4) {
            return 0;
        }
        return PacketParser.u32(b.frame[i] + l4); // both ports in one load: any fixed order hashes alike
    }

    /**
     * Folds 64 bits to 32 and multiplies by the golden ratio (Fibonacci hashing): the product's top bits depend on
     * every input bit, and they are what {@link #mix} returns in its low byte, the byte the table looks at. One
     * multiply, where splitmix64's finaliser took two and measured 4 ns a packet on the lcore.
     */
    private static int mix(long x) {
        long folded = x ^ (x >>> 29) ^ (x >>> 43);
        return (int) ((folded * 0x9E3779B97F4A7C15L) >>> 40);
    }

    /** Crossbow's {@code -P} text. */
    public String text() {
        return this == L3L4 ? "L3,L4" : name();
    }
}
