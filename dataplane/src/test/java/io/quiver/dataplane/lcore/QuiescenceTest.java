package io.quiver.dataplane.lcore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Quiescence returns only once every running loop passed a burst boundary, and never proceeds without one. */
class QuiescenceTest {
    /** A loop whose iterations a test drives. */
    static final class FakeLoop implements BurstBoundaries {
        final AtomicLong iterations = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean(true);
        final String name;

        FakeLoop(String name) {
            this.name = name;
        }

        @Override
        public long iterationsSeen() {
            return iterations.get();
        }

        @Override
        public boolean isRunning() {
            return running.get();
        }

        @Override
        public String name() {
            return name;
        }
    }

    @Test
    void aStalledLoopFailsLoudlyNamingIt() {
        FakeLoop moving = new FakeLoop("moving");
        FakeLoop stuck = new FakeLoop("stuck");
        Thread ticker = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                moving.iterations.incrementAndGet();
                Thread.onSpinWait();
            }
        });
        try {
            stuck.iterations.set(1); // one iteration in progress at the call: not enough
            LcoreStalledException e = assertThrows(LcoreStalledException.class,
                    () -> Quiescence.await(List.of(moving, stuck), Duration.ofMillis(50)));
            assertEquals("stuck", e.lcore());
            assertTrue(e.getMessage().contains("has not passed a burst boundary"), e.getMessage());
        } finally {
            ticker.interrupt();
        }
    }

    @Test
    void itReturnsOnceEveryLoopStartedANewIterationAndIgnoresStoppedOnes() throws Exception {
        FakeLoop a = new FakeLoop("a");
        FakeLoop stopped = new FakeLoop("stopped");
        stopped.running.set(false);
        Thread later = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
            a.iterations.addAndGet(2);
        });
        long t0 = System.nanoTime();
        Quiescence.await(List.of(a, stopped), Duration.ofSeconds(5));
        assertTrue(a.iterations.get() >= 2, "it waited for the boundary");
        assertTrue(System.nanoTime() - t0 >= 15_000_000L, "and did not return before it");
        later.join();
    }
}
