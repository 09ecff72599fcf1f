package io.quiver.dataplane.fabric;

import io.quiver.dataplane.packet.UdpFrameBuilder;

/**
 * This appliance's end of the fabric (docs/fabric.md): its name in the directory and its VXLAN tunnel endpoint on the
 * uplink.
 *
 * @param appliance the name every appliance of the fabric knows this one by (unique in the directory)
 * @param vtepIp    the VTEP's IPv4 address on the uplink (network order as an int); 0: this appliance has no VTEP
 * @param udpPort   the VXLAN UDP port (RFC 7348: 4789), the same on every appliance
 * @param vniBase   segment VLAN v travels as VNI {@code vniBase + v} (0 = untagged), the same on every appliance
 */
public record FabricSettings(String appliance, int vtepIp, int udpPort, int vniBase) {
    public static final int VXLAN_PORT = 4789;
    public static final int DEFAULT_VNI_BASE = 10_000;
    /** VLAN ids 0..4095 must all map inside VXLAN's 24-bit VNI. */
    private static final int MAX_VNI = (1 << 24) - 1;

    public FabricSettings {
        if (appliance == null || !appliance.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
            throw new IllegalArgumentException("fabric appliance name '" + appliance
                    + "': 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (udpPort < 1 || udpPort > 65535) {
            throw new IllegalArgumentException("fabric VXLAN UDP port " + udpPort + ": 1-65535");
        }
        if (vniBase < 0 || vniBase + 4095 > MAX_VNI) {
            throw new IllegalArgumentException("fabric vni-base " + vniBase + ": 0-" + (MAX_VNI - 4095)
                    + " (every VLAN's VNI must fit in 24 bits)");
        }
    }

    public boolean hasVtep() {
        return vtepIp != 0;
    }

    /** The VNI segment {@code vlan} travels as. */
    public int vniOf(int vlan) {
        return vniBase + vlan;
    }

    /** The VLAN VNI {@code vni} carries, or -1 when it is no segment of this fabric. */
    public int vlanOf(int vni) {
        int vlan = vni - vniBase;
        return vlan >= 0 && vlan < 4095 ? vlan : -1;
    }

    public String vtepText() {
        return vtepIp == 0 ? "" : UdpFrameBuilder.formatIpv4(vtepIp);
    }
}
