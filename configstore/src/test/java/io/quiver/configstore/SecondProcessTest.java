package io.quiver.configstore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Another process (the CLI, a monitor) maps the same files and sees live values; it cannot become a second writer. */
class SecondProcessTest {
    @TempDir
    Path dir;

    @Test
    void anotherProcessSeesLiveValuesAndTheChangeFeed() throws Exception {
        try (ConfigStore store = ConfigStoreTest.storeWithTwoVnics(dir, StoreOptions.defaults());
             ForkedJvm child = ForkedJvm.start(LiveReaderMain.class, dir.toString(), "vm1", "1280")) {
            String ready = child.await("READY", 60);
            assertTrue(ready.startsWith("READY mtu=1500"), ready);
            long first = store.requestChange(ConfigStoreTest.GUEST1, "vm1", "mtu", "1400").orThrow().sequence();
            // Seen while the writer is still open and idle: the reader maps the same memory.
            List<String> lines = new ArrayList<>(child.linesUntil("SEEN", 30));
            assertEquals("SEEN mtu=1400", lines.getLast());
            store.requestChange(ConfigStoreTest.GUEST1, "vm1", "mtu", "9000"); // denied: not in the feed
            long second = store.adminChange(ConfigStoreTest.ADMIN, "vm1", "mtu", "1280").orThrow().sequence();
            lines.addAll(child.linesUntil("DONE", 30));
            assertTrue(lines.contains("FINAL mtu=1280"), lines.toString());
            assertEquals(List.of("CHANGE " + first + " vm1 1400", "CHANGE " + second + " vm1 1280"),
                    lines.stream().filter(l -> l.startsWith("CHANGE")).toList());
            assertEquals(0, child.waitFor(30), child.stderr());
        }
    }

    @Test
    void aSecondWriterProcessIsRefusedWithTheHoldersPid() throws Exception {
        try (ConfigStore store = ConfigStore.open(dir);
             ForkedJvm child = ForkedJvm.start(WriterMain.class, dir.toString())) {
            String line = child.await("REFUSED", 60);
            assertTrue(line.contains("open for writing by another process (pid " + ProcessHandle.current().pid() + ")"),
                    line);
            assertEquals(0, store.lastSequence());
        }
        try (ForkedJvm child = ForkedJvm.start(WriterMain.class, dir.toString())) {
            assertEquals("OPENED 0", child.await("OPENED", 60), "once the writer is gone, another may open it");
        }
    }
}
