package io.quiver.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Struct offsets, struct sizes and enum values of DPDK 22.11 as the C compiler saw them, read once from the shim's
 * layout table. Names are {@code "struct.field"}, {@code "sizeof.struct"} or the C constant's name.
 */
public final class Layout {
    private static final MethodHandle COUNT = NativeLibrary.downcall("quiver_layout_count", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle NAME = NativeLibrary.downcall("quiver_layout_name", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle VALUE = NativeLibrary.downcall("quiver_layout_value", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
    private static final Map<String, Long> TABLE = read();

    private Layout() {
    }

    /** The value the compiler gave {@code name}; an unknown name is a programming error between shim and bindings. */
    public static long of(String name) {
        Long v = TABLE.get(name);
        if (v == null) {
            throw new IllegalStateException("the shim exports no layout entry '" + name + "'; rebuild the shim");
        }
        return v;
    }

    public static int intOf(String name) {
        return Math.toIntExact(of(name));
    }

    private static Map<String, Long> read() {
        try {
            int n = (int) COUNT.invokeExact();
            Map<String, Long> table = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                MemorySegment name = (MemorySegment) NAME.invokeExact(i);
                long value = (long) VALUE.invokeExact(i);
                table.put(name.reinterpret(256).getString(0), value);
            }
            return table;
        } catch (Throwable t) {
            throw new ExceptionInInitializerError(t);
        }
    }
}
