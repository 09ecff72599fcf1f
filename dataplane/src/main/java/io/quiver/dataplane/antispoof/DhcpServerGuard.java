package io.quiver.dataplane.antispoof;

import io.quiver.configstore.model.LinkProtection;
import io.quiver.dataplane.classify.ClassifierTables;
import io.quiver.dataplane.packet.PacketKind;
import io.quiver.dataplane.packet.PacketParser;
import io.quiver.dataplane.packet.ParsedBurst;

/**
 * A guest sends no DHCP server messages: DHCPv4 replies (from UDP port 67) when its protection includes
 * {@code dhcp-nospoof}; DHCPv6 server and relay messages (from port 547) then too, and whenever {@code ip-nospoof}
 * holds for a guest that is not a router. A rogue DHCP server takes over its neighbours' traffic as surely as a
 * forged address.
 */
public final class DhcpServerGuard {
    static final int IPPROTO_UDP = 17;
    static final int DHCPV4_SERVER_PORT = 67;
    static final int DHCPV6_SERVER_PORT = 547;

    private DhcpServerGuard() {
    }

    public static boolean passes(ParsedBurst b, int i, int kind, int protection) {
        if (b.op[i] != IPPROTO_UDP || b.l4[i] == 0 || b.l4[i] + 2 > b.length[i]) {
            return true;
        }
        int sourcePort = PacketParser.be16(b.frame[i] + b.l4[i]);
        boolean dhcpNospoof = (protection & LinkProtection.DHCP_NOSPOOF.bit()) != 0;
        if (kind == PacketKind.IPV4) {
            return !(dhcpNospoof && sourcePort == DHCPV4_SERVER_PORT);
        }
        boolean guarded = dhcpNospoof
                || ((protection & LinkProtection.IP_NOSPOOF.bit()) != 0 && (protection & ClassifierTables.ROUTER) == 0);
        return !(guarded && sourcePort == DHCPV6_SERVER_PORT);
    }
}
