package io.quiver.perf.measure;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/** What the JVM did in a measured window: bytes one thread allocated and collections run (the zero-garbage proof). */
public final class JvmWindow {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final long threadId;
    private final long allocatedAtStart;
    private final long gcAtStart;

    private JvmWindow(long threadId) {
        this.threadId = threadId;
        this.allocatedAtStart = THREADS.getThreadAllocatedBytes(threadId);
        this.gcAtStart = gcCount();
    }

    public static JvmWindow open(long threadId) {
        return new JvmWindow(threadId);
    }

    /**
     * What an empty window on this thread shows (reading the allocation counter allocates itself): the least of a few,
     * to subtract from windows opened and read on this thread.
     */
    public static long emptyWindowBytes() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            least = Math.min(least, open(Thread.currentThread().threadId()).allocatedBytes());
        }
        return least;
    }

    public long allocatedBytes() {
        return THREADS.getThreadAllocatedBytes(threadId) - allocatedAtStart;
    }

    public long collections() {
        return gcCount() - gcAtStart;
    }

    private static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }
}
