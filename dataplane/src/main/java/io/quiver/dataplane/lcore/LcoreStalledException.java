package io.quiver.dataplane.lcore;

/** An lcore did not pass a burst boundary in time: whatever waited for it must not go on as if it had. */
public final class LcoreStalledException extends IllegalStateException {
    private final String lcore;

    public LcoreStalledException(String lcore, String message) {
        super(message);
        this.lcore = lcore;
    }

    /** The stalled lcore's name. */
    public String lcore() {
        return lcore;
    }
}
