package io.quiver.configstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.journal.Action;
import io.quiver.configstore.journal.Change;
import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.DenialReason;
import io.quiver.configstore.model.Ipv4Prefix;
import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.model.VnicParameter;
import io.quiver.configstore.model.VnsConfig;
import io.quiver.configstore.model.VnsRoute;
import io.quiver.configstore.policy.GuestPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VNS objects and their routes in the store: every rule that ties them to each other and to VNICs, and persistence. */
class VnsStoreTest {
    private static final Requester ADMIN = Requester.admin("ops");

    @TempDir
    Path dir;

    private static VnsConfig tenant(String name) {
        return VnsConfig.create(name).with("addresses", "10.0.0.1/24, 10.0.1.1/24").with("uplink-address", "192.0.2.10/24");
    }

    private static Decision denial(ChangeResult r) {
        assertFalse(r.decision().allowed(), "expected a denial");
        return r.decision();
    }

    @Test
    void vnsesAndRoutesPersistAndEveryChangeIsAudited() {
        List<Change> feed = new ArrayList<>();
        try (ConfigStore s = ConfigStore.open(dir)) {
            s.addListener(feed::add);
            assertEquals(List.of("default"), s.vnsNames(), "default always exists");
            assertTrue(s.putVns(ADMIN, tenant("tenant-a")).decision().allowed());
            assertTrue(s.setVnsProperty(ADMIN, "tenant-a", "ttl-policy", "transparent").decision().allowed());
            assertTrue(s.addRoute(ADMIN, VnsRoute.parse("tenant-a", "198.51.100.0/24 via 192.0.2.1")).decision().allowed());
            assertTrue(s.addRoute(ADMIN, VnsRoute.parse("tenant-a", "default via 192.0.2.1")).decision().allowed());
            assertTrue(s.deleteRoute(ADMIN, "tenant-a", Ipv4Prefix.parse("198.51.100.0/24")).decision().allowed());
        }
        assertEquals(List.of(Action.VNS_PUT, Action.VNS_PUT, Action.ROUTE_ADD, Action.ROUTE_ADD, Action.ROUTE_DELETE),
                feed.stream().map(Change::action).toList());
        assertTrue(feed.stream().allMatch(c -> c.changesVns() && !c.changesVnic()));
        try (ConfigStore s = ConfigStore.open(dir)) {
            VnsConfig a = s.vns("tenant-a").orElseThrow();
            assertFalse(a.decrementsTtl());
            assertEquals("10.0.0.1/24,10.0.1.1/24", a.get(io.quiver.configstore.model.VnsProperty.ADDRESSES));
            assertEquals(List.of("0.0.0.0/0 via 192.0.2.1"), s.routes("tenant-a").stream().map(VnsRoute::toString).toList());
            assertEquals(List.of(), s.verify());
            assertEquals(5, s.audit().after(0, 100).stream().filter(r -> r.action().isVnsAction()).count());
        }
    }

