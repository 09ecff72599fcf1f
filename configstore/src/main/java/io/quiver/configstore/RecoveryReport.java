package io.quiver.configstore;

import java.util.List;

/**
 * What {@link ConfigStore#open} found and did: whether the last writer died (so Chronicle's recovery ran), how many
 * journal records it re-applied, and what Chronicle reported while recovering (lock words cleared, torn entries
 * dropped: a torn entry is never an acknowledged one, and the journal puts a torn VNIC entry back).
 */
public record RecoveryReport(boolean recovered, long checkpoint, long replayedRecords, long lastSequence,
                             List<String> chronicleMessages) {
    public RecoveryReport {
        chronicleMessages = List.copyOf(chronicleMessages);
    }
}
