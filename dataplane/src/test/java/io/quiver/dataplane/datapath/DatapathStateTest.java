package io.quiver.dataplane.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.quiver.dataplane.ring.VnicRing;
import io.quiver.dataplane.vnic.Ipv4Cidr;
import io.quiver.dataplane.vnic.Vnic;
import io.quiver.dataplane.vnic.VnicSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A new state keeps the old flood domains only while every VNIC stays in its VLAN (pure Java: no EAL needed). */
class DatapathStateTest {
    private static Vnic vnic(int index, int vlan) {
        return new Vnic(index, spec(index, vlan, "10.0.0." + (index + 1) + "/24"), 0, new VnicRing(8, false), new VnicRing(8, false));
    }

    private static VnicSpec spec(int index, int vlan, String ip) {
        return new VnicSpec("v" + index, "02:00:00:00:00:0" + (index + 1), List.of(), List.of(ip), vlan, "guests");
    }

    @Test
    void anAddressChangeKeepsTheFloodDomainsAndAVlanChangeRebuildsThem() {
        Vnic a = vnic(0, 0);
        Vnic b = vnic(1, 0);
        Vnic[] slots = {a, b};
        DatapathState first = new DatapathState(slots, 0, List.of(), 0, null);
        assertArrayEquals(new int[] {0, 1}, first.vnicsByVlan[0]);

        b.spec(spec(1, 0, "10.0.0.99/24"));
        DatapathState addressChanged = new DatapathState(slots, 0, List.of(), 0, first);
        assertSame(first.vnicsByVlan, addressChanged.vnicsByVlan);
        assertSame(first.floodDomain, addressChanged.floodDomain);

        b.spec(spec(1, 7, "10.0.0.99/24"));
        DatapathState vlanChanged = new DatapathState(slots, 0, List.of(), 0, addressChanged);
        assertNotSame(first.vnicsByVlan, vlanChanged.vnicsByVlan);
        assertArrayEquals(new int[] {0}, vlanChanged.vnicsByVlan[0]);
        assertArrayEquals(new int[] {1}, vlanChanged.vnicsByVlan[7]);
        assertSame(vlanChanged.vnicsByVlan[7], vlanChanged.floodDomain[1]);

        DatapathState removed = new DatapathState(new Vnic[] {a, null}, 0, List.of(), 0, vlanChanged);
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

    /** Every lookup the lcores make, for every VNIC, agrees between two states; and the tables hold nothing else. */
    private static void assertSameLookups(DatapathState expected, DatapathState actual, Vnic[] slots) {
        int macs = 0;
        int ips = 0;
        for (Vnic v : slots) {
            VnicSpec spec = v.spec();
            int i = v.index();
            assertEquals(expected.tables.vlanOf(i), actual.tables.vlanOf(i));
            assertEquals(expected.tables.primaryMacOf(i), actual.tables.primaryMacOf(i));
            long[] all = spec.macValues();
            for (long m : all) {
                assertEquals(i, actual.tables.vnicOf(m, spec.vlan()), spec.toString());
                assertEquals(i, actual.sourcesByPort[0].get(m, 0), spec.toString());
            }
            macs += (int) java.util.Arrays.stream(all).distinct().count();
            for (Ipv4Cidr a : spec.addresses()) {
                assertEquals(i, actual.tables.ownerOf(a.address()), spec.toString());
                assertTrue(actual.tables.owns(i, a.address()));
            }
            ips += spec.addresses().size();
        }
        assertEquals(macs, actual.sourcesByPort[0].size(), "no stale source MACs");
        assertEquals(expected.sourcesByPort[0].size(), actual.sourcesByPort[0].size());
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
            slots[i] = new Vnic(i, new VnicSpec("v" + i, mac(next[0]++), List.of(), List.of(ip(next[0]++)), i % 3, "guests"), 0,
                    new VnicRing(8, false), new VnicRing(8, false));
        }
        DatapathState state = new DatapathState(slots, 0, List.of(), 0, null);
        int incremental = 0;
        for (int round = 0; round < 3000; round++) {
            Vnic v = slots[random.nextInt(n)];
            VnicSpec s = v.spec();
            VnicSpec after = switch (random.nextInt(5)) {
                case 0 -> s.withMac(mac(next[0]++));
                case 1 -> s.secondaryMacs().size() < 3 ? s.withSecondaryMac(mac(next[0]++))
                        : new VnicSpec(s.name(), s.mac(), List.of(), s.ipv4(), s.vlan(), s.port());
                case 2 -> s.withIpv4(List.of(ip(next[0]++), ip(next[0]++)));
                case 3 -> s.withIpv4(List.of());
                default -> new VnicSpec(s.name(), s.mac(), s.secondaryMacs(), s.ipv4(), (s.vlan() + 1) % 3, s.port());
            };
            v.spec(after);
            java.util.Optional<DatapathState> changed = state.withChangedVnic(v.index());
            DatapathState full = new DatapathState(slots, 0, List.of(), 0, state);
            incremental += changed.isPresent() ? 1 : 0;
            state = changed.orElse(full);
            assertSameLookups(full, state, slots);
        }
        assertTrue(incremental > 1500, "most changes are incremental: " + incremental);
        for (int old = 1; old < next[0]; old++) { // what was removed is gone: an address found is its owner's now
            int owner = state.tables.ownerOf(Ipv4Cidr.parse(ip(old)).address());
            if (owner >= 0) {
                assertTrue(slots[owner].spec().ipv4().contains(ip(old)), ip(old));
            }
        }
    }

    @Test
    void aChangeOntoAnotherVnicsMacIsRefusedLikeAFullBuild() {
        Vnic a = vnic(0, 0);
        Vnic b = vnic(1, 0);
        Vnic[] slots = {a, b};
        DatapathState state = new DatapathState(slots, 0, List.of(), 0, null);
        b.spec(b.spec().withMac(a.spec().mac()));
        assertThrows(IllegalArgumentException.class, () -> state.withChangedVnic(1));
        assertThrows(IllegalArgumentException.class, () -> new DatapathState(slots, 0, List.of(), 0, state));
    }
}
