package io.quiver.dataplane.datapath;

import io.quiver.configstore.model.VnicConfig;
import io.quiver.dataplane.antispoof.PortSources;
import io.quiver.dataplane.classify.ClassifierTables;
import io.quiver.dataplane.ring.VnicRing;
import io.quiver.dataplane.vnic.Vnic;
import io.quiver.dataplane.vnic.VnicCounters;
import io.quiver.dataplane.classify.MacVlanTable;
import io.quiver.dataplane.priority.Identifier;
import io.quiver.dataplane.priority.Levels;
import io.quiver.dataplane.priority.TokenBucket;
import io.quiver.configstore.model.PriorityClass;
import io.quiver.dataplane.vns.VnsState;
import io.quiver.dataplane.fabric.FabricState;
import java.util.Map;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Everything the lcores read to move packets, as one immutable snapshot: the classifier tables, per guest port the
 * MACs its VNICs may send with, the flood domains, the VNSes (each one's FIB changes in place; the rest with a new
 * snapshot). A configuration change builds a new snapshot
 * and publishes it with one volatile write; each task reads the reference once per burst, so a change applies at a
 * burst boundary and no lcore ever waits or sees half of it.
 */
public final class DatapathState {
    /** Every 12-bit VLAN id a frame can carry, 4095 (reserved) included: a tag is an index, never out of bounds. */
    static final int VLAN_IDS = 4096;

    final ClassifierTables tables;
    final Vnic[] vnics;
    /** By VNIC index, what the lcores reach per packet, one load away (null for a free index). */
    final VnicCounters[] counters;
    final VnicRing[] localRings;
    /** By VNIC index, the ring of what classification sends it to be routed. */
    final VnicRing[] forwardingRings;
    final PortSources sources;
    /** By VNIC index: VNIC indexes sharing its VLAN and its VNS (flood domain). */
    final int[][] floodDomain;
    /** By VLAN id (0 = untagged): the VNICs in it, for floods arriving from the uplink; null when none. */
    final int[][] vnicsByVlan;
    /** By VNS index (null for a free index). */
    final VnsState[] vnses;
    /** (router MAC, uplink VLAN) -> VNS index, for what the uplink sends a VNS's router. */
    final MacVlanTable routerMacs;
    /**
     * By VNIC index, for a VNIC with a bandwidth-limit (else null): the shaper of what is delivered to it (its local
     * ring is the queue; the delivery lcore's) and the policer of what its guest sends (the RX lcore's).
     */
    final TokenBucket[] shapers;
    final TokenBucket[] policers;
    /** By VNIC index: its receive rings by class ([0] the local ring; null where a class has none). */
    final VnicRing[][] classRings;
    /** By VNIC index: the class of its unidentified traffic (its 802.1p priority's). */
    final byte[] defaultClass;
    /** The subscription levels and flows, and the identifier that applies them; both null when there are none. */
    final Levels levels;
    final Identifier identifier;
    /** Percent of deliveries the lowest class gets while it waits behind higher ones (starvation bound). */
    final int lowestShare;
    /** The fabric (remote VNICs and the media to them), or null when this appliance runs alone. */
    final FabricState fabric;
    /** A policer's burst: 100 ms at its rate, which TCP needs to keep near the rate (TokenBucket says what less does). */
    static final int POLICER_BURST_MILLIS = 100;

