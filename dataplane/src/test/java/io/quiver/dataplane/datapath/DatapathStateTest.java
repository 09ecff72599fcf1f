package io.quiver.dataplane.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.model.VnicParameter;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.ring.VnicRing;
import io.quiver.dataplane.vnic.AttachedVnic;
import io.quiver.dataplane.vnic.Vnic;
import io.quiver.dataplane.vnic.WireAddresses;
import io.quiver.dataplane.vns.VnsState;
import java.util.Map;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A new state keeps the old flood domains only while every VNIC stays in its VLAN (pure Java: no EAL needed). */
class DatapathStateTest {
    private static final VnsState[] NO_VNSES = new VnsState[0];
    private static final Map<String, Integer> DEFAULT_ONLY = Map.of("default", 0);

    private static Vnic vnic(int index, int vlan) {
        return new Vnic(index, new AttachedVnic(config(index, vlan, "10.0.0." + (index + 1) + "/24"), "guests"), 0,
                new VnicRing(8, false), new VnicRing(8, false));
    }

    private static VnicConfig config(int index, int vlan, String ip) {
        return AttachedVnic.of("v" + index, "02:00:00:00:00:0" + (index + 1), List.of(), List.of(ip), vlan, "guests").config();
    }

    private static VnicConfig with(VnicConfig c, VnicParameter p, String value) {
        return c.with(p, value);
    }

    @Test
    void anAddressChangeKeepsTheFloodDomainsAndAVlanChangeRebuildsThem() {
        Vnic a = vnic(0, 0);
        Vnic b = vnic(1, 0);
        Vnic[] slots = {a, b};
        DatapathState first = new DatapathState(slots, 0, NO_VNSES, DEFAULT_ONLY, null);
        assertArrayEquals(new int[] {0, 1}, first.vnicsByVlan[0]);

        b.config(config(1, 0, "10.0.0.99/24"));
        DatapathState addressChanged = new DatapathState(slots, 0, NO_VNSES, DEFAULT_ONLY, first);
        assertSame(first.vnicsByVlan, addressChanged.vnicsByVlan);
        assertSame(first.floodDomain, addressChanged.floodDomain);

        b.config(config(1, 7, "10.0.0.99/24"));
        DatapathState vlanChanged = new DatapathState(slots, 0, NO_VNSES, DEFAULT_ONLY, addressChanged);
        assertNotSame(first.vnicsByVlan, vlanChanged.vnicsByVlan);
        assertArrayEquals(new int[] {0}, vlanChanged.vnicsByVlan[0]);
        assertArrayEquals(new int[] {1}, vlanChanged.vnicsByVlan[7]);
        assertSame(vlanChanged.vnicsByVlan[7], vlanChanged.floodDomain[1]);

        DatapathState removed = new DatapathState(new Vnic[] {a, null}, 0, NO_VNSES, DEFAULT_ONLY, vlanChanged);
        assertArrayEquals(new int[] {0}, removed.vnicsByVlan[0]);
        assertNull(removed.vnicsByVlan[7]);
        assertNull(removed.floodDomain[1]);
    }

