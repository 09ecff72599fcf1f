package io.quiver.dataplane.datapath;

import io.quiver.dataplane.classify.ClassifierTables;
import io.quiver.dataplane.classify.MacVlanTable;
import io.quiver.dataplane.vnic.Ipv4Cidr;
import io.quiver.dataplane.ring.VnicRing;
import io.quiver.dataplane.vnic.Vnic;
import io.quiver.dataplane.vnic.VnicCounters;
import io.quiver.dataplane.vnic.VnicSpec;
import java.util.List;

/**
 * Everything the lcores read to move packets, as one immutable snapshot: the classifier tables, per guest port the
 * MACs its VNICs may send with, the uplink routes. A configuration change builds a new snapshot and publishes it
 * with one volatile write; each task reads the reference once per burst, so a change applies at a burst boundary
 * and no lcore ever waits or sees half of it.
 */
public final class DatapathState {
    final ClassifierTables tables;
    final Vnic[] vnics;
    /** By VNIC index, what the lcores reach per packet, one load away (null for a free index). */
    final VnicCounters[] counters;
    final VnicRing[] localRings;
    /**
     * By ethdev port id: the MACs of the VNICs attached to that port (VLAN 0 keys); an empty table for a port with
     * none (a guest port whose VNICs are yet to come or all removed: its frames are spoofed, never a crash).
     */
    final MacVlanTable[] sourcesByPort;
    /** By ethdev port id: the one VNIC a single-VNIC guest port belongs to (for charging its drops), or -1. */
    final int[] onlyVnicOfPort;
    /** By VNIC index: VNIC indexes sharing its VLAN (flood domain). */
    final int[][] floodDomain;
    /** By VLAN id (0 = untagged): the VNICs in it, for floods arriving from the uplink; null when none. */
    final int[][] vnicsByVlan;
    /** Every 12-bit VLAN id a frame can carry, 4095 (reserved) included: a tag is an index, never out of bounds. */
    static final int VLAN_IDS = 4096;
    final int[] routePrefix;
    final int[] routeMask;
    final long gatewayMac;

