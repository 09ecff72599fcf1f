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
 * Subscription levels, flows (Crossbow's {@code flowadm} verbs) and the live connection table, beside the VNS verbs of
 * {@link VnsCommands}, through the running daemon's REST API.
 */
public class PriorityCommands extends VnsCommands {
    @Command(name = "create-subscription", mixinStandardHelpOptions = true,
            description = {"Create a subscription level: connections its rules identify run at its priority class, within",
                    "its limits. Rules are tried in rank order: first-packet rules, then SNI, then payload tokens.",
                    "e.g. create-subscription gold --priority high --maxbw 50M --rule prefix=10.8.0.0/16 --rule sni=*.gold.example"})
    int createSubscription(@Mixin Connection c, @Parameters(paramLabel = "NAME") String name, @Mixin LevelSettings settings,
                           @Option(names = "--rule", required = true, paramLabel = "CONDITIONS",
                                   description = "key=value[,key=value...]: vnic, prefix, local-ip, remote-ip, transport, "
                                           + "local-port, remote-port, sni, token, token-hex, within; repeatable (any rule matches)")
                           List<String> rules) {
        Map<String, Object> body = settings.body(name);
        body.put("rules", rules);
        return print(c, c.client().post("/v1/subscriptions", body), j -> levelTable(List.of(j), false));
    }

    @Command(name = "show-subscription", mixinStandardHelpOptions = true,
            description = "Show subscription levels in the order they are tried: class, limits, rules, counters.")
    int showSubscription(@Mixin Connection c, @Mixin Output o, @Parameters(paramLabel = "NAME", arity = "0..1") String name)
            throws InterruptedException {
        return show(c, o, () -> name == null ? c.client().get("/v1/subscriptions") : c.client().get(ApiClient.path("v1", "subscriptions", name)),
                x -> levelTable(x.isArray() ? list(x) : List.of(x), true));
    }

    @Command(name = "delete-subscription", mixinStandardHelpOptions = true,
            description = "Delete a subscription level (its connections go back to their default class).")
    int deleteSubscription(@Mixin Connection c, @Parameters(paramLabel = "NAME") String name) {
        c.client().delete(ApiClient.path("v1", "subscriptions", name));
        out().println("deleted " + name);
        return 0;
    }

    @Command(name = "add-flow", mixinStandardHelpOptions = true,
            description = {"Add a flow on a VNIC, as Crossbow's flowadm add-flow: its traffic runs at its class, within its",
                    "limits. e.g. add-flow https --vnic web1 --match transport=tcp,local-port=443 --priority high --maxbw 50M"})
    int addFlow(@Mixin Connection c, @Parameters(paramLabel = "NAME") String name,
                @Option(names = {"--vnic", "-l"}, required = true, description = "the VNIC") String vnic,
                @Option(names = {"--match", "-a"}, description = "transport, local-port, remote-port, local-ip, remote-ip") String match,
                @Mixin LevelSettings settings) {
        Map<String, Object> body = settings.body(name);
        body.put("vnic", vnic);
        body.put("match", match);
        return print(c, c.client().post("/v1/flows", body), j -> levelTable(List.of(j), false));
    }

    @Command(name = "show-flow", mixinStandardHelpOptions = true, description = "Show flows; -s adds their counters.")
    int showFlow(@Mixin Connection c, @Mixin Output o, @Parameters(paramLabel = "NAME", arity = "0..1") String name,
                 @Option(names = {"-s", "--statistics"}, description = "packets, bytes, connections, over-limit drops") boolean stats)
            throws InterruptedException {
        return show(c, o, () -> name == null ? c.client().get("/v1/flows") : c.client().get(ApiClient.path("v1", "flows", name)),
                x -> levelTable(x.isArray() ? list(x) : List.of(x), stats));
    }

    @Command(name = "remove-flow", mixinStandardHelpOptions = true, description = "Remove a flow.")
    int removeFlow(@Mixin Connection c, @Parameters(paramLabel = "NAME") String name) {
        c.client().delete(ApiClient.path("v1", "flows", name));
        out().println("removed " + name);
        return 0;
    }

    @Command(name = "show-connection", mixinStandardHelpOptions = true,
            description = "Show the live connection table: endpoints, the level that identified each, its class, its counts.")
    int showConnection(@Mixin Connection c, @Mixin Output o,
                       @Option(names = "--level", description = "only connections this level or flow identified") String level,
                       @Option(names = "--address", description = "only connections with this IPv4 address at either end") String address,
                       @Option(names = "--limit", defaultValue = "100", description = "at most this many (default ${DEFAULT-VALUE})") int limit)
            throws InterruptedException {
        StringBuilder path = new StringBuilder("/v1/connections?limit=").append(limit);
        if (level != null) {
            path.append("&level=").append(java.net.URLEncoder.encode(level, java.nio.charset.StandardCharsets.UTF_8));
        }
        if (address != null) {
            path.append("&address=").append(java.net.URLEncoder.encode(address, java.nio.charset.StandardCharsets.UTF_8));
        }
        return show(c, o, () -> c.client().get(path.toString()), j -> {
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode n : j.get("connections")) {
                rows.add(List.of(n.get("vns").asText(), n.get("protocol").asText(), n.get("endpointA").asText(),
                        n.get("endpointB").asText(), n.get("level").asText().isEmpty() ? "-" : n.get("level").asText(),
                        n.get("priority").asText(), n.get("state").asText(), n.get("packets").asText(), n.get("bytes").asText(),
                        n.get("idleSeconds").asText()));
            }
            return table(List.of("VNS", "PROTO", "ENDPOINT", "ENDPOINT", "LEVEL", "CLASS", "STATE", "PACKETS", "BYTES", "IDLE"), rows)
                    + "\n" + j.get("size").asText() + " of " + j.get("capacity").asText() + " connections; "
                    + j.get("full").asText() + " packets of connections the full table could not admit; identified "
                    + j.get("identified").toString() + "\n" + steering(j.get("steering"));
        });
    }

    private static String steering(JsonNode s) {
        if (!"rte_flow".equals(s.get("path").asText())) {
            return "re-steering: software (the uplink classifies in software; identified connections use the class rings)";
        }
        String refused = s.get("refusedByNic").asLong() + s.get("refusedByRing").asLong() == 0 ? ""
                : "; refused " + s.get("refusedByNic").asText() + " by the NIC (" + s.get("lastRefusal").asText() + "), "
                        + s.get("refusedByRing").asText() + " by a full request ring";
        return "re-steering: rte_flow, " + s.get("rules").asText() + " connection rules on the NIC (" + s.get("created").asText()
                + " made, " + s.get("destroyed").asText() + " removed" + refused + ")";
    }

    /** What a subscription level and a flow both take: its class, limits and rank. */
    public static final class LevelSettings {
        @Option(names = "--priority", description = "low, medium, high (default) or critical")
        String priority;
        @Option(names = "--maxbw", description = "the limit in bit/s of frames, e.g. 50M (policed)")
        String maxbw;
        @Option(names = "--maxpps", description = "the limit in packets/s, e.g. 10k (policed)")
        String maxpps;
        @Option(names = "--rank", description = "lower ranks are tried first (default 100)")
        Integer rank;

        Map<String, Object> body(String name) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("priority", priority);
            body.put("maxbw", maxbw);
            body.put("maxpps", maxpps);
            body.put("rank", rank);
            return body;
        }
    }

    private static String levelTable(List<JsonNode> levels, boolean counters) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode v : levels) {
            List<String> rules = new ArrayList<>();
            v.get("rules").forEach(r -> rules.add(r.asText()));
            List<String> row = new ArrayList<>(List.of(v.get("name").asText(), v.get("kind").asText(), v.get("priority").asText(),
                    v.get("maxbw").asText(), v.get("maxpps").asText(), v.get("rank").asText(), String.join("; ", rules)));
            if (counters) {
                JsonNode k = v.get("counters");
                row.addAll(List.of(k.get("connections").asText(), k.get("packets").asText(), k.get("bytes").asText(),
                        k.get("overLimit").asText()));
            }
            rows.add(row);
        }
        List<String> head = new ArrayList<>(List.of("NAME", "KIND", "CLASS", "MAXBW", "MAXPPS", "RANK", "RULES"));
        if (counters) {
            head.addAll(List.of("CONNS", "PACKETS", "BYTES", "OVER-LIMIT"));
        }
        return table(head, rows);
    }
}
