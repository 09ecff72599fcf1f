package io.quiver.configstore.journal;

import io.quiver.configstore.model.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The committed changes in commit order, for consumers that push them to the dataplane and notify guests, in the
 * writer's process or another one. A consumer keeps a cursor (the last sequence it handled) and polls; sequences
 * grow with every request, so denied requests leave gaps the feed skips.
 */
public final class ChangeFeed {
    private final Journal journal;

    public ChangeFeed(Journal journal) {
        this.journal = journal;
    }

    /** The sequence of the newest journal record; poll when it is above your cursor. */
    public long lastSequence() {
        return journal.lastSequence();
    }

    /**
     * Hands the changes committed after {@code cursor} to {@code consumer}, examining at most {@code maxRecords}
     * journal records, and returns the new cursor (the last sequence examined, committed or not).
     */
    public long poll(long cursor, int maxRecords, Consumer<? super Change> consumer) {
        long first = journal.firstSequence();
        if (cursor >= 0 && cursor + 1 < first) {
            throw new ConfigException("the changes after " + cursor + " are no longer in the journal, which starts at " + first
                    + " (retention): read the whole state again, then follow from " + (first - 1));
        }
        return journal.scan(cursor, maxRecords, r -> {
            if (r.committed()) {
                consumer.accept(r.toChange());
            }
        });
    }

    /** Every change committed after {@code cursor}, up to now. */
    public List<Change> since(long cursor) {
        List<Change> out = new ArrayList<>();
        long c = cursor;
        while (true) {
            long next = poll(c, 1024, out::add);
            if (next == c) {
                return out;
            }
            c = next;
        }
    }
}
