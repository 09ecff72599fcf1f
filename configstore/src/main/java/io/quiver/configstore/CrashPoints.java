package io.quiver.configstore;

/**
 * Places in a commit where a test may stop the process dead (Runtime.halt) to prove recovery. Production code never
 * installs one; the hook is a package-private static of {@link ConfigStore}.
 */
interface CrashPoints {
    /** The journal record is written; the VNIC or policy map is not yet. */
    String JOURNAL_APPENDED = "journal-appended";
    /** The map entry's update lock is held, the new value is not yet written. */
    String MAP_LOCKED = "map-locked";

    void reached(String point, long sequence);
}
