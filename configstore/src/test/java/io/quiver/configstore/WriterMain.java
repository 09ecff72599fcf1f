package io.quiver.configstore;

import io.quiver.configstore.model.ConfigException;
import java.nio.file.Path;

/** Forked by {@link SecondProcessTest}: tries to open the store for writing and prints the outcome. */
public final class WriterMain {
    private WriterMain() {
    }

    public static void main(String[] args) {
        try (ConfigStore store = ConfigStore.open(Path.of(args[0]),
                StoreOptions.defaults().withWriterLockWait(java.time.Duration.ofMillis(200)))) {
            System.out.println("OPENED " + store.lastSequence());
        } catch (ConfigException e) {
            System.out.println("REFUSED " + e.getMessage());
        }
    }
}
