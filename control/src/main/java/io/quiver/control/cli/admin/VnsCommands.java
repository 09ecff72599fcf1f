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
 * The VNS verbs of the {@code quiver} command, beside the VNIC verbs of {@link AdminCommands}: virtual network stacks,
 * their routes and their neighbours, through the running daemon's REST API.
 */
public class VnsCommands extends AdminCommands {
    @Command(name = "create-vns", mixinStandardHelpOptions = true,
            description = {"Create a virtual network stack: a tenant's own router, routes and neighbours.",
                    "e.g. create-vns tenant-a --addresses 10.0.0.1/24,10.0.1.1/24 --uplink-address 192.0.2.10/24"})
    int createVns(@Mixin Connection c, @Parameters(paramLabel = "NAME") String name,
                  @Option(names = "--ttl-policy", description = "decrement (default) or transparent") String ttlPolicy,
                  @Option(names = "--mtu", description = "the largest packet routed to the uplink") Integer mtu,
                  @Option(names = "--addresses", description = "the router's addresses toward its VNICs, with their subnets") String addresses,
                  @Option(names = "--uplink-address", description = "the router's address on the uplink network") String uplinkAddress,
                  @Option(names = "--prop", paramLabel = "PROPERTY=VALUE", description = "any other property (max-routes=..., icmp-rate=...), repeatable")
                  Map<String, String> props) {
        Map<String, String> properties = new LinkedHashMap<>();
        if (ttlPolicy != null) {
            properties.put("ttl-policy", ttlPolicy);
        }
        if (mtu != null) {
            properties.put("mtu", mtu.toString());
        }
        if (addresses != null) {
            properties.put("addresses", addresses);
        }
        if (uplinkAddress != null) {
            properties.put("uplink-address", uplinkAddress);
        }
        if (props != null) {
            properties.putAll(props);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("properties", properties);
        return print(c, c.client().post("/v1/vns", body), j -> vnsTable(List.of(j)));
    }

    @Command(name = "delete-vns", mixinStandardHelpOptions = true,
            description = "Delete a VNS that no VNIC belongs to and no other VNS routes to (its own routes go with it).")
    int deleteVns(@Mixin Connection c, @Parameters(paramLabel = "NAME") String name) {
        c.client().delete(ApiClient.path("v1", "vns", name));
        out().println("deleted " + name);
        return 0;
    }

    @Command(name = "show-vns", mixinStandardHelpOptions = true, description = "Show VNSes: router MAC, addresses, routes, counters.")
    int showVns(@Mixin Connection c, @Mixin Output o, @Parameters(paramLabel = "NAME", arity = "0..1") String name)
            throws InterruptedException {
        return show(c, o, () -> name == null ? c.client().get("/v1/vns") : c.client().get(ApiClient.path("v1", "vns", name)),
                x -> vnsTable(x.isArray() ? list(x) : List.of(x)));
    }

    @Command(name = "set-vnsprop", mixinStandardHelpOptions = true,
            description = "Set a VNS property (mtu, ttl-policy, addresses, uplink-address, uplink-vlan, max-routes, max-neighbours, "
                    + "icmp-rate, icmp-burst, neighbour-reachable, static-neighbours, mac): committed, live, audited.")
    int setVnsprop(@Mixin Connection c, @Parameters(paramLabel = "NAME") String name,
                   @Parameters(paramLabel = "PROPERTY=VALUE") String assignment) {
        int eq = assignment.indexOf('=');
        if (eq < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "expected PROPERTY=VALUE, got '" + assignment + "'");
        }
        return print(c, c.client().put(ApiClient.path("v1", "vns", name, "props", assignment.substring(0, eq)),
                Map.of("value", assignment.substring(eq + 1))), j -> vnsTable(List.of(j)));
    }

