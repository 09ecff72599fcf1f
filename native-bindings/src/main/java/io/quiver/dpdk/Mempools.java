package io.quiver.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** Packet-buffer pools ({@code rte_pktmbuf_pool_create} and the mempool counters). Pools are raw addresses. */
public final class Mempools {
    private static final MethodHandle CREATE = NativeLibrary.downcall("rte_pktmbuf_pool_create",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_INT));
    private static final MethodHandle FREE = NativeLibrary.downcall("rte_mempool_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle AVAIL = NativeLibrary.downcall("rte_mempool_avail_count", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle IN_USE = NativeLibrary.downcall("rte_mempool_in_use_count", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    public static final int SOCKET_ID_ANY = Layout.intOf("SOCKET_ID_ANY");
    public static final int CACHE_MAX = Layout.intOf("RTE_MEMPOOL_CACHE_MAX_SIZE");
    public static final int DEFAULT_DATA_ROOM = Layout.intOf("RTE_MBUF_DEFAULT_BUF_SIZE");

    private Mempools() {
    }

    /** Creates a pool of {@code count} mbufs; returns its address. */
    public static long createPktmbufPool(String name, int count, int cacheSize, int dataRoomSize, int socket) {
        if (cacheSize > CACHE_MAX) {
            throw new IllegalArgumentException("mempool cache " + cacheSize + " exceeds DPDK's maximum " + CACHE_MAX);
        }
        if (dataRoomSize > 0xffff) {
            throw new IllegalArgumentException("data room " + dataRoomSize + " exceeds 65535");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pool = (MemorySegment) CREATE.invokeExact(arena.allocateFrom(name), count, cacheSize,
                    (short) 0, (short) dataRoomSize, socket);
            if (pool.address() == 0) {
                throw DpdkException.fromErrno("rte_pktmbuf_pool_create", name + ", " + count + " mbufs");
            }
            return pool.address();
        } catch (DpdkException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static void free(long pool) {
        try {
            FREE.invokeExact(MemorySegment.ofAddress(pool));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Mbufs free in the pool, per-lcore caches included. */
    public static int available(long pool) {
        try {
            return (int) AVAIL.invokeExact(MemorySegment.ofAddress(pool));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Mbufs taken out of the pool and not yet returned. */
    public static int inUse(long pool) {
        try {
            return (int) IN_USE.invokeExact(MemorySegment.ofAddress(pool));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
