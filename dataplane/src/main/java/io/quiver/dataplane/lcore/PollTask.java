package io.quiver.dataplane.lcore;

/**
 * One unit of work an lcore repeats: poll a queue, drain a ring. Runs on the lcore's thread only; must not block,
 * allocate or log.
 */
@FunctionalInterface
public interface PollTask {
    /** Does one burst of work and returns how many packets it handled (0 when idle). */
    int poll();

    /** Called on the lcore's thread once the loop has stopped: release what the task holds (e.g. buffered mbufs). */
    default void drain() {
    }
}