    @Test
    void badRoutesAreRefusedNamingWhatIsWrong() {
        try (ConfigStore s = ConfigStore.open(dir)) {
            s.putVns(ADMIN, tenant("a"));
            s.putVns(ADMIN, VnsConfig.create("b").with("max-routes", "3").with("addresses", "10.9.0.1/24"));
            assertTrue(denial(s.addRoute(ADMIN, VnsRoute.parse("a", "172.16.0.0/16 via 172.31.0.1"))).message()
                    .contains("next hop 172.31.0.1 is in none of VNS a's subnets (10.0.0.0/24, 10.0.1.0/24, 192.0.2.0/24)"));
            assertEquals(DenialReason.INVALID_REQUEST, denial(s.addRoute(ADMIN, VnsRoute.parse("a", "172.16.0.0/16 via 10.0.0.1"))).reason(),
                    "the router's own address is no next hop");
            assertTrue(denial(s.addRoute(ADMIN, VnsRoute.parse("a", "172.16.0.0/16 via 10.0.1.255"))).message()
                    .contains("broadcast address of 10.0.1.0/24"), "no host is there");
            assertEquals(DenialReason.INVALID_REQUEST, denial(s.addRoute(ADMIN, VnsRoute.parse("a", "172.16.0.0/16 via 192.0.2.0"))).reason());
            assertEquals(DenialReason.UNKNOWN_VNS, denial(s.addRoute(ADMIN, VnsRoute.parse("a", "172.16.0.0/16 vns nowhere"))).reason());
            assertEquals(DenialReason.UNKNOWN_VNS, denial(s.addRoute(ADMIN, VnsRoute.parse("nowhere", "172.16.0.0/16 vns a"))).reason());
            assertEquals(DenialReason.INVALID_REQUEST, denial(s.addRoute(ADMIN, VnsRoute.parse("a", "172.16.0.0/16 vns a"))).reason());
            assertTrue(denial(s.addRoute(ADMIN, VnsRoute.parse("a", "10.0.1.0/24 via 10.0.0.7"))).message().contains("connected subnet"));
            assertEquals(DenialReason.UNKNOWN_VNIC, denial(s.addRoute(ADMIN, VnsRoute.parse("a", "172.16.0.0/16 dev web1"))).reason());
            assertThrows(ConfigException.class, () -> VnsRoute.parse("a", "10.0.0.1/24 via 10.0.0.9"), "host bits set");
            assertThrows(ConfigException.class, () -> VnsRoute.parse("a", "10.0.0.0/33 via 10.0.0.9"));
            assertThrows(ConfigException.class, () -> VnsRoute.parse("a", "10.0.0.0/24 through 10.0.0.9"));
            assertTrue(s.addRoute(ADMIN, VnsRoute.parse("a", "172.16.0.0/16 vns b")).decision().allowed());
            assertEquals(DenialReason.CONFLICT, denial(s.addRoute(ADMIN, VnsRoute.parse("a", "172.16.0.0/16 via 10.0.0.9"))).reason(),
                    "a second route to the same prefix");
            // b: one connected subnet + 2 routes = max-routes 3
            assertTrue(s.addRoute(ADMIN, VnsRoute.parse("b", "0.0.0.0/0 vns a")).decision().allowed());
            assertTrue(s.addRoute(ADMIN, VnsRoute.parse("b", "10.8.0.0/16 via 10.9.0.20")).decision().allowed());
            assertEquals(DenialReason.LIMIT_EXCEEDED, denial(s.addRoute(ADMIN, VnsRoute.parse("b", "10.7.0.0/16 via 10.9.0.20"))).reason());
            assertEquals(DenialReason.LIMIT_EXCEEDED, denial(s.setVnsProperty(ADMIN, "b", "max-routes", "2")).reason());
            assertEquals(DenialReason.IN_USE, denial(s.setVnsProperty(ADMIN, "b", "addresses", "10.10.0.1/24")).reason(),
                    "the via route's next hop would be in none of its subnets");
            assertEquals(DenialReason.MALFORMED_VALUE, denial(s.setVnsProperty(ADMIN, "b", "addresses", "10.0.0.1/24,10.0.0.129/25")).reason(),
                    "overlapping subnets");
            assertEquals(DenialReason.MALFORMED_VALUE, denial(s.setVnsProperty(ADMIN, "b", "mtu", "20")).reason());
            assertEquals(DenialReason.IN_USE, denial(s.deleteVns(ADMIN, "b")).reason(), "a routes to b");
            assertEquals(DenialReason.IN_USE, denial(s.deleteVns(ADMIN, "default")).reason());
            assertTrue(s.deleteRoute(ADMIN, "a", Ipv4Prefix.parse("172.16.0.0/16")).decision().allowed());
            assertTrue(s.deleteVns(ADMIN, "b").decision().allowed(), "its own routes go with it");
            assertEquals(List.of(), s.routes("b"));
            assertEquals(List.of(), s.verify());
        }
        try (ConfigStore s = ConfigStore.open(dir)) {
            assertEquals(List.of("a", "default"), s.vnsNames());
            assertEquals(List.of(), s.routes("b"), "the deleted VNS's routes are gone from the files too");
        }
    }

