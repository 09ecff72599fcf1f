package io.quiver.control.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.quiver.control.rest.ApiTokenFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The administration verbs of the {@code quiver} command (which extends this class: picocli runs a command method
 * on its parent command's object), in the spirit of Solaris dladm: each talks to the running daemon through its REST API,
 * prints a table (or the API's JSON with {@code --json}), and exits 1 with the daemon's reason when refused.
 */
public class AdminCommands {
    @Spec
    CommandSpec spec;

    /** Where the daemon is and how to prove who we are. */
    public static final class Connection {
        @Option(names = "--api", paramLabel = "URL", description = "the daemon's REST API (default: $QUIVER_API or http://127.0.0.1:9696)")
        String api = System.getenv().getOrDefault("QUIVER_API", "http://127.0.0.1:9696");

        @Option(names = "--token", paramLabel = "TOKEN", description = "bearer token (default: $QUIVER_TOKEN); "
                + "--token-file keeps it off the command line, where other users can read it")
        String token = System.getenv("QUIVER_TOKEN");

        @Option(names = "--token-file", paramLabel = "FILE", description = "a file holding the bearer token, as the daemon's "
                + "--api-token-file (default: $QUIVER_TOKEN_FILE; for a daemon on this host, the service's /etc/quiver/api.token where readable)")
        Path tokenFile = Optional.ofNullable(System.getenv("QUIVER_TOKEN_FILE")).filter(f -> !f.isBlank()).map(Path::of).orElse(null);

        @Option(names = "--json", description = "print the API's JSON")
        boolean json;

        ApiClient client() {
            return new ApiClient(api, ApiTokenFile.forClient(token, tokenFile, api, ApiTokenFile.SERVICE_DEFAULT));
        }
    }

    @Command(name = "create-vnic", mixinStandardHelpOptions = true, description = "Create a VNIC on a configured port.")
    int createVnic(@Mixin Connection c,
                   @Parameters(paramLabel = "NAME") String name,
                   @Option(names = "--port", required = true, description = "the port the guest is attached by") String port,
                   @Option(names = "--mac", required = true) String mac,
                   @Option(names = "--ipv4", split = ",", description = "address/prefix, repeatable or comma-separated") List<String> ipv4,
                   @Option(names = "--ipv6", split = ",", description = "address/prefix, repeatable or comma-separated") List<String> ipv6,
                   @Option(names = "--secondary-mac", split = ",") List<String> secondary,
                   @Option(names = "--vlan", defaultValue = "0") int vlan,
                   @Option(names = "--prop", paramLabel = "PARAMETER=VALUE", description = "any other parameter (mtu=9000, protection=mac-nospoof,restricted, ...), repeatable") Map<String, String> props) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("port", port);
        body.put("mac", mac);
        body.put("ipv4", ipv4 == null ? List.of() : ipv4);
        body.put("ipv6", ipv6 == null ? List.of() : ipv6);
        body.put("secondaryMacs", secondary == null ? List.of() : secondary);
        body.put("vlan", vlan);
        body.put("properties", props == null ? Map.of() : props);
        return print(c, c.client().post("/v1/vnics", body), j -> vnicTable(List.of(j)));
    }

    @Command(name = "delete-vnic", mixinStandardHelpOptions = true, description = "Delete a VNIC.")
    int deleteVnic(@Mixin Connection c, @Parameters(paramLabel = "NAME") String name) {
        c.client().delete(ApiClient.path("v1", "vnics", name));
        out().println("deleted " + name);
        return 0;
    }

    @Command(name = "show-vnic", mixinStandardHelpOptions = true, description = "Show VNICs: addresses, port, counters.")
    int showVnic(@Mixin Connection c, @Mixin Output o, @Parameters(paramLabel = "NAME", arity = "0..1") String name) throws InterruptedException {
        if (o.selects() && (o.fields.contains("path") || o.fields.contains("appliance"))) {
            if (List.of("path").equals(o.fields)) {
                o.fields = null; // -o path alone: the whole view of where each VNIC is (docs/fabric.md)
            }
            return show(c, o, () -> paths(c, name), x -> table(List.of("VNIC", "APPLIANCE", "MAC", "VLAN", "PATH"), pathRows(x)));
        }
        return show(c, o, () -> name == null ? c.client().get("/v1/vnics") : c.client().get(ApiClient.path("v1", "vnics", name)),
                x -> vnicTable(x.isArray() ? list(x) : List.of(x)));
    }

    /**
     * {@code -o path}: local VNICs ({@code local}) and, in a fabric, every remote VNIC with its medium, as one array
     * (what {@code --json} prints).
     */
    private JsonNode paths(Connection c, String name) {
        ArrayNode all = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        JsonNode fabric = c.client().getIfFound("/v1/fabric");
        String here = fabric == null ? "-" : fabric.get("status").get("appliance").asText();
        for (JsonNode v : c.client().get("/v1/vnics")) {
            if (name == null || name.equals(v.get("name").asText())) {
                all.addObject().put("name", v.get("name").asText()).put("appliance", here).put("mac", v.get("mac").asText())
                        .put("vlan", v.get("vlan").asInt()).put("path", "local");
            }
        }
        if (fabric != null) {
            for (JsonNode v : fabric.get("remoteVnics")) {
                if (name == null || name.equals(v.get("name").asText())) {
                    all.add(v);
                }
            }
        }
        if (name != null && all.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no VNIC named '" + name + "' here or in the fabric");
        }
        return all;
    }

    private static List<List<String>> pathRows(JsonNode paths) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode v : paths) {
            rows.add(List.of(v.get("name").asText(), v.get("appliance").asText(), v.get("mac").asText(),
                    v.get("vlan").asInt() == 0 ? "-" : v.get("vlan").asText(), v.get("path").asText()));
        }
        return rows;
    }

    @Command(name = "set-vnicprop", mixinStandardHelpOptions = true,
            description = "Set a VNIC parameter as the host: committed, applied live, audited; the guest is notified.")
    int setVnicprop(@Mixin Connection c, @Parameters(paramLabel = "NAME") String name,
                    @Parameters(paramLabel = "PARAMETER=VALUE") String assignment) {
        int eq = assignment.indexOf('=');
        if (eq < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "expected PARAMETER=VALUE, got '" + assignment + "'");
        }
        JsonNode j = c.client().put(ApiClient.path("v1", "vnics", name, "props", assignment.substring(0, eq)),
                Map.of("value", assignment.substring(eq + 1)));
        return print(c, j, x -> vnicTable(List.of(x)));
    }

    @Command(name = "show-vnicprop", mixinStandardHelpOptions = true, description = "Show every parameter of a VNIC.")
    int showVnicprop(@Mixin Connection c, @Mixin Output o, @Parameters(paramLabel = "NAME") String name) throws InterruptedException {
        return show(c, o, () -> c.client().get(ApiClient.path("v1", "vnics", name, "props")), j -> {
            List<List<String>> rows = new ArrayList<>();
            j.fields().forEachRemaining(e -> rows.add(List.of(name, e.getKey(), e.getValue().asText())));
            return table(List.of("VNIC", "PARAMETER", "VALUE"), rows);
        });
    }

    @Command(name = "set-policy", mixinStandardHelpOptions = true,
            description = {"Set what a VNIC's guest may change, and to which values, e.g.",
                    "'ipv4-addresses=10.77.0.0/24; mtu=68..1500; mac=02:00:00:00:00:09,02:00:00:00:00:0a' (empty: nothing)"})
    int setPolicy(@Mixin Connection c, @Parameters(paramLabel = "NAME") String name, @Parameters(paramLabel = "POLICY") String policy) {
        return print(c, c.client().put(ApiClient.path("v1", "vnics", name, "policy"), Map.of("policy", policy)),
                j -> name + ": " + j.get("policy").asText());
    }

    @Command(name = "show-policy", mixinStandardHelpOptions = true, description = "Show what a VNIC's guest may change.")
    int showPolicy(@Mixin Connection c, @Mixin Output o, @Parameters(paramLabel = "NAME") String name) throws InterruptedException {
        return show(c, o, () -> c.client().get(ApiClient.path("v1", "vnics", name, "policy")), j -> table(List.of("VNIC", "POLICY"),
                List.of(List.of(name, j.get("policy").asText().isEmpty() ? "(the guest may change nothing)" : j.get("policy").asText()))));
    }

    @Command(name = "show-audit", mixinStandardHelpOptions = true, description = "Show audit records: who asked what, the decision and why.")
    int showAudit(@Mixin Connection c, @Mixin Output o, @Option(names = "--after", defaultValue = "0") long after,
                  @Option(names = "--limit", defaultValue = "100") int limit) throws InterruptedException {
        return show(c, o, () -> c.client().get("/v1/audit?after=" + after + "&limit=" + limit), j -> {
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode a : j) {
                rows.add(List.of(a.get("sequence").asText(), a.get("time").asText(), a.get("requester").asText(), a.get("action").asText(),
                        a.get("vnic").asText(), a.get("parameter").asText().isEmpty() ? "" : a.get("parameter").asText() + "=" + a.get("value").asText(),
                        a.get("committed").asBoolean() ? "committed" : "denied " + a.get("denial").asText(), a.get("reason").asText()));
            }
            return table(List.of("SEQ", "TIME", "WHO", "ACTION", "VNIC", "CHANGE", "DECISION", "REASON"), rows);
        });
    }

    @Command(name = "show-port", mixinStandardHelpOptions = true,
            description = "Show ports: role, driver, classifier, link, counters; -v adds why each classifier and drops by reason.")
    int showPort(@Mixin Connection c, @Mixin Output o,
                 @Option(names = {"-v", "--verbose"}, description = "why each port classifies as it does, and its drops by reason") boolean verbose)
            throws InterruptedException {
        return show(c, o, () -> c.client().get("/v1/ports"), j -> {
            List<List<String>> rows = new ArrayList<>();
            StringBuilder details = new StringBuilder();
            for (JsonNode p : j) {
                String classifier = p.get("classifier").asText();
                int why = classifier.indexOf(" (");
                rows.add(List.of(p.get("name").asText(), p.get("role").asText(), p.get("driver").asText(), p.get("mtu").asText(),
                        p.get("linkUp").asBoolean() ? "up" : "down", why < 0 ? classifier : classifier.substring(0, why),
                        p.get("rxPackets").asText(), p.get("txPackets").asText(), total(p.get("ingressDrops")), total(p.get("egressDrops"))));
                if (verbose) {
                    details.append('\n').append(p.get("name").asText()).append(": classifier ").append(classifier)
                            .append("\n  drops in: ").append(drops(p.get("ingressDrops"))).append("; drops out: ")
                            .append(drops(p.get("egressDrops")));
                }
            }
            return table(List.of("PORT", "ROLE", "DRIVER", "MTU", "LINK", "CLASSIFIER", "RX", "TX", "DROPS IN", "DROPS OUT"), rows)
                    + details.toString().stripTrailing();
        });
    }

    /** The sum of a map of counts by reason. */
    static String total(JsonNode counts) {
        long n = 0;
        for (JsonNode v : counts) {
            n += v.asLong();
        }
        return Long.toString(n);
    }

    @Command(name = "show-stats", mixinStandardHelpOptions = true, description = "Show per-VNIC and per-port counters.")
    int showStats(@Mixin Connection c, @Mixin Output o) throws InterruptedException {
        return show(c, o, () -> c.client().get("/v1/stats"), j -> {
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode v : j.get("vnics")) {
                JsonNode k = v.get("counters");
                rows.add(List.of("vnic " + v.get("name").asText(), k.get("rxPackets").asText(), k.get("txPackets").asText(),
                        k.get("forwarded").asText(), drops(k.get("drops"))));
            }
            for (JsonNode p : j.get("ports")) {
                rows.add(List.of("port " + p.get("name").asText(), p.get("rxPackets").asText(), p.get("txPackets").asText(), "-", drops(p.get("drops"))));
            }
            return table(List.of("WHAT", "RX", "TX", "FORWARDED", "DROPS"), rows) + "\n\n"
                    + table(List.of("GUEST REQUESTS", "ACCEPTED", "DENIED", "RATE-LIMITED", "MALFORMED"), List.of(List.of("all VNICs",
                    j.get("guestRequestsAccepted").asText(), j.get("guestRequestsDenied").asText(), j.get("guestRequestsRateLimited").asText(),
                    j.get("guestRequestsMalformed").asText())));
        });
    }

    // ---- printing ---------------------------------------------------------------------------------------------

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /**
     * The command whose output a verb prints to, for a tree built without picocli's inspection of this class
     * (io.quiver.control.cli.CommandTree), where nothing injects it.
     */
    public final void attach(CommandSpec top) {
        this.spec = top;
    }

    int print(Connection c, JsonNode json, java.util.function.Function<JsonNode, String> text) {
        PrintWriter out = out();
        if (c.json) {
            out.println(json.toPrettyString());
        } else {
            out.println(text.apply(json));
        }
        out.flush();
        return 0;
    }

    /**
     * A {@code show-*} verb's output as {@code o} asks: {@code fetch} read and printed ({@code text}, or the JSON with
     * {@code --json}) once, or every {@code --watch} seconds with counters as rates after the first round.
     */
    int show(Connection c, Output o, Supplier<JsonNode> fetch, Function<JsonNode, String> text) throws InterruptedException {
        if (o.selects() && c.json) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-o chooses table columns; --json prints the API's whole JSON: use one");
        }
        if (o.parsable && !o.selects()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-p needs -o: the fields a script reads, in the order it reads them");
        }
        if (o.watch != null && o.watch < 1 || o.count != null && (o.watch == null || o.count < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--watch takes a whole number of seconds (1 or more); --count N (1 or more) goes with --watch");
        }
        PrintWriter out = out();
        Map<String, Double> previous = null;
        long before = 0;
        for (int round = 1; ; round++) {
            JsonNode json = fetch.get();
            long at = System.nanoTime();
            if (c.json) {
                out.println(json.toPrettyString());
            } else {
                Tables.Round r = new Tables.Round(o, previous, (at - before) / 1e9);
                String printed = Tables.within(r, () -> text.apply(json));
                List<String> unknown = r.unknownFields();
                if (!unknown.isEmpty()) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "no field " + String.join(",", unknown)
                            + " here; the fields are " + String.join(",", r.available));
                }
                if (o.watch != null && !o.parsable) {
                    out.println((round == 1 ? "totals" : "per second over " + String.format(java.util.Locale.ROOT, "%.1f", (at - before) / 1e9) + " s")
                            + ", " + java.time.LocalTime.now().withNano(0));
                }
                out.println(printed);
                previous = r.counters;
            }
            out.flush();
            before = at;
            if (o.watch == null || o.count != null && round >= o.count) {
                return 0;
            }
            if (!o.parsable) {
                out.println();
            }
            TimeUnit.SECONDS.sleep(o.watch);
        }
    }

    static List<JsonNode> list(JsonNode array) {
        List<JsonNode> l = new ArrayList<>();
        array.forEach(l::add);
        return l;
    }

    static String drops(JsonNode drops) {
        StringBuilder b = new StringBuilder();
        Iterator<Map.Entry<String, JsonNode>> it = drops.fields();
        while (it.hasNext()) {
            var e = it.next();
            b.append(b.isEmpty() ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue().asText());
        }
        return b.isEmpty() ? "-" : b.toString();
    }

    private static String vnicTable(List<JsonNode> vnics) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode v : vnics) {
            List<String> ips = new ArrayList<>();
            v.get("ipv4").forEach(i -> ips.add(i.asText()));
            v.get("ipv6").forEach(i -> ips.add(i.asText()));
            List<String> macs = new ArrayList<>();
            v.get("secondaryMacs").forEach(i -> macs.add(i.asText()));
            JsonNode k = v.get("counters");
            rows.add(List.of(v.get("name").asText(), v.get("port").asText(), v.get("mac").asText(), macs.isEmpty() ? "-" : String.join(",", macs),
                    ips.isEmpty() ? "-" : String.join(",", ips), v.get("vlan").asInt() == 0 ? "-" : v.get("vlan").asText(),
                    k.get("rxPackets").asText(), k.get("txPackets").asText(), k.get("forwarded").asText(), drops(k.get("drops"))));
        }
        return table(List.of("VNIC", "PORT", "MAC", "SECONDARY", "ADDRESSES", "VLAN", "RX", "TX", "FWD", "DROPS"), rows);
    }

    /** A table, as the running {@code show-*} verb's {@link Output} asks ({@link Tables}). */
    static String table(List<String> header, List<List<String>> rows) {
        return Tables.render(header, rows);
    }
}
