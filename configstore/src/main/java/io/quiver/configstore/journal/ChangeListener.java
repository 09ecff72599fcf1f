package io.quiver.configstore.journal;

/**
 * Told about each commit in the writer's process, in commit order, right after it is durable and applied and before
 * the committing call returns. Keep it short (hand the change to a queue): the store's commit lock is held.
 */
@FunctionalInterface
public interface ChangeListener {
    void onChange(Change change);
}
