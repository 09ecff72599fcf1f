package io.quiver.dataplane.classify;

import io.quiver.configstore.model.VnicConfig;
import io.quiver.dataplane.packet.Ethernet;
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
    /**
     * By VNIC: its IPv6 addresses as (high, low) pairs: the configured ones, then the link-local address of each of
     * its MACs (modified EUI-64), which a VNIC always owns.
     */
    final long[][] ipv6;
    /** By VNIC: its protection ({@link io.quiver.configstore.model.LinkProtection} bits) and {@link #ROUTER}. */
    final int[] protection;
    /** By VNIC: the longest untagged frame it may send or receive, its MTU plus the Ethernet header. */
    final int[] frameLimit;
    /** By VNIC: the index of its VNS. */
    final int[] vns;
    /**
     * By VLAN id: the VNS of every VNIC in it, or -1 when VNICs of several VNSes share it (or none is in it): the
     * VNS an uplink frame's addresses are looked up in.
     */
    final int[] vnsOfVlan;
    private final List<VnicConfig> vnics;
    private final java.util.Map<String, Integer> vnsIndexes;

    /** A bit of {@link #protectionOf}: the VNIC is a router (may send router advertisements, redirects, DHCPv6 replies). */
    public static final int ROUTER = 1 << 16;

    /** Every VNIC in VNS {@code default}, index 0. */
    public ClassifierTables(List<VnicConfig> vnics) {
        this(vnics, java.util.Map.of(io.quiver.configstore.model.VnsNames.DEFAULT, 0));
    }

    /**
     * @param vnics      by VNIC index; a null entry is a free index (a removed VNIC)
     * @param vnsIndexes the index of each VNS by name; every VNIC's VNS must be one
     */
    public ClassifierTables(List<VnicConfig> vnics, java.util.Map<String, Integer> vnsIndexes) {
        this.vnics = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(vnics));
        this.vnsIndexes = java.util.Map.copyOf(vnsIndexes);
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
        ipv6 = new long[n][];
        protection = new int[n];
        frameLimit = new int[n];
        vns = new int[n];
        vnsOfVlan = new int[4096];
        java.util.Arrays.fill(vnsOfVlan, -2); // -2: no VNIC yet; -1: several VNSes
        for (int i = 0; i < n; i++) {
            VnicConfig v = vnics.get(i);
            if (v == null) {
                vns[i] = -1;
                vlan[i] = -1;
                addresses[i] = new int[0];
                firstAddress[i] = -1;
                ipv6[i] = new long[0];
                continue;
            }
            for (long m : WireAddresses.macs(v)) {
                macs.put(m, v.vlan(), i);
            }
            vns[i] = vnsIndex(v);
            int was = vnsOfVlan[v.vlan()];
            vnsOfVlan[v.vlan()] = was == -2 || was == vns[i] ? vns[i] : -1;
            setFacts(i, v, putAddresses(ips, v, i, vns[i]));
        }
        for (int k = 0; k < vnsOfVlan.length; k++) {
            if (vnsOfVlan[k] == -2) {
                vnsOfVlan[k] = -1;
            }
        }
    }

    private int vnsIndex(VnicConfig v) {
        Integer index = vnsIndexes.get(v.vns());
        if (index == null) {
            throw new IllegalArgumentException("VNIC " + v.name() + " belongs to VNS " + v.vns() + ", which does not exist");
        }
        return index;
    }

    /** Everything but the hash tables' entries, of VNIC {@code i}. */
    private void setFacts(int i, VnicConfig v, int[] own) {
        vlan[i] = v.vlan();
        primaryMac[i] = WireAddresses.primaryMac(v);
        addresses[i] = own;
        firstAddress[i] = own.length == 0 ? -1 : Integer.toUnsignedLong(own[0]);
        ipv6[i] = WireAddresses.ipv6(v);
        protection[i] = v.protectionMask() | (v.isRouter() ? ROUTER : 0);
        frameLimit[i] = v.mtu() + Ethernet.HEADER_LENGTH;
    }

    private static int[] putAddresses(Ipv4Table ips, VnicConfig v, int i, int vns) {
        int[] own = WireAddresses.ipv4(v);
        for (int a : own) {
            ips.put(vns, a, i);
        }
        return own;
    }

    /** A copy sharing nothing mutable with {@code from}'s per-VNIC arrays (only {@link #setFacts} writes them). */
    private ClassifierTables(ClassifierTables from, List<VnicConfig> vnics, MacVlanTable macs, Ipv4Table ips) {
        this.vnics = vnics;
        this.macs = macs;
        this.ips = ips;
        this.vlan = from.vlan.clone();
        this.primaryMac = from.primaryMac.clone();
        this.addresses = from.addresses.clone();
        this.firstAddress = from.firstAddress.clone();
        this.ipv6 = from.ipv6.clone();
        this.protection = from.protection.clone();
        this.frameLimit = from.frameLimit.clone();
        this.vns = from.vns; // a change of VNS is a full rebuild: shared
        this.vnsOfVlan = from.vnsOfVlan;
        this.vnsIndexes = from.vnsIndexes;
    }

    /**
     * These tables with VNIC {@code index} (an existing one) changed to {@code after}: the hash tables are copied and
     * only its entries moved, so a change costs a few array copies instead of a rebuild from every VNIC. Empty when
     * the copies have no room for its new entries (the caller rebuilds); a clash with another VNIC's MAC or address
     * is refused as the full build refuses it.
     */
    public java.util.Optional<ClassifierTables> withVnic(int index, VnicConfig after) {
        VnicConfig before = vnics.get(index);
        if (!before.vns().equals(after.vns())) {
            return java.util.Optional.empty();
        }
        java.util.Optional<MacVlanTable> m = macs.replacing(index, WireAddresses.macs(before), before.vlan(), WireAddresses.macs(after),
                after.vlan());
        Ipv4Table p = ips.copy();
        for (int a : addresses[index]) {
            p.remove(vns[index], a, index);
        }
        if (m.isEmpty() || !p.hasRoomFor(after.ipv4Addresses().size())) {
            return java.util.Optional.empty();
        }
        int[] own = putAddresses(p, after, index, vns[index]);
        List<VnicConfig> configs = new java.util.ArrayList<>(vnics);
        configs.set(index, after);
        ClassifierTables changed = new ClassifierTables(this, java.util.Collections.unmodifiableList(configs), m.get(), p);
        changed.setFacts(index, after, own);
        return java.util.Optional.of(changed);
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

    /** The VNIC of VNS {@code vns} that owns {@code ipv4}, or -1. */
    public int ownerOf(int vns, int ipv4) {
        return ips.get(vns, ipv4);
    }

    /** VNIC {@code vnic}'s first IPv4 address, 0 when it has none. */
    public int firstAddressOf(int vnic) {
        return (int) Math.max(0, firstAddress[vnic]);
    }

    /** The index of VNIC {@code vnic}'s VNS. */
    public int vnsOf(int vnic) {
        return vns[vnic];
    }

    /** The VNS of the VNICs in {@code vlan}, or -1 when there are none or they belong to several. */
    public int vnsOfVlan(int vlan) {
        return vnsOfVlan[vlan];
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

    /** Whether the IPv6 address ({@code high}, {@code low}) is one of {@code vnic}'s own, its link-local ones included. */
    public boolean ownsIpv6(int vnic, long high, long low) {
        long[] own = ipv6[vnic];
        for (int k = 0; k < own.length; k += 2) {
            if (own[k] == high && own[k + 1] == low) {
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

    /** The VNIC's {@link io.quiver.configstore.model.LinkProtection} bits, with {@link #ROUTER} when it is a router. */
    public int protectionOf(int vnic) {
        return protection[vnic];
    }

    /** The longest untagged frame VNIC {@code vnic} may send or be delivered: MTU + 14. */
    public int frameLimitOf(int vnic) {
        return frameLimit[vnic];
    }
}
