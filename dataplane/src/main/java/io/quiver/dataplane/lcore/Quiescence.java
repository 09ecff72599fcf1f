package io.quiver.dataplane.lcore;

import java.time.Duration;
import java.util.List;

/**
 * The control side's proof that no lcore still uses something it unpublished: every running loop has started a new
 * iteration since the call (a burst boundary, where tasks read the published state afresh), in the spirit of RCU's
 * grace period with loop iterations as the epochs. A loop that stopped counts as quiescent. When a loop does not pass
 * a boundary within the timeout this fails with {@link LcoreStalledException}; it never returns as if it had waited.
 */
public final class Quiescence {
    private Quiescence() {
    }

    /** Waits until every loop of {@code loops} has passed a burst boundary, or throws after {@code timeout}. */
    public static void await(List<? extends BurstBoundaries> loops, Duration timeout) {
        long[] seen = new long[loops.size()];
        for (int i = 0; i < seen.length; i++) {
            seen[i] = loops.get(i).iterationsSeen();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < seen.length; i++) {
            BurstBoundaries loop = loops.get(i);
            // +2: the iteration running at the call may have read the old state; the one after it cannot have
            while (loop.isRunning() && loop.iterationsSeen() < seen[i] + 2) {
                if (System.nanoTime() >= deadline) {
                    throw new LcoreStalledException(loop.name(), "lcore " + loop.name() + " has not passed a burst boundary in "
                            + timeout.toMillis() + " ms");
                }
                Thread.onSpinWait();
            }
        }
    }
}