    /**
     * @param slots    VNICs by index; null for a free index
     * @param previous the state this one replaces, or null: its flood domains are kept when every VNIC index is in
     *                 the same VLAN as before (an address or MAC change), which spares rebuilding the per-VLAN arrays
     */
    DatapathState(Vnic[] slots, int maxPort, VnsState[] vnses, Map<String, Integer> vnsIndexes, DatapathState previous,
                  Levels levels, Identifier identifier, int lowestShare, FabricState fabric) {
        // plain loops throughout: a guest's change rebuilds the state, and this is on its request-to-live path
        List<VnicConfig> configs = new ArrayList<>(slots.length);
        List<Vnic> present = new ArrayList<>(slots.length);
        VnicConfig[] configByIndex = new VnicConfig[slots.length];
        int[] portIds = new int[slots.length];
        for (int i = 0; i < slots.length; i++) {
            Vnic v = slots[i];
            configs.add(v == null ? null : v.config());
            if (v != null) {
                present.add(v);
                configByIndex[i] = v.config();
                portIds[i] = v.portId();
            }
        }
        this.tables = new ClassifierTables(configs, vnsIndexes);
        this.vnics = slots.clone();
        this.counters = new VnicCounters[slots.length];
        this.localRings = new VnicRing[slots.length];
        this.forwardingRings = new VnicRing[slots.length];
        for (Vnic v : present) {
            counters[v.index()] = v.counters();
            localRings[v.index()] = v.localRing();
            forwardingRings[v.index()] = v.forwardingRing();
        }
        this.sources = PortSources.build(configByIndex, portIds, maxPort);
        if (previous != null && sameVlans(previous, slots)) {
            this.vnicsByVlan = previous.vnicsByVlan;
            this.floodDomain = previous.floodDomain;
        } else {
            this.vnicsByVlan = byVlan(present);
            this.floodDomain = floodDomains(present, vnicsByVlan, tables);
        }
        this.vnses = vnses.clone();
        this.routerMacs = routerMacs(this.vnses);
        this.shapers = new TokenBucket[slots.length];
        this.policers = new TokenBucket[slots.length];
        for (Vnic v : present) {
            limit(v.index(), v.config(), previous);
        }
        this.classRings = new VnicRing[slots.length][];
        this.defaultClass = new byte[slots.length];
        for (Vnic v : present) {
            classRings[v.index()] = v.classRings();
            defaultClass[v.index()] = (byte) PriorityClass.ofVnicPriority(v.config().priority()).code();
        }
        this.levels = levels;
        this.identifier = levels == null ? null : identifier;
        this.lowestShare = lowestShare;
        this.fabric = fabric;
    }

    /**
     * The VNIC's buckets for its bandwidth-limit: the previous state's while the VNIC and its limit and MTU are the same
     * (a change elsewhere does not refill them), new ones otherwise.
     */
    private void limit(int i, VnicConfig c, DatapathState previous) {
        long bits = c.bandwidthLimit();
        if (bits == 0) {
            return;
        }
        VnicConfig before = previous == null || i >= previous.vnics.length || previous.vnics[i] != vnics[i] ? null
                : previous.tables.vnics().get(i);
        if (before != null && before.bandwidthLimit() == bits && before.mtu() == c.mtu() && previous.shapers[i] != null) {
            shapers[i] = previous.shapers[i];
            policers[i] = previous.policers[i];
            return;
        }
        long now = System.nanoTime();
        shapers[i] = TokenBucket.of(bits, 0, c.mtu() + io.quiver.dataplane.packet.Ethernet.HEADER_LENGTH, now);
        policers[i] = TokenBucket.of(bits, 0, c.mtu() + io.quiver.dataplane.packet.Ethernet.HEADER_LENGTH, POLICER_BURST_MILLIS, now);
    }

    /** A state without subscription levels (what tests of the tables build). */
    DatapathState(Vnic[] slots, int maxPort, VnsState[] vnses, Map<String, Integer> vnsIndexes, DatapathState previous) {
        this(slots, maxPort, vnses, vnsIndexes, previous, null, null, 0, null);
    }

    private static MacVlanTable routerMacs(VnsState[] vnses) {
        MacVlanTable t = new MacVlanTable(vnses.length);
        for (VnsState v : vnses) {
            if (v != null && v.uplinkIp != 0) {
                t.put(v.routerMac, v.uplinkVlan, v.index);
            }
        }
        return t;
    }

