package io.quiver.control.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quiver trace}: why one frame, received on a port, goes where it goes (VPP's {@code trace}, OVS's
 * {@code ofproto/trace}). The daemon runs its own steering on a copy of its state: nothing is sent, and no counter
 * moves (docs/control-plane.md, "Packet trace").
 */
@Command(name = "trace", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trace one frame as if received on a port: each stage's decision (parse, source, anti-spoof, classify,",
                "ring, route, TX) and where it ends. Nothing is sent and no counter moves.",
                "Example: quiver trace --port guests --udp 02:00:00:00:00:01,02:00:00:00:00:02,10.0.0.1,10.0.0.2"})
public final class TraceCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    AdminCommands.Connection connection;

    @Option(names = "--port", required = true, paramLabel = "PORT", description = "the port the frame arrives on (the uplink, a guest port)")
    String port;

    @ArgGroup(multiplicity = "1")
    Frame frame;

    /** The frame: one of three ways to give it. */
    static final class Frame {
        @Option(names = "--frame", paramLabel = "HEX", description = "the whole frame in hex (from tshark -x, say)")
        String hex;

        @Option(names = "--udp", paramLabel = "SRCMAC,DSTMAC,SRCIP,DSTIP[,SPORT,DPORT]", description = "a UDP frame")
        String udp;

        @Option(names = "--arp", paramLabel = "SRCMAC,SENDERIP,TARGETIP", description = "an ARP request")
        String arp;
    }

    @Option(names = "--vlan", paramLabel = "VID", description = "with --udp: an 802.1Q tag")
    Integer vlan;

    @Option(names = "--ttl", description = "with --udp: the IPv4 TTL (default 64)")
    Integer ttl;

    @Option(names = "--size", paramLabel = "BYTES", description = "with --udp: the frame's length")
    Integer size;

    @Override
    public Integer call() {
        Map<String, String> q = new LinkedHashMap<>();
        put(q, "frame", frame.hex);
        put(q, "udp", frame.udp);
        put(q, "arp", frame.arp);
        put(q, "vlan", vlan);
        put(q, "ttl", ttl);
        put(q, "size", size);
        StringBuilder path = new StringBuilder(ApiClient.path("v1", "ports", port, "trace"));
        char sep = '?';
        for (var e : q.entrySet()) {
            path.append(sep).append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        JsonNode t = connection.client().get(path.toString());
        PrintWriter out = spec.commandLine().getOut();
        if (connection.json) {
            out.println(t.toPrettyString());
        } else {
            int width = 0;
            for (JsonNode s : t.get("stages")) {
                width = Math.max(width, s.get("name").asText().length());
            }
            for (JsonNode s : t.get("stages")) {
                out.printf("%-" + (width + 2) + "s%s%n", s.get("name").asText(), s.get("decision").asText());
            }
            out.println("=> " + t.get("verdict").asText());
            if (!t.get("frameOut").isNull()) {
                out.println("frame out: " + t.get("frameOut").asText());
            }
        }
        out.flush();
        return 0;
    }

    private static void put(Map<String, String> q, String name, Object value) {
        if (value != null) {
            q.put(name, value.toString());
        }
    }
}