    /**
     * @param slots    VNICs by index; null for a free index
     * @param previous the state this one replaces, or null: its flood domains are kept when every VNIC index is in
     *                 the same VLAN as before (an address or MAC change), which spares rebuilding the per-VLAN arrays
     */
    DatapathState(Vnic[] slots, int maxPort, List<Ipv4Cidr> uplinkRoutes, long gatewayMac, DatapathState previous) {
        // plain loops throughout: a guest's change rebuilds the state, and this is on its request-to-live path
        List<VnicSpec> specs = new java.util.ArrayList<>(slots.length);
        List<Vnic> vnicList = new java.util.ArrayList<>(slots.length);
        for (Vnic v : slots) {
            specs.add(v == null ? null : v.spec());
            if (v != null) {
                vnicList.add(v);
            }
        }
        this.tables = new ClassifierTables(specs);
        this.vnics = slots.clone();
        this.counters = new VnicCounters[slots.length];
        this.localRings = new VnicRing[slots.length];
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null) {
                counters[i] = slots[i].counters();
                localRings[i] = slots[i].localRing();
            }
        }
        this.sourcesByPort = new MacVlanTable[maxPort + 1];
        this.onlyVnicOfPort = new int[maxPort + 1];
        java.util.Arrays.fill(onlyVnicOfPort, -1);
        int[] macsOnPort = new int[maxPort + 1];
        int[] vnicsOnPort = new int[maxPort + 1];
        for (Vnic v : vnicList) {
            macsOnPort[v.portId()] += 1 + v.spec().secondaryMacs().size();
            vnicsOnPort[v.portId()]++;
            onlyVnicOfPort[v.portId()] = v.index();
        }
        for (int p = 0; p <= maxPort; p++) {
            sourcesByPort[p] = new MacVlanTable(macsOnPort[p]);
            if (vnicsOnPort[p] != 1) {
                onlyVnicOfPort[p] = -1;
            }
        }
        for (Vnic v : vnicList) {
            putSources(sourcesByPort[v.portId()], v.spec(), v.index());
        }
        if (previous != null && sameVlans(previous, slots)) {
            this.vnicsByVlan = previous.vnicsByVlan;
            this.floodDomain = previous.floodDomain;
        } else {
            this.vnicsByVlan = byVlan(vnicList);
            this.floodDomain = new int[vnics.length][];
            for (Vnic v : vnicList) {
                floodDomain[v.index()] = vnicsByVlan[v.spec().vlan()];
            }
        }
        this.routePrefix = new int[uplinkRoutes.size()];
        this.routeMask = new int[uplinkRoutes.size()];
        for (int r = 0; r < routePrefix.length; r++) {
            routeMask[r] = uplinkRoutes.get(r).mask();
            routePrefix[r] = uplinkRoutes.get(r).address() & routeMask[r];
        }
        this.gatewayMac = gatewayMac;
    }

    private DatapathState(DatapathState from, ClassifierTables tables, MacVlanTable[] sourcesByPort) {
        this.tables = tables;
        this.vnics = from.vnics;
        this.counters = from.counters;
        this.localRings = from.localRings;
        this.sourcesByPort = sourcesByPort;
        this.onlyVnicOfPort = from.onlyVnicOfPort;
        this.floodDomain = from.floodDomain;
        this.vnicsByVlan = from.vnicsByVlan;
        this.routePrefix = from.routePrefix;
        this.routeMask = from.routeMask;
        this.gatewayMac = from.gatewayMac;
    }

    /**
     * This state with one VNIC's addresses changed (its {@link Vnic#spec()} already holds the new ones), when the
     * change is that small: its entries move in copies of the tables and everything else is shared, so the cost
     * does not grow with the number of VNICs. Empty when a full rebuild is needed instead (the VNIC moved VLAN, or a
     * table copy has no room). A clash with another VNIC is refused with an IllegalArgumentException.
     */
    java.util.Optional<DatapathState> withChangedVnic(int index) {
        Vnic v = vnics[index];
        VnicSpec before = tables.vnics().get(index);
        VnicSpec after = v.spec();
        if (before == null || before.vlan() != after.vlan()) {
            return java.util.Optional.empty();
        }
        java.util.Optional<ClassifierTables> changed = tables.withVnic(index, after);
        if (changed.isEmpty()) {
            return java.util.Optional.empty();
        }
        int port = v.portId();
        java.util.Optional<MacVlanTable> sources = sourcesByPort[port].replacing(index, before.macValues(), 0, after.macValues(), 0);
        if (sources.isEmpty()) {
            return java.util.Optional.empty();
        }
        MacVlanTable[] byPort = sourcesByPort.clone();
        byPort[port] = sources.get();
        return java.util.Optional.of(new DatapathState(this, changed.get(), byPort));
    }

    /** The MACs VNIC {@code index} may send with, as keys of its port's source table. */
    private static void putSources(MacVlanTable sources, VnicSpec spec, int index) {
        for (long m : spec.macValues()) {
            sources.put(m, 0, index);
        }
    }

    /** Whether every index holds the same VNIC in the same VLAN as in {@code before} (whose tables recorded the VLANs). */
    private static boolean sameVlans(DatapathState before, Vnic[] now) {
        if (before.vnics.length != now.length) {
            return false;
        }
        for (int i = 0; i < now.length; i++) {
            if (before.vnics[i] != now[i] || (now[i] != null && before.tables.vlanOf(i) != now[i].spec().vlan())) {
                return false;
            }
        }
        return true;
    }

    /** By VLAN id, its VNICs: one shared array per VLAN, linear in the VNIC count even with thousands of VNICs. */
    private static int[][] byVlan(List<Vnic> vnicList) {
        int[][] vnicsByVlan = new int[VLAN_IDS][];
        int[] perVlan = new int[VLAN_IDS];
        for (Vnic v : vnicList) {
            perVlan[v.spec().vlan()]++;
        }
        int[] filled = new int[VLAN_IDS];
        for (Vnic v : vnicList) {
            int vlan = v.spec().vlan();
            if (vnicsByVlan[vlan] == null) {
                vnicsByVlan[vlan] = new int[perVlan[vlan]];
            }
            vnicsByVlan[vlan][filled[vlan]++] = v.index();
        }
        return vnicsByVlan;
    }

    /** True when an uplink route covers {@code ip}. */
    boolean uplinkRoutes(int ip) {
        for (int r = 0; r < routePrefix.length; r++) {
            if ((ip & routeMask[r]) == routePrefix[r]) {
                return true;
            }
        }
        return false;
    }

    public ClassifierTables tables() {
        return tables;
    }
}