    private static String mac(int n) {
        return String.format("02:00:%02x:%02x:%02x:%02x", (n >> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255);
    }

    private static String ip(int n) {
        return "10." + ((n >> 16) & 255) + "." + ((n >> 8) & 255) + "." + (n & 255) + "/8";
    }

    private static String secondaryPlus(VnicConfig c, String mac) {
        String now = c.get(VnicParameter.SECONDARY_MACS);
        return now.equals("none") ? mac : now + "," + mac;
    }

    /** Every lookup the lcores make, for every VNIC, agrees between two states; and the tables hold nothing else. */
    private static void assertSameLookups(DatapathState expected, DatapathState actual, Vnic[] slots) {
        int macs = 0;
        int ips = 0;
        for (Vnic v : slots) {
            VnicConfig config = v.config();
            int i = v.index();
            assertEquals(expected.tables.vlanOf(i), actual.tables.vlanOf(i));
            assertEquals(expected.tables.primaryMacOf(i), actual.tables.primaryMacOf(i));
            long[] all = WireAddresses.macs(config);
            for (long m : all) {
                assertEquals(i, actual.tables.vnicOf(m, config.vlan()), config.toString());
                assertEquals(i, actual.sources.of(0).owner(m), config.toString());
            }
            macs += (int) java.util.Arrays.stream(all).distinct().count();
            for (int a : WireAddresses.ipv4(config)) {
                assertEquals(i, actual.tables.ownerOf(0, a), config.toString());
                assertTrue(actual.tables.owns(i, a));
            }
            ips += config.ipv4Addresses().size();
        }
        assertEquals(macs, actual.sources.of(0).size(), "no stale source MACs");
        assertEquals(expected.sources.of(0).size(), actual.sources.of(0).size());
        assertEquals(macs, actual.tables.macEntries(), "no stale classifier MACs");
        assertEquals(expected.tables.macEntries(), actual.tables.macEntries());
        assertEquals(ips, actual.tables.addressEntries(), "no stale addresses");
        assertEquals(expected.tables.addressEntries(), actual.tables.addressEntries());
    }

    @Test
    void aChangedVnicMovesOnlyItsEntriesAndEveryLookupMatchesAFullRebuild() {
        java.util.Random random = new java.util.Random(7);
        int n = 300;
        int[] next = {1};
        Vnic[] slots = new Vnic[n];
        for (int i = 0; i < n; i++) {
            slots[i] = new Vnic(i, AttachedVnic.of("v" + i, mac(next[0]++), List.of(), List.of(ip(next[0]++)), i % 3, "guests"), 0,
                    new VnicRing(8, false), new VnicRing(8, false));
        }
        DatapathState state = new DatapathState(slots, 0, NO_VNSES, DEFAULT_ONLY, null);
        int incremental = 0;
        for (int round = 0; round < 3000; round++) {
            Vnic v = slots[random.nextInt(n)];
            VnicConfig c = v.config();
            VnicConfig after = switch (random.nextInt(5)) {
                case 0 -> with(c, VnicParameter.MAC, mac(next[0]++));
                case 1 -> c.secondaryMacs().size() < 3
                        ? with(c, VnicParameter.SECONDARY_MACS, secondaryPlus(c, mac(next[0]++)))
                        : with(c, VnicParameter.SECONDARY_MACS, "none");
                case 2 -> with(c, VnicParameter.IPV4_ADDRESSES, ip(next[0]++) + "," + ip(next[0]++));
                case 3 -> with(c, VnicParameter.IPV4_ADDRESSES, "none");
                default -> with(c, VnicParameter.VLAN, c.vlan() == 2 ? "none" : Integer.toString(c.vlan() + 1));
            };
            v.config(after);
            java.util.Optional<DatapathState> changed = state.withChangedVnic(v.index());
            DatapathState full = new DatapathState(slots, 0, NO_VNSES, DEFAULT_ONLY, state);
            incremental += changed.isPresent() ? 1 : 0;
            state = changed.orElse(full);
            assertSameLookups(full, state, slots);
        }
        assertTrue(incremental > 1500, "most changes are incremental: " + incremental);
        for (int old = 1; old < next[0]; old++) { // what was removed is gone: an address found is its owner's now
            String address = ip(old).substring(0, ip(old).indexOf('/'));
            int owner = state.tables.ownerOf(0, UdpFrameBuilder.parseIpv4(address));
            if (owner >= 0) {
                assertTrue(slots[owner].config().get(VnicParameter.IPV4_ADDRESSES).contains(address + "/"), ip(old));
            }
        }
    }

    @Test
    void aChangeOntoAnotherVnicsMacIsRefusedLikeAFullBuild() {
        Vnic a = vnic(0, 0);
        Vnic b = vnic(1, 0);
        Vnic[] slots = {a, b};
        DatapathState state = new DatapathState(slots, 0, NO_VNSES, DEFAULT_ONLY, null);
        b.config(with(b.config(), VnicParameter.MAC, a.config().mac().toString()));
        assertThrows(IllegalArgumentException.class, () -> state.withChangedVnic(1));
        assertThrows(IllegalArgumentException.class, () -> new DatapathState(slots, 0, NO_VNSES, DEFAULT_ONLY, state));
    }
}
