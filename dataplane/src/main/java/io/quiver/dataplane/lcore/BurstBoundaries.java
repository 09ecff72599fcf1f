package io.quiver.dataplane.lcore;

/** What {@link Quiescence} watches of a polling loop: how many burst boundaries it has passed, and whether it runs. */
public interface BurstBoundaries {
    /** Loop iterations so far (each ends at a burst boundary), readable from any thread. */
    long iterationsSeen();

    boolean isRunning();

    String name();
}
