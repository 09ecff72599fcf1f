package io.quiver.dataplane.packet;

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

    /** Parses {@code 02:00:00:00:00:01} (also with '-'). */
    /** Six hex bytes of one or two digits, separated by ':' or '-' (no regex: VNIC changes parse MACs on their way). */
    public static byte[] parseMac(String text) {
        String t = text.trim();
        byte[] mac = new byte[6];
        int at = 0;
        for (int i = 0; i < 6; i++) {
            int value = 0;
            int digits = 0;
            while (at < t.length() && Character.digit(t.charAt(at), 16) >= 0) {
                value = value * 16 + Character.digit(t.charAt(at++), 16);
                digits++;
            }
            boolean separatorOk = i == 5 ? at == t.length() : at < t.length() && (t.charAt(at) == ':' || t.charAt(at) == '-');
            if (digits < 1 || digits > 2 || !separatorOk) {
                throw new IllegalArgumentException("'" + text + "' is not a MAC address (six hex bytes separated by ':')");
            }
            mac[i] = (byte) value;
            at++;
        }
        return mac;
    }

    public static String formatMac(byte[] mac) {
        StringBuilder b = new StringBuilder(17);
        for (int i = 0; i < mac.length; i++) {
            if (i > 0) {
                b.append(':');
            }
            b.append(Character.forDigit((mac[i] >> 4) & 0xf, 16)).append(Character.forDigit(mac[i] & 0xf, 16));
        }
        return b.toString();
    }

    public static String formatMac(long mac) {
        return formatMac(longToMac(mac));
    }
}
