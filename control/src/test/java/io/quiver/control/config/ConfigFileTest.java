package io.quiver.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.dataplane.config.Defaults;
import io.quiver.dataplane.runtime.RuntimeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
    @TempDir
    Path dir;

    @Test
    void omittedFieldsTakeTheDefaults() throws Exception {
        Path f = dir.resolve("q.yaml");
        Files.writeString(f, """
                ports:
                  - { name: up, devargs: "net_tap0,iface=qv0" }
                  - { name: vm1, devargs: "net_vhost0,iface=/tmp/vm1.sock", rxDescriptors: 1024 }
                forwarding:
                  - { from: up, to: vm1, macSwap: false }
                """);
        ConfigFile.Loaded loaded = ConfigFile.loadAny(f);
        RuntimeConfig c = loaded.runtime();
        assertEquals(Defaults.POOL_MBUFS, c.poolMbufs());
        assertEquals(2, c.ports().size());
        assertEquals(1024, c.ports().get(1).rxDescriptors());
        assertEquals(1, loaded.crossConnect().paths().get(0).cpu(), "paths default to the CPU after the main lcore's");
        assertTrue(c.eal().arguments().contains("--no-huge"));
    }

    @Test
    void problemsAreNamed() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "ports: []\n");
        assertTrue(assertThrows(InvalidConfigException.class, () -> ConfigFile.loadAny(f)).getMessage().contains("no ports"));
        Files.writeString(f, "ports:\n  - { name: a }\n");
        assertTrue(assertThrows(InvalidConfigException.class, () -> ConfigFile.loadAny(f)).getMessage().contains("'name' and 'devargs'"));
        Files.writeString(f, "ports: [ { name: a, devargs: x, rxQueues: many } ]\n");
        assertTrue(assertThrows(InvalidConfigException.class, () -> ConfigFile.loadAny(f)).getMessage().contains("line 1"));
        Files.writeString(f, "");
        assertTrue(assertThrows(InvalidConfigException.class, () -> ConfigFile.loadAny(f)).getMessage().contains("bad.yaml"));
        Files.writeString(f, "eal: { filePrefix: 'a/b' }\nports: [ { name: a, devargs: x } ]\n");
        assertTrue(assertThrows(InvalidConfigException.class, () -> ConfigFile.loadAny(f)).getMessage().contains("file prefix"));
    }
}