    /**
     * Each VNIC's flood domain: the VNICs of its VLAN in its VNS. Where one VNS has a VLAN to itself (the usual case)
     * that is the VLAN's array, shared; otherwise an array of its own.
     */
    private static int[][] floodDomains(List<Vnic> present, int[][] vnicsByVlan, ClassifierTables tables) {
        int[][] domains = new int[tables.vnicCount()][];
        for (Vnic v : present) {
            int vlan = v.config().vlan();
            int vns = tables.vnsOf(v.index());
            int[] all = vnicsByVlan[vlan];
            if (tables.vnsOfVlan(vlan) == vns) {
                domains[v.index()] = all;
            } else {
                domains[v.index()] = java.util.Arrays.stream(all).filter(w -> tables.vnsOf(w) == vns).toArray();
            }
        }
        return domains;
    }

    /** (Router MAC, VLAN) of a frame from the uplink: the VNS whose router it is for, or -1. */
    int routerOf(long mac, int vlan) {
        return routerMacs.get(mac, vlan);
    }

    /** The VNS whose router has {@code ip} as its uplink address in {@code vlan}, or -1: for ARP from the uplink. */
    int routerWithUplinkAddress(int ip, int vlan) {
        for (VnsState v : vnses) {
            if (v != null && v.uplinkIp == ip && ip != 0 && v.uplinkVlan == vlan) {
                return v.index;
            }
        }
        return -1;
    }

    private DatapathState(DatapathState from, ClassifierTables tables, PortSources sources, int changed) {
        this.tables = tables;
        this.vnics = from.vnics;
        this.counters = from.counters;
        this.localRings = from.localRings;
        this.forwardingRings = from.forwardingRings;
        this.sources = sources;
        this.floodDomain = from.floodDomain;
        this.vnicsByVlan = from.vnicsByVlan;
        this.vnses = from.vnses;
        this.routerMacs = from.routerMacs;
        this.shapers = from.shapers.clone();
        this.policers = from.policers.clone();
        shapers[changed] = null;
        policers[changed] = null;
        limit(changed, vnics[changed].config(), from);
        this.classRings = from.classRings;
        this.defaultClass = from.defaultClass.clone();
        defaultClass[changed] = (byte) PriorityClass.ofVnicPriority(vnics[changed].config().priority()).code();
        this.levels = from.levels;
        this.identifier = from.identifier;
        this.lowestShare = from.lowestShare;
        this.fabric = from.fabric;
    }

    /** This state with the fabric {@code fabric} (null: none), everything else shared. */
    DatapathState withFabric(FabricState fabric) {
        return new DatapathState(this, fabric);
    }

    private DatapathState(DatapathState from, FabricState fabric) {
        this.tables = from.tables;
        this.vnics = from.vnics;
        this.counters = from.counters;
        this.localRings = from.localRings;
        this.forwardingRings = from.forwardingRings;
        this.sources = from.sources;
        this.floodDomain = from.floodDomain;
        this.vnicsByVlan = from.vnicsByVlan;
        this.vnses = from.vnses;
        this.routerMacs = from.routerMacs;
        this.shapers = from.shapers;
        this.policers = from.policers;
        this.classRings = from.classRings;
        this.defaultClass = from.defaultClass;
        this.levels = from.levels;
        this.identifier = from.identifier;
        this.lowestShare = from.lowestShare;
        this.fabric = fabric;
    }

    public FabricState fabric() {
        return fabric;
    }

    /** Room in a packet trace's rings: one frame, and the copies a flood makes of it, never fill one. */
    static final int TRACE_RING = 16;

    /**
     * This state as a packet trace runs the datapath's code on: the same tables, sources, flood domains, VNSes and
     * fabric, but every counter, ring, policer and peer counter its own (empty, or a copy of the live bucket's
     * tokens), and no connection identifier (identifying would enter the connection in the live table). The frame
     * goes where the lcore would send it, and nothing the lcores own changes.
     */
    DatapathState forTrace() {
        return new DatapathState(this);
    }

