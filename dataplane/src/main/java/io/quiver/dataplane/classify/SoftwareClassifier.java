package io.quiver.dataplane.classify;

import io.quiver.dataplane.packet.PacketKind;
import io.quiver.dataplane.packet.ParsedBurst;

/**
 * Classification in the poll loop:
 * <ul>
 *   <li>broadcast/multicast: an ARP request goes to the VNIC owning the target IP in that VLAN (and VNS); anything
 *       else floods;</li>
 *   <li>unicast: (destination MAC, VLAN) names the VNIC; IPv4 to one of its own addresses goes to its local ring,
 *       IPv4 to another address to its forwarding ring; ARP and other ethertypes to its local ring.</li>
 * </ul>
 */
public final class SoftwareClassifier implements Classifier {
    public static final SoftwareClassifier INSTANCE = new SoftwareClassifier();

    @Override
    public String name() {
        return "software";
    }

    @Override
    public int classify(ClassifierTables t, ParsedBurst b, int i, int rxQueue, int vlan) {
        return classifyIn(t, b, i, vlan, t.vnsOfVlan[vlan]);
    }

    /** Classifies a frame of a VNIC of VNS {@code vns} (-1: a frame of the uplink whose VLAN has VNICs of several VNSes). */
    public int classifyIn(ClassifierTables t, ParsedBurst b, int i, int vlan, int vns) {
        int kind = b.kind[i];
        if (kind == PacketKind.MALFORMED) {
            return MALFORMED;
        }
        if (b.isMulticast(i)) {
            if (kind == PacketKind.ARP && b.op[i] == 1) {
                int owner = t.ips.get(vns, b.dstIp[i]);
                // a gratuitous ARP (its sender asks for its own address) is news for everyone else: it floods
                if (owner >= 0 && t.vlan[owner] == vlan && t.macs.get(b.srcMac[i], vlan) != owner) {
                    return Classifier.local(owner);
                }
            }
            return FLOOD;
        }
        int vnic = t.macs.get(b.dstMac[i], vlan);
        if (vnic < 0) {
            return UNKNOWN;
        }
        if (t.vns[vnic] != vns && vns >= 0) { // another VNS's VNIC is not on this one's network
            return OTHER_VNS;
        }
        if (kind == PacketKind.IPV4 && !t.owns(vnic, b.dstIp[i])) {
            return Classifier.forwarding(vnic);
        }
        return Classifier.local(vnic);
    }
}
