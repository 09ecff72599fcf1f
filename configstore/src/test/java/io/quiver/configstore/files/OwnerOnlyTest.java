package io.quiver.configstore.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.ConfigStore;
import io.quiver.configstore.StoreOptions;
import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.VnicConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's files (maps, journal segments, which are the audit log, and the writer lock) are the owner's only:
 * as they are created, journal roll-overs included, and after opening a store an older Quiver left to the umask.
 */
class OwnerOnlyTest {
    static final Requester ADMIN = Requester.admin("alice");

    @TempDir
    Path dir;

    static List<Path> files(Path store) throws Exception {
        try (Stream<Path> s = Files.list(store)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void aNewStoreAndEveryJournalSegmentItRollsOverToAreOwnerOnly() throws Exception {
        Path store = dir.resolve("a").resolve("store");
        try (ConfigStore s = ConfigStore.open(store, StoreOptions.defaults().withJournalSegmentRecords(16))) {
            for (int i = 0; i < 40; i++) {
                s.putVnic(ADMIN, VnicConfig.create("vm" + i, String.format("02:00:00:00:00:%02x", i + 1))).orThrow();
            }
        }
        assertEquals("rwx------", mode(store));
        assertEquals("rwx------", mode(store.getParent()), "a missing parent is made the same way");
        List<Path> files = files(store);
        assertTrue(files.stream().filter(f -> ChronicleFiles.segmentFirstSequence(f) > 0).count() >= 3, "journal rolled over: " + files);
        for (Path f : files) {
            assertEquals("rw-------", mode(f), f.toString());
        }
    }

    @Test
    void openingAStoreLeftToTheUmaskTightensItsFilesButNotASharedDirectory() throws Exception {
        Path store = dir.resolve("store");
        try (ConfigStore s = ConfigStore.open(store)) {
            s.putVnic(ADMIN, VnicConfig.create("vm1", "02:00:00:00:00:01")).orThrow();
        }
        Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwxrwxrwx"));
        for (Path f : files(store)) {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-"));
        }
        try (ConfigStore s = ConfigStore.open(store)) {
            assertEquals(List.of("vm1"), s.vnicNames());
            assertEquals(List.of(), s.verify());
        }
        for (Path f : files(store)) {
            assertEquals("rw-------", mode(f), f.toString());
        }
        assertEquals("rwxrwxrwx", mode(store), "a directory that existed is the operator's to share");
    }
}
