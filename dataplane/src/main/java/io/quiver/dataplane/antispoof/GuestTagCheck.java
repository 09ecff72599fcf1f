package io.quiver.dataplane.antispoof;

import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.ParsedBurst;

/** A guest sends untagged frames only: VLANs are the appliance's to assign (802.1Q and 802.1ad tags alike). */
public final class GuestTagCheck {
    private GuestTagCheck() {
    }

    public static boolean passes(ParsedBurst b, int i) {
        return b.vlan[i] == 0 && b.l3[i] == Ethernet.HEADER_LENGTH;
    }
}
