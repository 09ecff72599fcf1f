package io.quiver.dataplane.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.quiver.dataplane.ring.VnicRing;
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
}
