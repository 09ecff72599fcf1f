package io.quiver.dpdk;

import java.lang.foreign.MemorySegment;

/** Memory addressed by absolute addresses (mbufs, packet data): one segment over the whole address space. */
public final class NativeMemory {
    /** Reads and writes at absolute addresses; creating no object per access. */
    public static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private NativeMemory() {
    }
}
