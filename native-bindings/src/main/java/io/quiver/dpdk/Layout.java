package io.quiver.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Struct offsets, struct sizes and enum values of DPDK 22.11 as the C compiler saw them, read once from the layout
 * tables the shim's C files export, one per binding area ({@code quiver_layout_<area>()} in {@code <area>.c}). Names
 * are {@code "struct.field"}, {@code "sizeof.struct"} or the C constant's name.
 */
public final class Layout {
    /** The binding areas, each a C file of the shim named after its Java peer(s). */
    static final List<String> AREAS = List.of("eal", "threads", "mbufs", "ethdev", "flows", "lpm");

    private static final MethodHandle NAME = NativeLibrary.downcall("quiver_layout_name",
            FunctionDescriptor.of(ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle VALUE = NativeLibrary.downcall("quiver_layout_value",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT));
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
            Map<String, Long> table = new TreeMap<>();
            for (String area : AREAS) {
                MethodHandle tableOf = NativeLibrary.downcall("quiver_layout_" + area, FunctionDescriptor.of(JAVA_LONG));
                long entries = (long) tableOf.invokeExact();
                for (int i = 0; ; i++) {
                    MemorySegment name = (MemorySegment) NAME.invokeExact(entries, i);
                    if (name.equals(MemorySegment.NULL)) {
                        break;
                    }
                    long value = (long) VALUE.invokeExact(entries, i);
                    if (table.put(name.reinterpret(256).getString(0), value) != null) {
                        throw new IllegalStateException("two areas of the shim export '" + name.reinterpret(256).getString(0) + "'");
                    }
                }
            }
            return table;
        } catch (Throwable t) {
            throw new ExceptionInInitializerError(t);
        }
    }
}
