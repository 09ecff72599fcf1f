package io.quiver.control.lab;

import io.quiver.control.host.Shell;
import java.util.List;

/**
 * A Linux bridge in namespace {@code qv-peer}, the peer host's address on it, and veth "cables" whose far ends are
 * its ports and whose near ends ({@code NAMEh}) Quiver's members sit on; what the aggregation lab tests cable
 * Quiver's uplink to. A cable is pulled on the bridge's side ({@link #pull}), as a switch port going down.
 */
final class BridgePeer {
    static final String NAMESPACE = "qv-peer";
    static final String IP = NamespaceLab.SUBNET + "254";

    private BridgePeer() {
    }

    /** The bridge with one cable per name in {@code cables} ({@code qvm0} gives Quiver {@code qvm0h}). */
    static void up(List<String> cables) {
        down(cables);
        Shell.check("ip", "netns", "add", NAMESPACE);
        Shell.check("ip", "netns", "exec", NAMESPACE, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
        Shell.check("ip", "netns", "exec", NAMESPACE, "ip", "link", "add", "br0", "type", "bridge");
        Shell.check("ip", "netns", "exec", NAMESPACE, "ip", "link", "set", "br0", "up");
        Shell.check("ip", "netns", "exec", NAMESPACE, "ip", "address", "add", IP + "/24", "dev", "br0");
        for (String c : cables) {
            Shell.check("ip", "link", "add", c + "h", "type", "veth", "peer", "name", c, "netns", NAMESPACE);
            Shell.check("ip", "netns", "exec", NAMESPACE, "ip", "link", "set", c, "master", "br0", "up");
            Shell.check("ip", "link", "set", c + "h", "up");
        }
    }

    /** Pulls ({@code up} false) or plugs back the cable {@code cable} on the bridge's side. */
    static void cable(String cable, boolean up) {
        Shell.check("ip", "netns", "exec", NAMESPACE, "ip", "link", "set", cable, up ? "up" : "down");
    }

    static void down(List<String> cables) {
        NamespaceLab.remove(NAMESPACE, cables.isEmpty() ? "qvnone" : cables.get(0) + "h");
        cables.forEach(c -> Shell.quietly("ip", "link", "del", c + "h"));
    }

    /** Pings {@code ip} from the peer: {@code count} pings 0.2 s apart; whether all were answered. */
    static boolean ping(String ip, int count) {
        return NamespaceLab.exec(NAMESPACE, 30, "ping", "-c", Integer.toString(count), "-i", "0.2", "-W", "2", ip).exitCode() == 0;
    }
}
