package io.quiver.dataplane.packet;

import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.MacAddress;
import io.quiver.dpdk.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Ethernet header access at absolute addresses, without allocation. A MAC address is handled as a {@code long}
 * holding its 6 bytes as a little-endian load would see them (byte 0 lowest): one 8-byte and one 4-byte load read
 * both addresses of a header.
 */
public final class Ethernet {
    public static final int HEADER_LENGTH = 14;
    public static final long MAC_MASK = 0xFFFF_FFFF_FFFFL;
    /**
     * 01:80:C2:00:00:02 in this class's long form: the slow-protocols group address (LACP, markers), which is a
     * link's own business and is never forwarded.
     */
    public static final long SLOW_PROTOCOLS = 0x0200_00C2_8001L;

    private static final MemorySegment M = NativeMemory.ALL;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    private Ethernet() {
    }

    public static long destination(long frame) {
        return M.get(LONG, frame) & MAC_MASK;
    }

    public static long source(long frame) {
        return M.get(LONG, frame + 6) & MAC_MASK;
    }

    /** The six bytes at {@code address} as a MAC, reading nothing beyond them (an option at a packet's end). */
    public static long macAt(long address) {
        return (M.get(INT, address) & 0xFFFF_FFFFL) | ((long) (M.get(ValueLayout.JAVA_SHORT_UNALIGNED, address + 4) & 0xFFFF) << 32);
    }

    /** Swaps destination and source MAC in place. */
    public static void swapAddresses(long frame) {
        long lo = M.get(LONG, frame);          // dst[0..5] src[0..1]
        int hi = M.get(INT, frame + 8);        // src[2..5]
        long dst = lo & MAC_MASK;
        long src = (lo >>> 48) | ((hi & 0xFFFF_FFFFL) << 16);
        M.set(LONG, frame, src | (dst << 48));
        M.set(INT, frame + 8, (int) (dst >>> 16));
    }

    public static void setDestination(long frame, long mac) {
        long lo = M.get(LONG, frame);
        M.set(LONG, frame, (lo & ~MAC_MASK) | (mac & MAC_MASK));
    }

    public static void setSource(long frame, long mac) {
        long lo = M.get(LONG, frame + 6);
        M.set(LONG, frame + 6, (lo & ~MAC_MASK) | (mac & MAC_MASK));
    }

    /** The ethertype in host order (0x0800 for IPv4, 0x8100 for a VLAN tag). */
    public static int etherType(long frame) {
        return Short.toUnsignedInt(Short.reverseBytes(M.get(ValueLayout.JAVA_SHORT_UNALIGNED, frame + 12)));
    }

    /** The long form of a MAC given as 6 bytes. */
    public static long macToLong(byte[] mac) {
        if (mac.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, not " + mac.length);
        }
        long v = 0;
        for (int i = 5; i >= 0; i--) {
            v = (v << 8) | (mac[i] & 0xff);
        }
        return v;
    }

    public static byte[] longToMac(long mac) {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (mac >>> (8 * i));
        }
        return b;
    }

    /**
     * Parses a MAC's text ({@code 02:00:5e:10:00:01}, '-' separators, one or two digits an octet) with the one
     * parser of MAC text, the configuration model's; an {@link IllegalArgumentException} says what is wrong.
     */
    public static byte[] parseMac(String text) {
        try {
            return longToMac(wireOrder(MacAddress.parse(text.trim()).bits()));
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public static String formatMac(byte[] mac) {
        return MacAddress.format(bitsOf(macToLong(mac)));
    }

    /** A {@link MacAddress}'s bits (first octet highest) in this class's long form (first octet lowest). */
    public static long wireOrder(long bits) {
        return Long.reverseBytes(bits) >>> 16;
    }

    /** This class's long form of a MAC as {@link MacAddress} bits: the inverse of {@link #wireOrder}. */
    public static long bitsOf(long mac) {
        return Long.reverseBytes(mac & MAC_MASK) >>> 16;
    }

    public static long wireOrder(MacAddress mac) {
        return wireOrder(mac.bits());
    }

    public static String formatMac(long mac) {
        return formatMac(longToMac(mac));
    }
}