    private DatapathState(DatapathState from) {
        int n = from.vnics.length;
        this.tables = from.tables;
        this.vnics = from.vnics;
        this.counters = new VnicCounters[n];
        this.localRings = new VnicRing[n];
        this.forwardingRings = new VnicRing[n];
        this.classRings = new VnicRing[n][];
        this.policers = new TokenBucket[n];
        for (int i = 0; i < n; i++) {
            if (from.vnics[i] == null) {
                continue;
            }
            counters[i] = new VnicCounters();
            localRings[i] = new VnicRing(TRACE_RING, false);
            forwardingRings[i] = new VnicRing(TRACE_RING, false);
            VnicRing[] classes = from.classRings[i];
            classRings[i] = new VnicRing[classes.length];
            classRings[i][0] = localRings[i];
            for (int c = 1; c < classes.length; c++) {
                classRings[i][c] = classes[c] == null ? null : new VnicRing(TRACE_RING, false);
            }
            policers[i] = from.policers[i] == null ? null : from.policers[i].copy();
        }
        this.sources = from.sources;
        this.floodDomain = from.floodDomain;
        this.vnicsByVlan = from.vnicsByVlan;
        this.vnses = new VnsState[from.vnses.length];
        for (int v = 0; v < vnses.length; v++) {
            vnses[v] = from.vnses[v] == null ? null : from.vnses[v].withRing(new VnicRing(TRACE_RING, false));
        }
        this.routerMacs = from.routerMacs;
        this.shapers = from.shapers;
        this.defaultClass = from.defaultClass;
        this.levels = null;
        this.identifier = null;
        this.lowestShare = from.lowestShare;
        this.fabric = from.fabric == null ? null : from.fabric.withFreshCounters();
    }

    /**
     * This state with one VNIC's addresses changed (its {@link Vnic#config()} already holds the new ones), when the
     * change is that small: its entries move in copies of the tables and everything else is shared, so the cost
     * does not grow with the number of VNICs. Empty when a full rebuild is needed instead (the VNIC moved VLAN or
     * changed its protection, or a table copy has no room). A clash with another VNIC is refused with an IllegalArgumentException.
     */
    Optional<DatapathState> withChangedVnic(int index) {
        Vnic v = vnics[index];
        VnicConfig before = tables.vnics().get(index);
        VnicConfig after = v.config();
        if (before == null || before.vlan() != after.vlan() || before.protectionMask() != after.protectionMask()) {
            return Optional.empty();
        }
        Optional<ClassifierTables> changed = tables.withVnic(index, after);
        if (changed.isEmpty()) {
            return Optional.empty();
        }
        return sources.withChangedVnic(v.portId(), index, before, after)
                .map(changedSources -> new DatapathState(this, changed.get(), changedSources, index));
    }

    /** Whether every index holds the same VNIC in the same VLAN as in {@code before} (whose tables recorded the VLANs). */
    private static boolean sameVlans(DatapathState before, Vnic[] now) {
        if (before.vnics.length != now.length) {
            return false;
        }
        for (int i = 0; i < now.length; i++) {
            if (before.vnics[i] != now[i] || (now[i] != null && (before.tables.vlanOf(i) != now[i].config().vlan()
                    || !before.tables.vnics().get(i).vns().equals(now[i].config().vns())))) {
                return false;
            }
        }
        return true;
    }

    /** By VLAN id, its VNICs: one shared array per VLAN, linear in the VNIC count even with thousands of VNICs. */
    private static int[][] byVlan(List<Vnic> present) {
        int[][] vnicsByVlan = new int[VLAN_IDS][];
        int[] perVlan = new int[VLAN_IDS];
        for (Vnic v : present) {
            perVlan[v.config().vlan()]++;
        }
        int[] filled = new int[VLAN_IDS];
        for (Vnic v : present) {
            int vlan = v.config().vlan();
            if (vnicsByVlan[vlan] == null) {
                vnicsByVlan[vlan] = new int[perVlan[vlan]];
            }
            vnicsByVlan[vlan][filled[vlan]++] = v.index();
        }
        return vnicsByVlan;
    }

    public ClassifierTables tables() {
        return tables;
    }

    /** The VNICs by index, null where one was removed. */
    public List<Vnic> vnicSlots() {
        return Arrays.asList(vnics.clone());
    }
}
