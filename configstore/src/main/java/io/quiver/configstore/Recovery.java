package io.quiver.configstore;

import io.quiver.configstore.journal.Journal;

/** Re-applies the journal records after a checkpoint to the state maps (idempotent: see {@link StateMaps#apply}). */
final class Recovery {
    private Recovery() {
    }

    /** Returns how many records changed the maps. */
    static long replay(Journal journal, StateMaps maps, long checkpoint) {
        long[] applied = {0};
        long cursor = Math.max(0, checkpoint);
        while (true) {
            long next = journal.scan(cursor, 4096, r -> {
                if (r.committed() && maps.apply(r, null)) {
                    applied[0]++;
                }
            });
            if (next == cursor) {
                return applied[0];
            }
            cursor = next;
        }
    }
}
