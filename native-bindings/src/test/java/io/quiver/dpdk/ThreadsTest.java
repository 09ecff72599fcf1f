package io.quiver.dpdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Scheduling of control threads, checked in /proc (no EAL needed). */
class ThreadsTest {
    /** Fields 40 (rt_priority) and 41 (policy) of /proc/thread-self/stat. */
    private static String[] schedulingOfThisThread() throws Exception {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // from field 3 on
        return new String[] {fields[40 - 3], fields[41 - 3]};
    }

    @Test
    void aThreadRaisedToRealTimeRunsSchedFifoAtThatPriority() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (CAP_SYS_NICE) to enter SCHED_FIFO");
        AtomicReference<Object> seen = new AtomicReference<>();
        Thread t = new Thread(() -> { // a thread of its own: the test runner's thread keeps normal scheduling
            try {
                String refused = Threads.raiseToRealtime(3);
                seen.set(refused != null ? refused : schedulingOfThisThread());
            } catch (Exception e) {
                seen.set(e);
            }
        });
        t.start();
        t.join();
        Object r = seen.get();
        if (!(r instanceof String[] s)) {
            throw new AssertionError("not raised: " + r);
        }
        assertEquals("3", s[0], "rt_priority");
        assertEquals(String.valueOf(Layout.intOf("SCHED_FIFO")), s[1], "policy");
    }

    @Test
    void aPriorityOutsideTheRealTimeRangeIsRefusedBeforeTheKernelSeesIt() {
        assertThrows(IllegalArgumentException.class, () -> Threads.raiseToRealtime(0));
        assertThrows(IllegalArgumentException.class, () -> Threads.raiseToRealtime(100));
    }

    @Test
    void theSchedulingConstantsComeFromTheCompiler() {
        assertEquals(4, Layout.of("sizeof.sched_param"));
        assertEquals(0, Layout.of("sched_param.sched_priority"));
    }
}
