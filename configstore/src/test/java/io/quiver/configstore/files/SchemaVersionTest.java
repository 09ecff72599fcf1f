package io.quiver.configstore.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.ConfigStore;
import io.quiver.configstore.ConfigStoreReader;
import io.quiver.configstore.files.SchemaVersion.Role;
import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.Requester;
import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file of another schema version is refused with a message naming both versions, and is left untouched. */
class SchemaVersionTest {
    @TempDir
    Path dir;

    private void createStore() {
        try (ConfigStore store = ConfigStore.open(dir)) {
            store.putVnic(Requester.admin("a"), io.quiver.configstore.model.VnicConfig.create("vm1",
                    "02:00:00:00:00:01")).orThrow();
        }
    }

    private static void rewriteHeader(Path file, Object key, byte[] header) throws Exception {
        @SuppressWarnings({"unchecked", "rawtypes"})
        ChronicleMapBuilder<Object, byte[]> b = (ChronicleMapBuilder) (key instanceof Long
                ? ChronicleMapBuilder.of(Long.class, byte[].class).entries(16).averageValueSize(64)
                : ChronicleMapBuilder.of(CharSequence.class, byte[].class).entries(16).averageKeySize(8)
                .averageValueSize(64));
        try (ChronicleMap<Object, byte[]> map = b.createPersistedTo(file.toFile())) {
            map.put(key, header);
        }
    }

    @Test
    void aVnicFileOfANewerVersionIsRefused() throws Exception {
        createStore();
        Path vnics = dir.resolve(ChronicleFiles.VNICS);
        rewriteHeader(vnics, ChronicleFiles.HEADER_KEY, SchemaVersion.encode(2, Role.VNICS, 0, 0));
        SchemaVersionException e = assertThrows(SchemaVersionException.class, () -> ConfigStore.open(dir));
        assertEquals(2, e.found());
        assertEquals(SchemaVersion.CURRENT, e.expected());
        assertTrue(e.getMessage().contains(vnics.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("schema version 2"), e.getMessage());
        assertTrue(e.getMessage().contains("reads schema version 1 only"), e.getMessage());
        assertTrue(e.getMessage().contains("newer Quiver"), e.getMessage());
        assertThrows(SchemaVersionException.class, () -> ConfigStoreReader.open(dir));
        // Put version 1 back: the refused file was not changed otherwise, and the store opens.
        rewriteHeader(vnics, ChronicleFiles.HEADER_KEY, SchemaVersion.encode(1, Role.VNICS, 0, 0));
        try (ConfigStore store = ConfigStore.open(dir)) {
            assertEquals(1, store.vnicNames().size());
        }
    }

    @Test
    void aJournalFileOfAnOlderVersionIsRefused() throws Exception {
        createStore();
        Path segment = ChronicleFiles.segmentPath(dir, 1);
        rewriteHeader(segment, ChronicleFiles.JOURNAL_HEADER_KEY, SchemaVersion.encode(0, Role.JOURNAL, 1, 65536));
        SchemaVersionException e = assertThrows(SchemaVersionException.class, () -> ConfigStore.open(dir));
        assertTrue(e.getMessage().contains("schema version 0") && e.getMessage().contains("older Quiver"),
                e.getMessage());
    }

    @Test
    void aWriterLockOfAnotherVersionIsRefusedBeforeAnyMapIsOpened() throws Exception {
        createStore();
        Path lock = dir.resolve(ChronicleFiles.LOCK);
        Files.writeString(lock, "quiver-configstore schema=7 state=closed pid=1 checkpoint=2\n");
        SchemaVersionException e = assertThrows(SchemaVersionException.class, () -> ConfigStore.open(dir));
        assertEquals(7, e.found());
        assertThrows(SchemaVersionException.class, () -> ConfigStoreReader.open(dir));
    }

    @Test
    void filesOfTheWrongRoleOrWithoutAHeaderAreRefused() throws Exception {
        createStore();
        Files.copy(dir.resolve(ChronicleFiles.POLICIES), dir.resolve(ChronicleFiles.VNICS),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigStore.open(dir));
        assertTrue(e.getMessage().contains("holds policies, where vnics were expected"), e.getMessage());

        Path other = dir.resolve("other");
        Files.createDirectories(other);
        try (ChronicleMap<CharSequence, byte[]> foreign = ChronicleMapBuilder.of(CharSequence.class, byte[].class)
                .entries(16).averageKeySize(8).averageValueSize(8).createPersistedTo(other.resolve(ChronicleFiles.VNICS)
                        .toFile())) {
            foreign.put("x", new byte[] {1});
        }
        Files.writeString(other.resolve(ChronicleFiles.LOCK), "");
        e = assertThrows(ConfigException.class, () -> ConfigStore.open(other));
        assertTrue(e.getMessage().contains("has no schema header"), e.getMessage());
    }
}