    @Test
    void vnicsBelongToAnExistingVnsAndNextHopVnicsStayPut() {
        try (ConfigStore s = ConfigStore.open(dir)) {
            VnicConfig web = VnicConfig.create("web1", "02:00:00:00:00:01").with(VnicParameter.VNS, "a");
            assertEquals(DenialReason.UNKNOWN_VNS, denial(s.putVnic(ADMIN, web)).reason());
            s.putVns(ADMIN, tenant("a"));
            assertTrue(s.putVnic(ADMIN, web).decision().allowed());
            assertEquals("a", s.vnic("web1").orElseThrow().vns());
            assertEquals(DenialReason.IN_USE, denial(s.deleteVns(ADMIN, "a")).reason(), "web1 is in it");
            assertTrue(s.addRoute(ADMIN, VnsRoute.parse("a", "172.16.0.0/16 dev web1")).decision().allowed());
            assertEquals(DenialReason.CONFLICT, denial(s.addRoute(ADMIN, VnsRoute.parse("default", "172.16.0.0/16 dev web1"))).reason(),
                    "web1 is not default's");
            assertEquals(DenialReason.IN_USE, denial(s.adminChange(ADMIN, "web1", "vns", "default")).reason());
            assertEquals(DenialReason.IN_USE, denial(s.deleteVnic(ADMIN, "web1")).reason());
            assertEquals(DenialReason.UNKNOWN_VNS, denial(s.adminChange(ADMIN, "web1", "vns", "nowhere")).reason());
            assertEquals(DenialReason.MALFORMED_VALUE, denial(s.adminChange(ADMIN, "web1", "vns", "Upper")).reason());
            assertThrows(ConfigException.class, () -> GuestPolicy.parse("vns=any"), "a guest never moves its VNIC");
        }
        try (ConfigStore s = ConfigStore.open(dir)) {
            assertEquals("a", s.vnic("web1").orElseThrow().vns(), "the two-word encoding of the name survives the files");
        }
    }

    @Test
    void vnsNamesEncodeInTwoWordsAtEveryLength() {
        for (String name : List.of("a", "default", "tenant-a.1_x", "abcdefghij", "abcdefghijk", "01234567890123456789")) {
            VnicConfig v = VnicConfig.create("v", "02:00:00:00:00:01").with(VnicParameter.VNS, name);
            assertEquals(name, v.vns());
        }
        VnicConfig v = VnicConfig.create("v", "02:00:00:00:00:01");
        for (String bad : List.of("", "-a", "A", "012345678901234567890", "a b", "a/b")) {
            assertThrows(ConfigException.class, () -> v.with(VnicParameter.VNS, bad), bad);
        }
        assertEquals("default", v.vns());
    }

    @Test
    void routersDoNotShareAMacOrAnUplinkAddressAndALargeVnsIsStored() {
        try (ConfigStore s = ConfigStore.open(dir)) {
            s.putVns(ADMIN, tenant("a"));
            assertEquals(DenialReason.CONFLICT, denial(s.putVns(ADMIN, VnsConfig.create("b")
                    .with("mac", s.vns("a").orElseThrow().routerMac().toString()))).reason(), "one MAC, two routers");
            assertEquals(DenialReason.CONFLICT, denial(s.putVns(ADMIN, VnsConfig.create("c")
                    .with("uplink-address", "192.0.2.10/24"))).reason(), "one uplink address twice in one VLAN");
            assertTrue(s.putVns(ADMIN, VnsConfig.create("d").with("uplink-address", "192.0.2.10/24").with("uplink-vlan", "7"))
                    .decision().allowed(), "the same address in another VLAN is another network");
            assertThrows(ConfigException.class, () -> VnsConfig.create("e").with("max-neighbours", "1")
                    .with("uplink-address", "192.0.2.10/24").with("static-neighbours", "192.0.2.1=02:00:00:00:00:01,192.0.2.2=02:00:00:00:00:02"));
            StringBuilder addresses = new StringBuilder();
            StringBuilder neighbours = new StringBuilder();
            for (int i = 0; i < 64; i++) {
                addresses.append(i == 0 ? "" : ",").append("10.").append(i).append(".255.253/30");
                neighbours.append(i == 0 ? "" : ",").append("172.16.0.").append(i + 1).append("=02:00:00:00:10:").append(String.format("%02x", i));
            }
            VnsConfig big = VnsConfig.create("big-tenant.long-name").with("addresses", addresses.toString())
                    .with("uplink-address", "172.16.0.200/24").with("static-neighbours", neighbours.toString());
            assertTrue(s.putVns(ADMIN, big).decision().allowed());
        }
        try (ConfigStore s = ConfigStore.open(dir)) {
            assertEquals(64, s.vns("big-tenant.long-name").orElseThrow().staticNeighbours().size(), "the largest VNS fits its map");
        }
    }
}
