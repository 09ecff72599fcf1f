package io.quiver.perf.configstore;

import io.quiver.configstore.ConfigStore;
import io.quiver.configstore.Durability;
import io.quiver.configstore.StoreOptions;
import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.policy.GuestPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A store in a temporary directory with {@code vnics} VNICs {@code vm0..}, each with a guest policy. */
final class BenchmarkStores {
    static final Requester ADMIN = Requester.admin("bench");
    static final String POLICY = "mtu=68..1500; ipv4-addresses=10.0.0.0/8; priority=0..7; tcp-send-buffer=4k..16M";

    private BenchmarkStores() {
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("quiver-configstore-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ConfigStore populate(Path dir, int vnics) {
        return populate(dir, vnics, StoreOptions.DEFAULT_DURABILITY);
    }

    static ConfigStore populate(Path dir, int vnics, Durability durability) {
        ConfigStore store = ConfigStore.open(dir, StoreOptions.defaults().withDurability(durability));
        GuestPolicy policy = GuestPolicy.parse(POLICY);
        for (int i = 0; i < vnics; i++) {
            String name = "vm" + i;
            store.putVnic(ADMIN, VnicConfig.create(name, String.format("02:00:00:00:%02x:%02x", i >> 8, i & 0xFF))
                    .with("ipv4-addresses", "10.0." + (i & 0xFF) + ".5/24")).orThrow();
            store.setPolicy(ADMIN, name, policy).orThrow();
        }
        return store;
    }

    static void delete(Path dir) {
        io.quiver.dataplane.runtime.FileTrees.delete(dir);
    }
}
