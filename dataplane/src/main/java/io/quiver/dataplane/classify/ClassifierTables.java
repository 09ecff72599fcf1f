package io.quiver.dataplane.classify;

import io.quiver.configstore.model.VnicConfig;
import io.quiver.dataplane.vnic.WireAddresses;
import java.util.List;

/**
 * The lookup state both classifiers implement, built from the VNIC list on the control side: (MAC, VLAN) -> VNIC
 * for primary and secondary MACs, IPv4 -> owning VNIC, and each VNIC's VLAN and primary MAC. Immutable once built;
 * a change builds a new one.
 */
public final class ClassifierTables {
    final MacVlanTable macs;
    final Ipv4Table ips;
    final int[] vlan;
    final long[] primaryMac;
    /** By VNIC: its IPv4 addresses, for "is this one of its own" without a hash lookup. */
    final int[][] addresses;
    /** By VNIC: its first IPv4 address as an unsigned value, -1 when it has none (most VNICs have one: one compare). */
    final long[] firstAddress;
    private final List<VnicConfig> vnics;

    /** @param vnics by VNIC index; a null entry is a free index (a removed VNIC) */
    public ClassifierTables(List<VnicConfig> vnics) {
        this.vnics = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(vnics));
        int n = vnics.size();
        int macCount = 0;
        int ipCount = 0;
        for (VnicConfig v : vnics) { // plain loops: a guest's change rebuilds this for every VNIC, on its latency path
            if (v != null) {
                macCount += 1 + v.secondaryMacs().size();
                ipCount += v.ipv4Addresses().size();
            }
        }
        macs = new MacVlanTable(macCount);
        ips = new Ipv4Table(ipCount);
        vlan = new int[n];
        primaryMac = new long[n];
        addresses = new int[n][];
        firstAddress = new long[n];
        for (int i = 0; i < n; i++) {
            VnicConfig v = vnics.get(i);
            if (v == null) {
                vlan[i] = -1;
                addresses[i] = new int[0];
                firstAddress[i] = -1;
                continue;
            }
            vlan[i] = v.vlan();
            primaryMac[i] = WireAddresses.primaryMac(v);
            addresses[i] = putEntries(macs, ips, v, i);
            firstAddress[i] = firstOf(addresses[i]);
        }
    }

    /** Enters VNIC {@code i}'s MACs (in its VLAN) and addresses; returns its addresses. */
    private static int[] putEntries(MacVlanTable macs, Ipv4Table ips, VnicConfig v, int i) {
        for (long m : WireAddresses.macs(v)) {
            macs.put(m, v.vlan(), i);
        }
        return putAddresses(ips, v, i);
    }

    private static int[] putAddresses(Ipv4Table ips, VnicConfig v, int i) {
        int[] own = WireAddresses.ipv4(v);
        for (int a : own) {
            ips.put(a, i);
        }
        return own;
    }

    private static long firstOf(int[] addresses) {
        return addresses.length == 0 ? -1 : Integer.toUnsignedLong(addresses[0]);
    }

    private ClassifierTables(List<VnicConfig> vnics, MacVlanTable macs, Ipv4Table ips, int[] vlan, long[] primaryMac,
                             int[][] addresses, long[] firstAddress) {
        this.vnics = vnics;
        this.macs = macs;
        this.ips = ips;
        this.vlan = vlan;
        this.primaryMac = primaryMac;
        this.addresses = addresses;
        this.firstAddress = firstAddress;
    }

    /**
     * These tables with VNIC {@code index} (an existing one) changed to {@code after}: the hash tables are copied and
     * only its entries moved, so a change costs a few array copies instead of a rebuild from every VNIC. Empty when
     * the copies have no room for its new entries (the caller rebuilds); a clash with another VNIC's MAC or address
     * is refused as the full build refuses it.
     */
    public java.util.Optional<ClassifierTables> withVnic(int index, VnicConfig after) {
        VnicConfig before = vnics.get(index);
        java.util.Optional<MacVlanTable> m = macs.replacing(index, WireAddresses.macs(before), before.vlan(), WireAddresses.macs(after),
                after.vlan());
        Ipv4Table p = ips.copy();
        for (int a : addresses[index]) {
            p.remove(a, index);
        }
        if (m.isEmpty() || !p.hasRoomFor(after.ipv4Addresses().size())) {
            return java.util.Optional.empty();
        }
        int[] own = putAddresses(p, after, index);
        List<VnicConfig> specs = new java.util.ArrayList<>(vnics);
        specs.set(index, after);
        int[] vlans = vlan.clone();
        vlans[index] = after.vlan();
        long[] primaries = primaryMac.clone();
        primaries[index] = WireAddresses.primaryMac(after);
        int[][] owned = addresses.clone();
        owned[index] = own;
        long[] firsts = firstAddress.clone();
        firsts[index] = firstOf(own);
        return java.util.Optional.of(new ClassifierTables(java.util.Collections.unmodifiableList(specs), m.get(), p, vlans, primaries,
                owned, firsts));
    }

    public List<VnicConfig> vnics() {
        return vnics;
    }

    /** Entries of the (MAC, VLAN) table: diagnostics, and tests comparing an incremental with a full build. */
    public int macEntries() {
        return macs.size();
    }

    /** Entries of the address table. */
    public int addressEntries() {
        return ips.size();
    }

    public int vnicCount() {
        return vlan.length;
    }

    public int vnicOf(long mac, int vlan) {
        return macs.get(mac, vlan);
    }

    public int ownerOf(int ipv4) {
        return ips.get(ipv4);
    }

    /** Whether {@code ipv4} is one of {@code vnic}'s own addresses (a VNIC has few: a compare each). */
    public boolean owns(int vnic, int ipv4) {
        if (firstAddress[vnic] == Integer.toUnsignedLong(ipv4)) {
            return true;
        }
        for (int a : addresses[vnic]) {
            if (a == ipv4) {
                return true;
            }
        }
        return false;
    }

    public int vlanOf(int vnic) {
        return vlan[vnic];
    }

    public long primaryMacOf(int vnic) {
        return primaryMac[vnic];
    }
}
