package io.quiver.configstore.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VnicConfigTest {

    @Test
    void aNewVnicHasTheDefaults() {
        VnicConfig c = VnicConfig.create("vm1-eth0", "02:00:00:00:00:01");
        assertEquals("02:00:00:00:00:01", c.mac().toString());
        assertEquals(List.of(), c.secondaryMacs());
        assertEquals(List.of(), c.ipv4Addresses());
        assertEquals(0, c.vlan());
        assertEquals(1500, c.mtu());
        assertEquals(Optional.empty(), c.defaultRoute());
        assertEquals(RoutingProtocol.STATIC, c.routingProtocol());
        assertEquals(Set.of(TransportProtocol.TCP, TransportProtocol.UDP), c.transportProtocols());
        assertEquals(256 * 1024, c.tcpSendBuffer());
        assertEquals(256 * 1024, c.tcpReceiveBuffer());
        assertEquals(0, c.tcpPort());
        assertEquals(0, c.bandwidthLimit());
        assertEquals(0, c.priority());
        assertEquals(0, c.revision());
    }

    @Test
    void withReturnsANewConfigAndLeavesTheOldOne() {
        VnicConfig a = VnicConfig.create("vm1", "02:00:00:00:00:01");
        VnicConfig b = a.with("ipv4-addresses", "10.0.0.5/24, 10.0.1.5/24").with(VnicParameter.VLAN, "100")
                .with("default-route", "10.0.0.1").with("bandwidth-limit", "10M");
        assertEquals(List.of(), a.ipv4Addresses());
        assertEquals("10.0.0.5/24", b.ipv4Addresses().getFirst().toString());
        assertEquals(24, b.ipv4Addresses().get(1).prefixLength());
        assertEquals(100, b.vlan());
        assertEquals("10.0.0.1", b.defaultRoute().orElseThrow().toString());
        assertEquals(10_000_000L, b.bandwidthLimit());
        assertNotEquals(a, b);
        assertTrue(b.sameSettings(b.withRevision(7)));
    }

    @Test
    void refusesThePrimaryMacAsASecondary() {
        VnicConfig a = VnicConfig.create("vm1", "02:00:00:00:00:01");
        ConfigException e = assertThrows(ConfigException.class,
                () -> a.with("secondary-macs", "02:00:00:00:00:02,02:00:00:00:00:01"));
        assertTrue(e.getMessage().contains("both its primary and a secondary"), e.getMessage());
    }

    @Test
    void refusesBadNames() {
        for (String bad : new String[] {"", "-x", "a b", "#schema", "x".repeat(33), "vm/1"}) {
            assertThrows(ConfigException.class, () -> VnicConfig.create(bad, "02:00:00:00:00:01"), bad);
        }
        VnicConfig.create("A.b_c-9", "02:00:00:00:00:01");
    }

    @Test
    void toStringShowsEveryParameter() {
        String s = VnicConfig.create("vm1", "02:00:00:00:00:01").toString();
        for (VnicParameter p : VnicParameter.values()) {
            assertTrue(s.contains(p.wireName() + "="), s);
        }
    }
}