    @Command(name = "show-vnsprop", mixinStandardHelpOptions = true, description = "Show every property of a VNS.")
    int showVnsprop(@Mixin Connection c, @Mixin Output o, @Parameters(paramLabel = "NAME") String name) throws InterruptedException {
        return show(c, o, () -> c.client().get(ApiClient.path("v1", "vns", name, "props")), j -> {
            List<List<String>> rows = new ArrayList<>();
            j.fields().forEachRemaining(e -> rows.add(List.of(name, e.getKey(), e.getValue().asText())));
            return table(List.of("VNS", "PROPERTY", "VALUE"), rows);
        });
    }

    @Command(name = "add-route", mixinStandardHelpOptions = true,
            description = {"Add a route to a VNS: PREFIX via ADDRESS (a next hop on one of its subnets), dev VNIC (one of its",
                    "VNICs) or vns OTHER (looked up again in another VNS). e.g. add-route tenant-a 0.0.0.0/0 via 192.0.2.1"})
    int addRoute(@Mixin Connection c, @Parameters(paramLabel = "VNS") String vns, @Parameters(paramLabel = "PREFIX") String prefix,
                 @Parameters(paramLabel = "via|dev|vns") String kind, @Parameters(paramLabel = "NEXTHOP") String nextHop) {
        return print(c, c.client().post(ApiClient.path("v1", "vns", vns, "routes"), Map.of("route", prefix + " " + kind + " " + nextHop)),
                j -> vns + ": " + j.get("prefix").asText() + " " + j.get("nextHop").asText());
    }

    @Command(name = "delete-route", mixinStandardHelpOptions = true, description = "Delete a VNS's route to exactly PREFIX.")
    int deleteRoute(@Mixin Connection c, @Parameters(paramLabel = "VNS") String vns, @Parameters(paramLabel = "PREFIX") String prefix) {
        c.client().delete(ApiClient.path("v1", "vns", vns, "routes", prefix));
        out().println("deleted " + vns + " " + prefix);
        return 0;
    }

    @Command(name = "show-route", mixinStandardHelpOptions = true, description = "Show a VNS's routes (its connected subnets are its addresses').")
    int showRoute(@Mixin Connection c, @Mixin Output o, @Parameters(paramLabel = "VNS") String vns) throws InterruptedException {
        return show(c, o, () -> c.client().get(ApiClient.path("v1", "vns", vns, "routes")), j -> {
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode r : j) {
                rows.add(List.of(vns, r.get("prefix").asText(), r.get("nextHop").asText()));
            }
            return table(List.of("VNS", "PREFIX", "NEXTHOP"), rows);
        });
    }

    @Command(name = "show-neighbour", mixinStandardHelpOptions = true,
            description = "Show a VNS's neighbours: incomplete, reachable, stale, failed or static (set static ones with set-vnsprop static-neighbours=IP=MAC,...).")
    int showNeighbour(@Mixin Connection c, @Mixin Output o, @Parameters(paramLabel = "VNS") String vns) throws InterruptedException {
        return show(c, o, () -> c.client().get(ApiClient.path("v1", "vns", vns, "neighbours")), j -> {
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode n : j) {
                rows.add(List.of(vns, n.get("address").asText(), n.get("state").asText(),
                        n.get("mac").asText().isEmpty() ? "-" : n.get("mac").asText()));
            }
            return table(List.of("VNS", "ADDRESS", "STATE", "MAC"), rows);
        });
    }

    private static String vnsTable(List<JsonNode> vnses) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode v : vnses) {
            JsonNode p = v.get("properties");
            JsonNode k = v.get("counters");
            rows.add(List.of(v.get("name").asText(), v.get("routerMac").asText(), p.get("addresses").asText(),
                    p.get("uplink-address").asText(), p.get("ttl-policy").asText(), p.get("mtu").asText(), v.get("routes").asText(),
                    v.get("neighbours").asText(), k.get("routed").asText(), k.get("noRoute").asText(), k.get("ttlExceeded").asText(),
                    k.get("icmpSent").asText(), k.get("heldDropped").asText()));
        }
        return table(List.of("VNS", "ROUTER MAC", "ADDRESSES", "UPLINK", "TTL", "MTU", "ROUTES", "NEIGH", "ROUTED", "NO-ROUTE",
                "TTL-EXP", "ICMP", "HELD-DROP"), rows);
    }
}
