package io.quiver.dataplane.antispoof;

import io.quiver.dataplane.classify.ClassifierTables;
import io.quiver.dataplane.packet.PacketParser;
import io.quiver.dataplane.packet.ParsedBurst;

/**
 * A guest's ARP claims only its own VNIC's addresses: the sender protocol address is one of its IPv4 addresses (or
 * 0.0.0.0, an address probe), and the sender hardware address one of its MACs.
 */
public final class ArpSenderCheck {
    private ArpSenderCheck() {
    }

    public static boolean passes(ClassifierTables t, SourceMacCheck sources, ParsedBurst b, int i, int vnic) {
        int sender = b.srcIp[i];
        if (sender != 0 && !t.owns(vnic, sender)) {
            return false;
        }
        long senderMac = PacketParser.arpSenderMac(b.frame[i] + b.l3[i]);
        // the frame's source MAC is already the VNIC's, so only another sender MAC needs a lookup
        return senderMac == b.srcMac[i] || sources.owner(senderMac) == vnic;
    }
}
