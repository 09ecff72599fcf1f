package io.quiver.dataplane.packet;

import io.quiver.dpdk.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** In-place IPv4 header edits for forwarding. */
public final class Ipv4 {
    private static final MemorySegment M = NativeMemory.ALL;

    private Ipv4() {
    }

    public static int ttl(long ip) {
        return M.get(ValueLayout.JAVA_BYTE, ip + 8) & 0xff;
    }

    /**
     * Decrements the TTL and updates the header checksum incrementally (RFC 1624, eqn. 3): the TTL is the high byte
     * of the 16-bit word at offset 8, so the word drops by 0x0100.
     */
    public static void decrementTtl(long ip) {
        int ttl = ttl(ip);
        M.set(ValueLayout.JAVA_BYTE, ip + 8, (byte) (ttl - 1));
        int old = PacketParser.be16(ip + 10);
        // HC' = ~(~HC + ~m + m'), m' = m - 0x100  =>  ~HC + 0xFEFF (one's complement of 0x0100) 
        int sum = (~old & 0xffff) + 0xfeff;
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        int updated = ~sum & 0xffff;
        M.set(ValueLayout.JAVA_SHORT_UNALIGNED, ip + 10, Short.reverseBytes((short) updated));
    }
}
