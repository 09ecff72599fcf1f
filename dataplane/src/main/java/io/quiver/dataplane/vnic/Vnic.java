package io.quiver.dataplane.vnic;

import io.quiver.configstore.model.VnicConfig;
import io.quiver.dataplane.ring.VnicRing;

/**
 * A live VNIC: its place in the datapath's tables, its two receive rings, its guest's port, its counters. The rings
 * and counters live as long as the VNIC; its addresses live in the datapath's current tables (a change swaps them).
 */
public final class Vnic {
    private final int index;
    private final String name;
    private final String port;
    private final int portId;
    private final VnicRing local;
    private final VnicRing forwarding;
    /**
     * By priority class: the receive ring of traffic to the guest at that class; [0] is the local ring, a higher class
     * has one only once a subscription level can put the VNIC's traffic in it (made by the control side, before the
     * state that uses it is published).
     */
    private final VnicRing[] classRings = new VnicRing[io.quiver.configstore.model.PriorityClass.COUNT];
    private final VnicCounters counters = new VnicCounters();
    private volatile VnicConfig config;

    public Vnic(int index, AttachedVnic attached, int portId, VnicRing local, VnicRing forwarding) {
        this.index = index;
        this.name = attached.name();
        this.port = attached.port();
        this.config = attached.config();
        this.portId = portId;
        this.local = local;
        this.forwarding = forwarding;
        this.classRings[0] = local;
    }

    /** The receive rings by class (null where a class has none): a copy, for a datapath state. */
    public VnicRing[] classRings() {
        return classRings.clone();
    }

    /** The ring of class {@code cls}, or null. */
    public VnicRing classRing(int cls) {
        return classRings[cls];
    }

    /** Gives class {@code cls} (above the lowest) a ring of its own. Control side only, before publishing a state. */
    public void addClassRing(int cls, VnicRing ring) {
        if (cls <= 0 || classRings[cls] != null) {
            throw new IllegalStateException("VNIC " + name + " has a ring for class " + cls + " already");
        }
        classRings[cls] = ring;
    }

    public int index() {
        return index;
    }

    public String name() {
        return name;
    }

    /** The configuration the datapath runs for this VNIC. */
    public VnicConfig config() {
        return config;
    }

    public void config(VnicConfig updated) {
        if (!updated.name().equals(name)) {
            throw new IllegalArgumentException("a VNIC's name cannot change (" + name + " -> " + updated.name() + ")");
        }
        this.config = updated;
    }

    /** The name of the port its guest is attached by. */
    public String port() {
        return port;
    }

    /** The ethdev id of the guest's port. */
    public int portId() {
        return portId;
    }

    /** Traffic to one of the VNIC's own IPv4 addresses (and non-IP traffic to its MAC): delivered to the guest. */
    public VnicRing localRing() {
        return local;
    }

    /** IPv4 to the VNIC's MAC but another address: routed by the appliance. */
    public VnicRing forwardingRing() {
        return forwarding;
    }

    public VnicCounters counters() {
        return counters;
    }
}
