package io.quiver.dataplane.vnic;

import io.quiver.dataplane.ring.VnicRing;

/**
 * A live VNIC: its place in the datapath's tables, its two receive rings, its guest's port, its counters. The rings
 * and counters live as long as the VNIC; its addresses live in the datapath's current tables (a change swaps them).
 */
public final class Vnic {
    private final int index;
    private final String name;
    private final int portId;
    private final VnicRing local;
    private final VnicRing forwarding;
    private final VnicCounters counters = new VnicCounters();
    private volatile VnicSpec spec;

    public Vnic(int index, VnicSpec spec, int portId, VnicRing local, VnicRing forwarding) {
        this.index = index;
        this.name = spec.name();
        this.spec = spec;
        this.portId = portId;
        this.local = local;
        this.forwarding = forwarding;
    }

    public int index() {
        return index;
    }

    public String name() {
        return name;
    }

    public VnicSpec spec() {
        return spec;
    }

    public void spec(VnicSpec updated) {
        if (!updated.name().equals(name) || !updated.port().equals(spec.port())) {
            throw new IllegalArgumentException("a VNIC's name and port cannot change");
        }
        this.spec = updated;
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
