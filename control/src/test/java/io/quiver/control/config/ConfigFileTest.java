package io.quiver.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.dataplane.config.Defaults;
import io.quiver.dataplane.runtime.RuntimeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    @Test
    void aFileOfTheWrongShapeIsToldInTheFilesWordsNotJavas() throws Exception {
        Path f = dir.resolve("shape.yaml");
        // what ConfigFileFuzzTest found: Jackson's messages named Quiver's classes, an empty entry was a null pointer
        for (var c : java.util.Map.of(
                "just text\n", "bad-shape: the file must be a mapping of sections (ports:, uplink:, vnics:, ...) (line 1, column 1)",
                "ports: 5\n", "bad-shape: expected a list at 'ports' (line 1, column 8)",
                "ports:\n  - \n", "bad-shape: an empty entry at 'ports[0]' (line 2, column 4)",
                "ports: [ { name: a, devargs: x, mtu: high } ]\n", "bad-shape: expected a whole number at 'ports[0].mtu' (line 1, column 38)",
                "colour: blue\n", "bad-shape: unknown key 'colour' (line 2, column 1); the keys there are aggregations, burstSize,").entrySet()) {
            Files.writeString(f, c.getKey());
            String m = assertThrows(InvalidConfigException.class, () -> ConfigFile.loadAny(f)).getMessage();
            assertTrue(m.replace(f.toString(), "bad-shape").startsWith(c.getValue()), c.getKey() + " -> " + m);
            assertFalse(m.contains("io.quiver") || m.contains("`"), m);
        }
    }

    @Test
    void vnicsTakeEveryParameterAndDedicatedRingsFollowTheBurstAndLcores() throws Exception {
        Path f = dir.resolve("vnics.yaml");
        Files.writeString(f, """
                ports:
                  - { name: up, devargs: "net_null0", mtu: 9000 }
                  - { name: g, devargs: "net_null1" }
                uplink: { port: up }
                vnics:
                  - name: g1
                    mac: "02:00:00:00:00:01"
                    ipv6: ["2001:db8::1/64"]
                    mtu: 9000
                    protection: [mac-nospoof, restricted]
                    router: true
                    properties: { priority: "3", bandwidth-limit: 100M }
                    guestPolicy: "mtu=68..9000"
                    port: g
                datapath: { mode: dedicated, cpus: [1, 0] }
                """);
        ConfigFile.Loaded l = ConfigFile.loadAny(f);
        var g1 = l.datapath().vnics().getFirst().config();
        assertEquals("2001:db8::1/64", g1.get(io.quiver.configstore.model.VnicParameter.IPV6_ADDRESSES));
        assertEquals(9000, g1.mtu());
        assertEquals("mac-nospoof,restricted", g1.get(io.quiver.configstore.model.VnicParameter.PROTECTION));
        assertTrue(g1.isRouter());
        assertEquals(3, g1.priority());
        assertEquals(100_000_000L, g1.bandwidthLimit());
        assertEquals("mtu=68..9000", l.guestPolicies().get("g1"));
        assertEquals(9000, l.runtime().ports().getFirst().mtu());
        assertEquals(512, l.datapath().localRingSize(), "dedicated: two bursts of 128 per lcore");
        Files.writeString(f, "ports: [ { name: up, devargs: x }, { name: g, devargs: y } ]\nuplink: { port: up }\n"
                + "vnics: [ { name: g1, mac: \"02:00:00:00:00:01\", ipv6: [\"ff02::1/64\"], port: g } ]\n");
        assertTrue(assertThrows(InvalidConfigException.class, () -> ConfigFile.loadAny(f)).getMessage().contains("multicast"));
    }

    @Test
    void subscriptionLevelsAndFlowsAreReadInRankOrder() throws Exception {
        Path f = dir.resolve("levels.yaml");
        Files.writeString(f, """
                ports:
                  - { name: up, devargs: "net_null0" }
                  - { name: g, devargs: "net_null1" }
                uplink: { port: up }
                vnics:
                  - { name: web1, mac: "02:00:00:00:00:01", port: g }
                datapath: { connections: 100000, lowestShare: 10 }
                subscriptions:
                  - name: gold
                    priority: critical
                    maxbw: 50M
                    rank: 20
                    rules: ["prefix=10.8.0.0/16", "sni=*.gold.example", "token=X-Tier: gold,within=512"]
                flows:
                  - { name: https, vnic: web1, match: "transport=tcp,local-port=443", priority: high, maxpps: 10k, rank: 10 }
                """);
        var p = ConfigFile.loadAny(f).datapath().priority();
        assertEquals(100_000, p.connections());
        assertEquals(10, p.lowestShare());
        assertEquals(List.of("https", "gold"), p.levels().stream().map(io.quiver.configstore.model.Subscription::name).toList());
        assertEquals("vnic=web1,transport=tcp,local-port=443", p.levels().get(0).ruleTexts().get(0));
        assertEquals(10_000L, p.levels().get(0).maxPackets());
        assertEquals(50_000_000L, p.levels().get(1).maxBandwidth());
        Files.writeString(f, "ports: [ { name: up, devargs: x } ]\nuplink: { port: up }\n"
                + "subscriptions: [ { name: bad, priority: urgent, rules: [\"prefix=10.0.0.0/8\"] } ]\n");
        assertTrue(assertThrows(InvalidConfigException.class, () -> ConfigFile.loadAny(f)).getMessage().contains("urgent"));
        Files.writeString(f, "ports: [ { name: up, devargs: x } ]\nuplink: { port: up }\n"
                + "flows: [ { name: f, vnic: web1, match: \"remote-port=80\" } ]\n");
        assertTrue(assertThrows(InvalidConfigException.class, () -> ConfigFile.loadAny(f)).getMessage().contains("transport"));
        Files.writeString(f, "ports: [ { name: up, devargs: x } ]\nuplink: { port: up }\n"
                + "subscriptions: [ { name: gold, rules: [\"prefix=10.0.0.0/8\"] } ]\n"
                + "flows: [ { name: gold, vnic: web1, match: \"transport=tcp\" } ]\n");
        assertTrue(assertThrows(InvalidConfigException.class, () -> ConfigFile.loadAny(f)).getMessage().contains("two subscription"),
                "one name twice: the store would keep only the last");
    }

    @Test
    void tlsOffloadTakesItsDefaultsAndNamesBadValues() throws Exception {
        Path f = dir.resolve("tls.yaml");
        String base = "ports: [ { name: up, devargs: net_null0 } ]\nuplink: { port: up }\n";
        Files.writeString(f, base);
        assertEquals(null, ConfigFile.loadAny(f).tlsOffload(), "no section, no service");
        Files.writeString(f, base + "tls-offload: {}\n");
        var defaults = ConfigFile.loadAny(f).tlsOffload();
        assertEquals(Path.of("/run/quiver/tls-offload.sock"), defaults.socket());
        assertEquals(0660, defaults.socketMode());
        assertEquals(io.quiver.control.config.TlsOffloadOptions.ClientLimits.GUEST_DEFAULTS, defaults.guestLimits());
        assertEquals(false, defaults.policy().enabledByDefault(), "guests offload only where the policy says so");
        Files.writeString(f, base + """
                tls-offload:
                  socket: /tmp/t.sock
                  socketMode: "0600"
                  backend: jdk
                  ringSize: 64
                  waitStrategy: busy-spin
                  hosts: { maxPending: 8 }
                  guests: { enabled: false, maxSessions: 4, offloadByDefault: true, vnics: { a: false }, ports: { up: true } }
                """);
        var t = ConfigFile.loadAny(f).tlsOffload();
        assertEquals(0600, t.socketMode());
        assertEquals(io.quiver.dataplane.offload.tls.CryptoBackends.Choice.JDK, t.engine().backend());
        assertEquals(64, t.engine().ringSize());
        assertEquals(io.quiver.dataplane.offload.tls.ring.OffloadConfiguration.WaitStrategyChoice.BUSY_SPIN, t.engine().waitStrategy());
        assertEquals(8, t.hostLimits().maxPending());
        assertEquals(1024, t.hostLimits().maxSessions(), "the rest of hosts keep their defaults");
        assertEquals(4, t.guestLimits().maxSessions());
        assertEquals(false, t.guests());
        assertEquals(java.util.Map.of("a", false), t.policy().vnics());
        for (String[] bad : new String[][] {
                {"socketMode: rw", "octal"}, {"backend: gpu", "tls-offload.backend"}, {"ringSize: 100", "power of two"},
                {"waitStrategy: nap", "tls-offload.waitStrategy"}, {"hosts: { maxPending: -1 }", "negative"},
                {"maxConnections: 0", "at least one"}, {"guests: { vnics: [a] }", "line"}}) {
            Files.writeString(f, base + "tls-offload:\n  " + bad[0] + "\n");
            String message = assertThrows(InvalidConfigException.class, () -> ConfigFile.loadAny(f)).getMessage();
            assertTrue(message.contains(bad[1]), bad[0] + ": " + message);
        }
    }

    @Test
    void vnicsNameTheirGuestsInterfaceAndQuiverMakesThePort() throws Exception {
        Path f = dir.resolve("attach.yaml");
        Files.writeString(f, """
                ports:
                  - { name: up, devargs: "net_null0" }
                  - { name: net_vhost_user, devargs: "net_vhost0,iface=/run/other.sock,client=1" }
                uplink: { port: up }
                vnics:
                  - { name: vm1, mac: "02:00:00:00:00:01", mtu: 9000, vhostUser: { socket: /run/quiver/vm1.sock, queues: 2 } }
                  - { name: web, mac: "02:00:00:00:00:02", tap: { name: web0, namespace: web } }
                """);
        ConfigFile.Loaded l = ConfigFile.loadAny(f);
        var vm = l.runtime().ports().stream().filter(p -> p.name().equals("vm1")).findFirst().orElseThrow();
        assertEquals("net_vhost1,iface=/run/quiver/vm1.sock,client=1,queues=2", vm.devargs(), "numbered past the configured net_vhost0");
        assertEquals(2, vm.rxQueues());
        assertEquals(9000, vm.mtu(), "the port carries the VNIC's MTU");
        var web = l.runtime().ports().stream().filter(p -> p.name().equals("web")).findFirst().orElseThrow();
        assertEquals("net_tap0,iface=web0,mac=02:00:00:00:00:02", web.devargs());
        assertEquals("vm1", l.datapath().vnics().getFirst().port());
        assertTrue(l.interfaces().get("web") instanceof io.quiver.dataplane.port.GuestInterface.Tap t && t.namespace().equals("web"));
        for (String bad : new String[] {
                "{ name: x, mac: \"02:00:00:00:00:09\" }",
                "{ name: x, mac: \"02:00:00:00:00:09\", port: up, tap: { name: t0 } }",
                "{ name: x, mac: \"02:00:00:00:00:09\", vhostUser: { queues: 1 } }",
                "{ name: x, mac: \"02:00:00:00:00:09\", vhostUser: { socket: relative.sock } }",
                "{ name: x, mac: \"02:00:00:00:00:09\", vhostUser: { socket: /run/a.sock, queues: 99 } }",
                "{ name: x, mac: \"02:00:00:00:00:09\", tap: { name: far-too-long-a-name } }",
                "{ name: up, mac: \"02:00:00:00:00:09\", tap: { name: t0 } }"}) {
            Files.writeString(f, "ports: [ { name: up, devargs: net_null0 } ]\nuplink: { port: up }\nvnics: [ " + bad + " ]\n");
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigFile.loadAny(f), bad);
            assertTrue(e.getMessage().contains("VNIC") || e.getMessage().contains("vhost") || e.getMessage().contains("TAP"), bad + ": " + e.getMessage());
        }
    }
}
