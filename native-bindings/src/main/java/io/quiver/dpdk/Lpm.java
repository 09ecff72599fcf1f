package io.quiver.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** DPDK's rte_lpm: an IPv4 longest-prefix-match table in DPDK memory (the EAL must run). Tables are raw addresses. */
public final class Lpm {
    private static final MethodHandle CREATE = NativeLibrary.downcall("quiver_lpm_create",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ADD = NativeLibrary.downcall("rte_lpm_add",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_BYTE, JAVA_INT));
    private static final MethodHandle DELETE = NativeLibrary.downcall("rte_lpm_delete",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_BYTE));
    private static final MethodHandle FREE = NativeLibrary.downcall("rte_lpm_free", FunctionDescriptor.ofVoid(JAVA_LONG));
    // critical: the addresses and hops are the caller's heap arrays, read and written in place (no copy)
    private static final MethodHandle LOOKUP_BULK = NativeLibrary.downcall("quiver_lpm_lookup_bulk",
            FunctionDescriptor.ofVoid(JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT), Linker.Option.critical(true));

    public static final int MAX_DEPTH = Layout.intOf("RTE_LPM_MAX_DEPTH");

    private Lpm() {
    }

    /** Creates a table; returns its address. */
    public static long create(String name, int maxRules, int tbl8Groups) {
        try (Arena arena = Arena.ofConfined()) {
            long lpm = (long) CREATE.invokeExact(arena.allocateFrom(name), Mempools.SOCKET_ID_ANY, maxRules, tbl8Groups);
            if (lpm == 0) {
                throw DpdkException.fromErrno("rte_lpm_create", name + ", " + maxRules + " rules, " + tbl8Groups + " tbl8 groups");
            }
            return lpm;
        } catch (DpdkException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static void add(long lpm, int ip, int depth, int nextHop) {
        try {
            DpdkException.check((int) ADD.invokeExact(lpm, ip, (byte) depth, nextHop), "rte_lpm_add", ip + "/" + depth);
        } catch (DpdkException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** @return whether the rule was there */
    public static boolean delete(long lpm, int ip, int depth) {
        try {
            return (int) DELETE.invokeExact(lpm, ip, (byte) depth) == 0;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Looks up the first {@code n} of {@code ips} into {@code hops}: the next hop, or -1. */
    public static void lookupBulk(long lpm, int[] ips, int[] hops, int n) {
        try {
            LOOKUP_BULK.invokeExact(lpm, MemorySegment.ofArray(ips), MemorySegment.ofArray(hops), n);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static void free(long lpm) {
        try {
            FREE.invokeExact(lpm);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
