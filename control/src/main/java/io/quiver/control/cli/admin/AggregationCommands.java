package io.quiver.control.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The link aggregation verbs (Crossbow's {@code dladm create-aggr} family), beside the priority verbs of
 * {@link PriorityCommands}, through the running daemon's REST API. docs/aggregation.md maps each option to
 * Crossbow's and Linux's names.
 */
public class AggregationCommands extends PriorityCommands {
    /** The options create-aggr and modify-aggr share. */
    static final class AggregationOptions {
        @Option(names = {"-P", "--policy"}, description = "what picks a connection's member: L2, L3, L4 or L3,L4 (default)")
        String policy;
        @Option(names = {"-L", "--lacp"}, description = "off (static, default), active or passive")
        String lacp;
        @Option(names = {"-T", "--lacp-timer"}, description = "short (a LACPDU a second, 3 s timeout; default) or long (30 s, 90 s)")
        String lacpTimer;
        @Option(names = {"-u", "--mac"}, description = "the aggregation's LACP system id (default: the first member's MAC)")
        String mac;
        @Option(names = "--mode", description = "balance (every usable member, by hash; default) or active-backup (one member)")
        String mode;
        @Option(names = "--primary", description = "active-backup's preferred member ('' clears it)")
        String primary;
        @Option(names = "--lacp-fallback", description = "with LACP and no partner answering: active-backup (default) or none")
        String lacpFallback;

        Map<String, Object> body(String name, List<String> ports) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("name", name);
            if (ports != null) {
                b.put("ports", ports);
            }
            put(b, "policy", policy);
            put(b, "lacp", lacp);
            put(b, "lacpTimer", lacpTimer);
            put(b, "mac", mac);
            put(b, "mode", mode);
            put(b, "primary", primary);
            put(b, "lacpFallback", lacpFallback);
            return b;
        }

        private static void put(Map<String, Object> b, String key, String value) {
            if (value != null) {
                b.put(key, value);
            }
        }
    }

    @Command(name = "create-aggr", mixinStandardHelpOptions = true,
            description = {"Turn the uplink into a link aggregation of ports, live: the uplink port must be one of them, the",
                    "others configured ports no VNIC uses, all of one MTU. e.g. create-aggr aggr0 --ports uplink,m1 -L active -T short"})
    int createAggr(@Mixin Connection c, @Parameters(paramLabel = "NAME") String name,
                   @Option(names = {"-l", "--ports"}, required = true, split = ",", paramLabel = "PORT") List<String> ports,
                   @Mixin AggregationOptions options) {
        return print(c, c.client().post("/v1/aggregations", options.body(name, ports)), j -> summary(List.of(j)));
    }

    @Command(name = "modify-aggr", mixinStandardHelpOptions = true,
            description = "Change an aggregation's policy, LACP, timer, mode, primary, fallback or MAC, live; what is not given stays.")
    int modifyAggr(@Mixin Connection c, @Parameters(paramLabel = "NAME") String name, @Mixin AggregationOptions options) {
        return print(c, c.client().put(ApiClient.path("v1", "aggregations", name), options.body(name, null)), j -> summary(List.of(j)));
    }

    @Command(name = "add-aggr", mixinStandardHelpOptions = true,
            description = "Add member ports to an aggregation, live: only the connections of the hash entries they take move.")
    int addAggr(@Mixin Connection c, @Parameters(paramLabel = "NAME") String name,
                @Option(names = {"-l", "--ports"}, required = true, split = ",", paramLabel = "PORT") List<String> ports) {
        JsonNode last = null;
        for (String p : ports) {
            last = c.client().post(ApiClient.path("v1", "aggregations", name, "ports"), Map.of("port", p));
        }
        return print(c, last, j -> extended(List.of(j)));
    }

    @Command(name = "remove-aggr", mixinStandardHelpOptions = true,
            description = "Remove member ports from an aggregation, live (never the last): their connections move to the others.")
    int removeAggr(@Mixin Connection c, @Parameters(paramLabel = "NAME") String name,
                   @Option(names = {"-l", "--ports"}, required = true, split = ",", paramLabel = "PORT") List<String> ports) {
        JsonNode last = null;
        for (String p : ports) {
            last = c.client().delete(ApiClient.path("v1", "aggregations", name, "ports", p));
        }
        return print(c, last, j -> extended(List.of(j)));
    }

    @Command(name = "show-aggr", mixinStandardHelpOptions = true,
            description = {"Show the uplink's aggregation: settings and who carries; -x each member's link, speed, state",
                    "(attached, standby, down) and share; -L each member's LACP state and partner."})
    int showAggr(@Mixin Connection c, @Mixin Output o, @Parameters(paramLabel = "NAME", arity = "0..1") String name,
                 @Option(names = {"-x", "--extended"}, description = "members: link, speed, state, share, packets") boolean x,
                 @Option(names = {"-L", "--lacp"}, description = "members' LACP: state bits, mux, partner") boolean lacp)
            throws InterruptedException {
        return show(c, o, () -> name == null ? c.client().get("/v1/aggregations") : c.client().get(ApiClient.path("v1", "aggregations", name)), v -> {
            List<JsonNode> all = v.isArray() ? list(v) : List.of(v);
            if (all.isEmpty()) {
                return "no aggregation: the uplink is one port";
            }
            return lacp ? lacpTable(all) : x ? extended(all) : summary(all);
        });
    }

    private static String summary(List<JsonNode> aggregations) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode a : aggregations) {
            rows.add(List.of(a.get("name").asText(), a.get("policy").asText(), a.get("lacp").asText(), a.get("lacpTimer").asText(),
                    a.get("mode").asText(), a.get("carrying").asText(), String.join(",", list(a.get("ports")).stream().map(JsonNode::asText).toList()),
                    a.get("system").asText(), a.get("changes").asText(), a.get("noMemberDrops").asText()));
        }
        StringBuilder out = new StringBuilder(table(List.of("LINK", "POLICY", "LACP", "TIMER", "MODE", "CARRYING", "PORTS", "SYSTEM",
                "CHANGES", "NO-MEMBER"), rows));
        for (JsonNode a : aggregations) {
            a.get("warnings").forEach(w -> out.append("\nwarning: ").append(a.get("name").asText()).append(": ").append(w.asText()));
        }
        return out.toString();
    }

    private static String extended(List<JsonNode> aggregations) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode a : aggregations) {
            for (JsonNode m : a.get("members")) {
                rows.add(List.of(a.get("name").asText(), m.get("port").asText(), m.get("speed").asInt() == 0 ? "-" : m.get("speed").asText() + "Mb",
                        m.get("linkUp").asBoolean() ? "up" : "down", m.get("state").asText(), m.get("share").asText() + "/256",
                        String.format("%.1fs", m.get("sinceSeconds").asDouble()), m.get("rxPackets").asText(), m.get("txPackets").asText(),
                        m.get("standbyDrops").asText()));
            }
        }
        return table(List.of("LINK", "PORT", "SPEED", "LINK", "PORTSTATE", "SHARE", "SINCE", "RX", "TX", "STANDBY-DROPS"), rows);
    }

    private static String lacpTable(List<JsonNode> aggregations) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode a : aggregations) {
            for (JsonNode m : a.get("members")) {
                JsonNode l = m.get("lacp");
                if (l == null || l.isNull()) {
                    rows.add(List.of(a.get("name").asText(), m.get("port").asText(), m.get("lacpPort").asText(), "lacp off", "-", "-", "-", "-", "-"));
                    continue;
                }
                String partner = l.get("partnerSystem").asText().isEmpty() ? "-"
                        : l.get("partnerSystem").asText() + " key " + l.get("partnerKey").asText() + " port " + l.get("partnerPort").asText();
                rows.add(List.of(a.get("name").asText(), m.get("port").asText(), m.get("lacpPort").asText(), l.get("mux").asText(),
                        l.get("actorState").asText(), partner, l.get("partnerState").asText().isEmpty() ? "-" : l.get("partnerState").asText(),
                        l.get("received").asText(), l.get("sent").asText()));
            }
        }
        return table(List.of("LINK", "PORT", "LACP-PORT", "MUX", "STATE", "PARTNER", "PARTNER-STATE", "RX-PDU", "TX-PDU"), rows);
    }
}
