package io.quiver.dataplane.antispoof;

import io.quiver.configstore.model.LinkProtection;
import io.quiver.dataplane.classify.ClassifierTables;
import io.quiver.dataplane.packet.PacketParser;
import io.quiver.dataplane.packet.ParsedBurst;

/**
 * A guest's ARP claims only its own VNIC's addresses: the sender protocol address is one of its IPv4 addresses (or
 * 0.0.0.0, an address probe) under {@code ip-nospoof}, and the sender hardware address one of its MACs under
 * {@code mac-nospoof}.
 */
public final class ArpSenderCheck {
    private ArpSenderCheck() {
    }

    public static boolean passes(ClassifierTables t, SourceMacCheck sources, ParsedBurst b, int i, int vnic, int protection) {
        int sender = b.srcIp[i];
        if ((protection & LinkProtection.IP_NOSPOOF.bit()) != 0 && sender != 0 && !t.owns(vnic, sender)) {
            return false;
        }
        if ((protection & LinkProtection.MAC_NOSPOOF.bit()) == 0) {
            return true;
        }
        long senderMac = PacketParser.arpSenderMac(b.frame[i] + b.l3[i]);
        // the frame's source MAC is already the VNIC's, so only another sender MAC needs a lookup
        return senderMac == b.srcMac[i] || sources.owner(senderMac) == vnic;
    }
}
