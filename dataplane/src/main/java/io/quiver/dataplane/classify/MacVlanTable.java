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

    /** A copy to change while the lcores keep reading this one. */
    public MacVlanTable copy() {
        return new MacVlanTable(this);
    }

    /** Adds a mapping; a (MAC, VLAN) already present with another VNIC is refused. */
    public void put(long mac, int vlan, int vnic) {
        if (insert(key(mac, vlan), vnic) >= 0) {
            throw new IllegalArgumentException("MAC " + Ethernet.formatMac(mac) + (vlan == 0 ? "" : " in VLAN " + vlan)
                    + " is already used by another VNIC");
        }
    }

    /** Removes (MAC, VLAN) if it names {@code vnic}. */
    public void remove(long mac, int vlan, int vnic) {
        delete(key(mac, vlan), vnic);
    }

    /** The VNIC index for (MAC, VLAN), or -1. */
    public int get(long mac, int vlan) {
        return lookup(key(mac, vlan));
    }
}
