package io.quiver.configstore;

import io.quiver.configstore.journal.AuditLog;
import io.quiver.configstore.journal.ChangeFeed;
import io.quiver.configstore.journal.Journal;
import java.nio.file.Path;

/**
 * What the writer and a reader of a store both hold once it is open: its directory, the mapped state and the
 * journal, with the audit log and change feed read from it.
 */
abstract sealed class OpenStore implements ConfigView permits ConfigStore, ConfigStoreReader {
    final Path dir;
    final StateMaps maps;
    final Journal journal;
    private final AuditLog audit;
    private final ChangeFeed changes;

    OpenStore(Path dir, StateMaps maps, Journal journal) {
        this.dir = dir;
        this.maps = maps;
        this.journal = journal;
        this.audit = new AuditLog(journal);
        this.changes = new ChangeFeed(journal);
    }

    @Override
    public final ChangeFeed changes() {
        return changes;
    }

    @Override
    public final AuditLog audit() {
        return audit;
    }

    @Override
    public final long lastSequence() {
        return journal.lastSequence();
    }
}
