package io.quiver.perf.priority;

import io.quiver.configstore.model.IdentificationRule;
import io.quiver.configstore.model.PriorityClass;
import io.quiver.configstore.model.Subscription;
import io.quiver.control.host.Shell;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import java.util.List;

/**
 * The overload scenario of {@code bench priority}, in one place for the generator, the Quiver run and the peer: two
 * veth pairs (the generator's end to the switch's uplink, the switch's guest port to the sink's end), one VNIC whose
 * bandwidth-limit is the egress capacity, and the subscription levels that identify the premium streams.
 */
final class OverloadScenario {
    /** Generator -> switch uplink; switch guest port -> sink. */
    static final String GENERATOR = "qvbgen";
    static final String UPLINK = "qvbup";
    static final String GUEST = "qvbgst";
    static final String SINK = "qvbsnk";

    static final byte[] VNIC_MAC = Ethernet.parseMac("02:00:00:00:00:0a");
    static final byte[] GATEWAY_MAC = Ethernet.parseMac("02:00:00:00:ff:fe");
    static final int VNIC_IP = UdpFrameBuilder.parseIpv4("10.0.0.1");
    static final int BEST_EFFORT_HOST = UdpFrameBuilder.parseIpv4("10.0.0.254");
    static final int PREMIUM_HOST = UdpFrameBuilder.parseIpv4("10.8.0.5");
    static final String PREMIUM_PREFIX = "10.8.0.0/16";
    static final String SERVER_NAME = "api.gold.example";
    static final String TOKEN = "X-Tier: gold";

    /** Egress capacity: the VNIC's bandwidth-limit, bit/s of frames. */
    static final long CAPACITY = 50_000_000L;
    /** Every stream's frames are this long (its data segments, for TCP). */
    static final int FRAME = 1000;

    private OverloadScenario() {
    }

    /** The levels: by prefix, by server name, by payload token (what OVS can match is only the first). */
    static List<Subscription> levels() {
        return List.of(
                Subscription.create("by-prefix", Subscription.Kind.SUBSCRIPTION, PriorityClass.HIGH, 0, 0, 10,
                        List.of(IdentificationRule.parse("prefix=" + PREMIUM_PREFIX))),
                Subscription.create("by-sni", Subscription.Kind.SUBSCRIPTION, PriorityClass.HIGH, 0, 0, 20,
                        List.of(IdentificationRule.parse("sni=*.gold.example"))),
                Subscription.create("by-token", Subscription.Kind.SUBSCRIPTION, PriorityClass.HIGH, 0, 0, 30,
                        List.of(IdentificationRule.parse("token=" + TOKEN))));
    }

    /** Makes both veth pairs, offloads off (frames as sent), up. */
    static void up() {
        down();
        for (String[] pair : new String[][] {{GENERATOR, UPLINK}, {GUEST, SINK}}) {
            Shell.check("ip", "link", "add", pair[0], "type", "veth", "peer", "name", pair[1]);
            for (String end : pair) {
                Shell.check("sysctl", "-qw", "net.ipv6.conf." + end + ".disable_ipv6=1");
                Shell.Result r = Shell.run(List.of("ethtool", "-K", end, "tx", "off", "rx", "off", "tso", "off", "gso", "off",
                        "gro", "off"), 10);
                if (r.exitCode() != 0 && !r.output().contains("Could not change any device features")) {
                    throw new IllegalStateException("ethtool on " + end + ": " + r.output().strip());
                }
                Shell.check("ip", "link", "set", end, "mtu", "1500", "up");
            }
        }
    }

    static void down() {
        for (String end : new String[] {GENERATOR, GUEST}) {
            Shell.run(List.of("ip", "link", "del", end), 10);
        }
    }
}
