package io.quiver.configstore;

import io.quiver.configstore.files.ChronicleFiles;
import io.quiver.configstore.files.WriterLock;
import io.quiver.configstore.journal.Journal;
import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.policy.GuestPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of a store, for a process other than the writer (the CLI, a monitor): it maps the same files
 * and sees every commit as soon as the writer has made it. It never writes, never recovers, and refuses a store whose
 * last writer died until a writer has recovered it (the files may hold locks of the dead process).
 */
public final class ConfigStoreReader extends OpenStore {
    private ConfigStoreReader(Path dir, StateMaps maps, Journal journal) {
        super(dir, maps, journal);
    }

    public static ConfigStoreReader open(Path dir) {
        return open(dir, Duration.ofSeconds(10));
    }

    /** Opens the store in {@code dir} for reading; waits up to {@code wait} for a writer that is creating or recovering it. */
    public static ConfigStoreReader open(Path dir, Duration wait) {
        if (!Files.exists(dir.resolve(ChronicleFiles.VNICS))) {
            throw new ConfigException("there is no configstore in " + dir + " (" + ChronicleFiles.VNICS
                    + " is missing): start the daemon, or give the store's directory");
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            WriterLock.Probe probe = WriterLock.probe(dir);
            WriterLock.State state = probe.status().state();
            boolean busy = state == WriterLock.State.CREATING || state == WriterLock.State.RECOVERING;
            if (probe.writerActive() && !busy) {
                break;
            }
            if (!probe.writerActive() && !state.needsRecovery()) {
                break;
            }
            if (!probe.writerActive() || System.nanoTime() > deadline) {
                throw new ConfigException("the configstore in " + dir + " was not closed cleanly by its last writer"
                        + (probe.status().pid() > 0 ? " (pid " + probe.status().pid() + ")" : "")
                        + " and is " + (probe.writerActive() ? "still being recovered" : "not recovered yet")
                        + ": open it for writing once (the daemon does so when it starts) to recover it, then read it");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConfigException("interrupted while waiting for the configstore in " + dir);
            }
        }
        StateMaps maps = StateMaps.open(dir, false, List.of());
        try {
            return new ConfigStoreReader(dir, maps, Journal.openForReading(dir));
        } catch (RuntimeException e) {
            maps.close();
            throw e;
        }
    }

    @Override
    public Optional<VnicConfig> vnic(String name) {
        return Optional.ofNullable(maps.vnic(name));
    }

    @Override
    public List<String> vnicNames() {
        return maps.vnicNames();
    }

    @Override
    public Optional<GuestPolicy> policy(String vnic) {
        if (maps.vnic(vnic) == null) {
            return Optional.empty();
        }
        GuestPolicy p = maps.policy(vnic);
        return Optional.of(p == null ? GuestPolicy.NONE : p);
    }

    @Override
    public void close() {
        journal.close();
        maps.close();
    }
}
