package io.quiver.dataplane.fabric;

/**
 * Another appliance of the fabric and the medium that reaches it: a memif port (the same host or chassis) when
 * {@code memifPort} is one, else VXLAN to its VTEP over the uplink.
 *
 * @param appliance its name in the directory
 * @param vtepIp    its VTEP address (network order as an int), 0 when it has none
 * @param vtepMac   the MAC its VTEP answers on (the uplink's next hop towards it; Ethernet long form)
 * @param memifPort the port id of the memif link to it, or -1
 */
public record FabricPeer(String appliance, int vtepIp, long vtepMac, int memifPort) {
    public Medium medium() {
        return memifPort >= 0 ? Medium.MEMIF : vtepIp != 0 && vtepMac != 0 ? Medium.VXLAN : Medium.NONE;
    }

    /** How frames reach a VNIC: its own appliance's rings, a memif link, VXLAN over the uplink, or not at all. */
    public enum Medium {
        LOCAL, MEMIF, VXLAN, NONE;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
