package io.quiver.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * mbufs: allocation and release through the shim (DPDK's versions are static inline), and field access read
 * straight from memory at the offsets the compiler reported, so the fast path makes no per-packet downcall.
 *
 * <p>An mbuf is its address ({@code long}); {@link NativeMemory#ALL} reads any address.
 */
public final class Mbufs {
    private static final MethodHandle ALLOC = NativeLibrary.downcall("quiver_pktmbuf_alloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    private static final MethodHandle ALLOC_BULK = NativeLibrary.downcall("quiver_pktmbuf_alloc_bulk",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT));
    private static final MethodHandle FREE = NativeLibrary.downcall("quiver_pktmbuf_free", FunctionDescriptor.ofVoid(JAVA_LONG));
    private static final MethodHandle FREE_BULK = NativeLibrary.downcall("quiver_pktmbuf_free_bulk",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
    private static final MethodHandle APPEND = NativeLibrary.downcall("quiver_pktmbuf_append",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle COPY = NativeLibrary.downcall("quiver_pktmbuf_copy", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle CHECK_MTOD = NativeLibrary.downcall("quiver_check_mtod", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    private static final MethodHandle CHECK_PKT_LEN = NativeLibrary.downcall("quiver_check_pkt_len", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    private static final MethodHandle CHECK_DATA_LEN = NativeLibrary.downcall("quiver_check_data_len", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    private static final MethodHandle CHECK_TAILROOM = NativeLibrary.downcall("quiver_check_tailroom", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));

    public static final long SIZE = Layout.of("sizeof.rte_mbuf");
    public static final long BUF_ADDR = Layout.of("rte_mbuf.buf_addr");
    public static final long DATA_OFF = Layout.of("rte_mbuf.data_off");
    public static final long PKT_LEN = Layout.of("rte_mbuf.pkt_len");
    public static final long DATA_LEN = Layout.of("rte_mbuf.data_len");
    public static final long NB_SEGS = Layout.of("rte_mbuf.nb_segs");
    public static final long PORT = Layout.of("rte_mbuf.port");
    public static final long VLAN_TCI = Layout.of("rte_mbuf.vlan_tci");
    public static final long HASH = Layout.of("rte_mbuf.hash");
    public static final long BUF_LEN = Layout.of("rte_mbuf.buf_len");
    public static final int HEADROOM = Layout.intOf("RTE_PKTMBUF_HEADROOM");

    private static final MemorySegment M = NativeMemory.ALL;

    private Mbufs() {
    }

    /** The address of the packet's first byte ({@code rte_pktmbuf_mtod}). */
    public static long data(long mbuf) {
        return M.get(ValueLayout.JAVA_LONG_UNALIGNED, mbuf + BUF_ADDR)
                + Short.toUnsignedLong(M.get(ValueLayout.JAVA_SHORT_UNALIGNED, mbuf + DATA_OFF));
    }

    public static int pktLen(long mbuf) {
        return M.get(ValueLayout.JAVA_INT_UNALIGNED, mbuf + PKT_LEN);
    }

    public static int dataLen(long mbuf) {
        return Short.toUnsignedInt(M.get(ValueLayout.JAVA_SHORT_UNALIGNED, mbuf + DATA_LEN));
    }

    public static int segments(long mbuf) {
        return Short.toUnsignedInt(M.get(ValueLayout.JAVA_SHORT_UNALIGNED, mbuf + NB_SEGS));
    }

    /** The port the packet arrived on. */
    public static int port(long mbuf) {
        return Short.toUnsignedInt(M.get(ValueLayout.JAVA_SHORT_UNALIGNED, mbuf + PORT));
    }

    /** Allocates one mbuf, or returns 0 when the pool is empty. */
    public static long alloc(long pool) {
        try {
            return (long) ALLOC.invokeExact(pool);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Allocates {@code n} mbufs into {@code pointers}, all or none; returns 0 on success, negative when short. */
    public static int allocBulk(long pool, MemorySegment pointers, int n) {
        try {
            return (int) ALLOC_BULK.invokeExact(pool, pointers, n);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static void free(long mbuf) {
        try {
            FREE.invokeExact(mbuf);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Frees the first {@code n} mbufs of {@code pointers} (whole chains; null entries are skipped). */
    public static void freeBulk(MemorySegment pointers, int n) {
        try {
            FREE_BULK.invokeExact(pointers, n);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** A full copy of the packet in a new mbuf from {@code pool}, or 0 when the pool is empty. */
    public static long copy(long mbuf, long pool) {
        try {
            return (long) COPY.invokeExact(mbuf, pool);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * Moves the start of a packet by {@code delta} bytes within its first segment (positive drops bytes from the
     * front, negative claims headroom) and adjusts its lengths: pure field writes, no downcall. Chained packets too:
     * only the first segment and the total length change. Returns false, changing nothing, when the first segment
     * has not enough headroom or data.
     */
    public static boolean adjustHead(long mbuf, int delta) {
        int off = Short.toUnsignedInt(M.get(ValueLayout.JAVA_SHORT_UNALIGNED, mbuf + DATA_OFF));
        int dataLen = dataLen(mbuf);
        if (off + delta < 0 || dataLen - delta < 0) {
            return false;
        }
        M.set(ValueLayout.JAVA_SHORT_UNALIGNED, mbuf + DATA_OFF, (short) (off + delta));
        M.set(ValueLayout.JAVA_SHORT_UNALIGNED, mbuf + DATA_LEN, (short) (dataLen - delta));
        M.set(ValueLayout.JAVA_INT_UNALIGNED, mbuf + PKT_LEN, pktLen(mbuf) - delta);
        return true;
    }

    /** Room left after the first segment's data ({@code rte_pktmbuf_tailroom}). */
    public static int tailroom(long mbuf) {
        int off = Short.toUnsignedInt(M.get(ValueLayout.JAVA_SHORT_UNALIGNED, mbuf + DATA_OFF));
        int bufLen = Short.toUnsignedInt(M.get(ValueLayout.JAVA_SHORT_UNALIGNED, mbuf + BUF_LEN));
        return bufLen - off - dataLen(mbuf);
    }

    /**
     * Pads a single-segment packet shorter than {@code minimum} with zeros up to it (Ethernet's 60-byte minimum):
     * field writes and a fill, no downcall. False when it cannot (chained, or no tailroom); the packet is unchanged.
     */
    public static boolean padTo(long mbuf, int minimum) {
        int dataLen = dataLen(mbuf);
        if (dataLen >= minimum) {
            return true;
        }
        if (segments(mbuf) != 1 || tailroom(mbuf) < minimum - dataLen) {
            return false;
        }
        long end = data(mbuf) + dataLen;
        for (int k = 0; k < minimum - dataLen; k++) {
            M.set(ValueLayout.JAVA_BYTE, end + k, (byte) 0);
        }
        M.set(ValueLayout.JAVA_SHORT_UNALIGNED, mbuf + DATA_LEN, (short) minimum);
        M.set(ValueLayout.JAVA_INT_UNALIGNED, mbuf + PKT_LEN, minimum);
        return true;
    }

    /**
     * Makes a single-segment packet {@code length} bytes long (shorter, or longer into its tailroom): field writes, no
     * downcall. False, changing nothing, for a chained packet or one without the room.
     */
    public static boolean setLength(long mbuf, int length) {
        int dataLen = dataLen(mbuf);
        if (segments(mbuf) != 1 || length < 0 || length > dataLen + tailroom(mbuf)) {
            return false;
        }
        M.set(ValueLayout.JAVA_SHORT_UNALIGNED, mbuf + DATA_LEN, (short) length);
        M.set(ValueLayout.JAVA_INT_UNALIGNED, mbuf + PKT_LEN, length);
        return true;
    }

    /** Appends {@code len} bytes to the packet; returns where they start, or 0 when the buffer has no room. */
    public static long append(long mbuf, int len) {
        try {
            return (long) APPEND.invokeExact(mbuf, len);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * Checks that the offsets the Java side reads agree with DPDK's own accessors on a real mbuf: run at start-up.
     *
     * @throws IllegalStateException naming the field that disagrees
     */
    public static void verifyLayout(long mbuf) {
        try {
            long mtod = (long) CHECK_MTOD.invokeExact(mbuf);
            int pktLen = (int) CHECK_PKT_LEN.invokeExact(mbuf);
            int dataLen = (int) CHECK_DATA_LEN.invokeExact(mbuf);
            int tailroom = (int) CHECK_TAILROOM.invokeExact(mbuf);
            if (mtod != data(mbuf) || pktLen != pktLen(mbuf) || dataLen != dataLen(mbuf) || tailroom != tailroom(mbuf)) {
                throw new IllegalStateException("mbuf layout mismatch: mtod " + mtod + "/" + data(mbuf) + ", pkt_len "
                        + pktLen + "/" + pktLen(mbuf) + ", data_len " + dataLen + "/" + dataLen(mbuf) + ", tailroom "
                        + tailroom + "/" + tailroom(mbuf));
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
