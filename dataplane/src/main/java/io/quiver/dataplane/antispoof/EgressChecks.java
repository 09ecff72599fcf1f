package io.quiver.dataplane.antispoof;

import io.quiver.configstore.model.LinkProtection;
import io.quiver.dataplane.classify.ClassifierTables;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.packet.Icmpv6;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.PacketKind;
import io.quiver.dataplane.packet.ParsedBurst;

/**
 * Every check a guest's frame passes once its source MAC has named the VNIC ({@link SourceMacCheck}), by the VNIC's
 * protection (illumos' {@code protection}: {@code mac-nospoof}, {@code ip-nospoof}, {@code dhcp-nospoof},
 * {@code restricted}): untagged ({@link GuestTagCheck}), within its MTU, of an allowed ethertype, from an IPv4 or
 * IPv6 source of its own ({@link Ipv4SourceCheck}, {@link Ipv6SourceCheck}), ARP and neighbour discovery claiming
 * only its own addresses ({@link ArpSenderCheck}, {@link NeighbourDiscoveryCheck}), no router advertisements
 * ({@link RouterGuard}) and no DHCP server messages ({@link DhcpServerGuard}). The one place that decides which check
 * applies to which frame, and which drop reason a failure counts under.
 */
public final class EgressChecks {
    private static final int IP_NOSPOOF = LinkProtection.IP_NOSPOOF.bit();
    private static final int RESTRICTED = LinkProtection.RESTRICTED.bit();
    private static final int DHCP_NOSPOOF = LinkProtection.DHCP_NOSPOOF.bit();
    private static final int DHCP_GUARDS = DHCP_NOSPOOF | IP_NOSPOOF;

    private EgressChecks() {
    }

    /** Why frame {@code i}, from VNIC {@code vnic}, may not leave the guest, or null when it may. */
    public static DropReason refusal(ClassifierTables t, SourceMacCheck sources, ParsedBurst b, int i, int kind, int vnic) {
        if (!GuestTagCheck.passes(b, i)) {
            return DropReason.TAGGED_FROM_GUEST;
        }
        if (b.pktLen[i] > t.frameLimitOf(vnic)) {
            return DropReason.MTU_EXCEEDED;
        }
        if (b.dstMac[i] == Ethernet.SLOW_PROTOCOLS) { // a guest's LACPDU would speak for the appliance's links
            return DropReason.SLOW_PROTOCOLS;
        }
        int protection = t.protectionOf(vnic);
        if (kind == PacketKind.IPV4) {
            if (Ipv4SourceCheck.claimsTheAppliance(b, i)
                    || ((protection & IP_NOSPOOF) != 0 && !Ipv4SourceCheck.passes(t, b, i, vnic))) {
                return DropReason.SPOOFED_SOURCE_IP;
            }
            // IPv4's DHCP guard is dhcp-nospoof's alone: the default protection reads no UDP port here
            if ((protection & DHCP_NOSPOOF) != 0 && !DhcpServerGuard.passes(b, i, kind, protection)) {
                return DropReason.DHCP_GUARD;
            }
            return null;
        }
        if (kind == PacketKind.ARP) {
            return ArpSenderCheck.passes(t, sources, b, i, vnic, protection) ? null : DropReason.SPOOFED_ARP_SENDER;
        }
        if (kind == PacketKind.IPV6) {
            return ipv6Refusal(t, sources, b, i, vnic, protection);
        }
        return (protection & RESTRICTED) != 0 ? DropReason.RESTRICTED_ETHERTYPE : null;
    }

    /** IPv6's checks: kept out of {@link #refusal} so the IPv4 path stays small enough to inline. */
    private static DropReason ipv6Refusal(ClassifierTables t, SourceMacCheck sources, ParsedBurst b, int i, int vnic, int protection) {
        if ((protection & IP_NOSPOOF) != 0 && !Ipv6SourceCheck.passes(t, b, i, vnic)) {
            return DropReason.SPOOFED_SOURCE_IPV6;
        }
        int type = Icmpv6.type(b, i);
        if (Icmpv6.isNeighbourDiscovery(type)) {
            if ((protection & IP_NOSPOOF) != 0 && !RouterGuard.passes(type, protection)) {
                return DropReason.RA_GUARD;
            }
            return NeighbourDiscoveryCheck.refusal(t, sources, b, i, type, vnic, protection);
        }
        if ((protection & DHCP_GUARDS) != 0 && !DhcpServerGuard.passes(b, i, PacketKind.IPV6, protection)) {
            return DropReason.DHCP_GUARD;
        }
        return null;
    }
}
