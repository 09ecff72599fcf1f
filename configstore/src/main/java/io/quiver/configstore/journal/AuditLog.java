package io.quiver.configstore.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every request, committed or denied, in order: who, what, the decision, the reason, when. A view of the journal;
 * another process sees records as they are appended.
 */
public final class AuditLog {
    private final Journal journal;

    public AuditLog(Journal journal) {
        this.journal = journal;
    }

    /** The sequence of the oldest record kept (the journal's retention drops the oldest files); 0 when there is none. */
    public long firstSequence() {
        return journal.firstSequence();
    }

    /** The sequence of the newest record; 0 when there is none. */
    public long lastSequence() {
        return journal.lastSequence();
    }

    /** The record at {@code sequence}, or null. */
    public AuditRecord get(long sequence) {
        JournalRecord r = journal.read(sequence);
        return r == null ? null : r.toAudit();
    }

    /** Up to {@code max} records after {@code afterSequence}, oldest first. */
    public List<AuditRecord> after(long afterSequence, int max) {
        List<AuditRecord> out = new ArrayList<>();
        journal.scan(afterSequence, max, r -> out.add(r.toAudit()));
        return out;
    }

    /** Hands up to {@code max} records after {@code afterSequence} to {@code consumer}; returns the last sequence. */
    public long read(long afterSequence, int max, Consumer<? super AuditRecord> consumer) {
        return journal.scan(afterSequence, max, r -> consumer.accept(r.toAudit()));
    }
}
