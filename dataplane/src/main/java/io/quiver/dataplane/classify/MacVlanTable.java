package io.quiver.dataplane.classify;

import io.quiver.dataplane.packet.Ethernet;

/** (MAC, VLAN) -> VNIC index: the key is the MAC's 48 bits with the VLAN id above them. */
public final class MacVlanTable extends VnicIndexTable {
    public MacVlanTable(int expected) {
        super(expected);
    }

    private MacVlanTable(MacVlanTable from) {
        super(from);
    }

    static long key(long mac, int vlan) {
        return mac | ((long) vlan << 48);
    }

    /**
     * A copy (to change while the lcores keep reading this one) with VNIC {@code vnic}'s MACs {@code oldMacs} in
     * {@code oldVlan} replaced by {@code newMacs} in {@code newVlan}. Empty when the copy has no room for them (the
     * caller rebuilds); a MAC another VNIC holds there is refused as {@link #put} refuses it.
     */
    public java.util.Optional<MacVlanTable> replacing(int vnic, long[] oldMacs, int oldVlan, long[] newMacs, int newVlan) {
        MacVlanTable t = new MacVlanTable(this);
        for (long m : oldMacs) {
            t.delete(key(m, oldVlan), vnic);
        }
        if (!t.hasRoomFor(newMacs.length)) {
            return java.util.Optional.empty();
        }
        for (long m : newMacs) {
            t.put(m, newVlan, vnic);
        }
        return java.util.Optional.of(t);
    }

    /** Adds a mapping; a (MAC, VLAN) already present with another VNIC is refused. */
    public void put(long mac, int vlan, int vnic) {
        if (insert(key(mac, vlan), vnic) >= 0) {
            throw new IllegalArgumentException("MAC " + Ethernet.formatMac(mac) + (vlan == 0 ? "" : " in VLAN " + vlan)
                    + " is already used by another VNIC");
        }
    }

    /** The VNIC index for (MAC, VLAN), or -1. */
    public int get(long mac, int vlan) {
        return lookup(key(mac, vlan));
    }
}
