package io.quiver.configstore;

import io.quiver.configstore.model.DenialReason;
import io.quiver.configstore.model.Ipv4Prefix;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.model.VnsConfig;
import io.quiver.configstore.model.VnsNames;
import io.quiver.configstore.model.VnsRoute;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The rules that tie VNSes, their routes and VNICs together, checked before a commit: each returns the denial that
 * names what is wrong, or null when the change is consistent. Kept apart from {@link ConfigStore}, which only runs
 * them under its commit lock against its committed state.
 */
final class VnsRules {
    private VnsRules() {
    }

    /** A route to add to {@code vns} ({@code routes}: its current routes by prefix). */
    static Decision checkRouteAdd(VnsRoute route, VnsConfig vns, Map<Ipv4Prefix, VnsRoute> routes,
                                  Map<String, VnsConfig> allVns, Map<String, VnicState> vnics) {
        if (vns == null) {
            return unknownVns(route.vns());
        }
        VnsRoute existing = routes.get(route.prefix());
        if (existing != null) {
            return Decision.denied(DenialReason.CONFLICT, "VNS " + vns.name() + " already has a route to "
                    + route.prefix() + " (" + existing.nextHopText() + "): delete it first");
        }
        for (Ipv4Prefix subnet : vns.connectedSubnets()) {
            if (subnet.equals(route.prefix())) {
                return Decision.denied(DenialReason.CONFLICT, route.prefix() + " is a connected subnet of VNS "
                        + vns.name() + " (one of its addresses): it needs no route");
            }
        }
        int used = routes.size() + vns.connectedSubnets().size();
        if (used >= vns.maxRoutes()) {
            return Decision.denied(DenialReason.LIMIT_EXCEEDED, "VNS " + vns.name() + " holds " + used
                    + " routes (connected subnets included), its max-routes: raise max-routes or delete a route");
        }
        return switch (route.kind()) {
            case VIA -> checkVia(vns, route.via().bits(), route);
            case DEV -> {
                VnicState v = vnics.get(route.target());
                if (v == null) {
                    yield Decision.denied(DenialReason.UNKNOWN_VNIC, "route " + route + ": no VNIC named " + route.target());
                }
                if (!v.config().vns().equals(vns.name())) {
                    yield Decision.denied(DenialReason.CONFLICT, "route " + route + ": VNIC " + route.target()
                            + " belongs to VNS " + v.config().vns() + ", not " + vns.name()
                            + " (to reach another VNS, route to it: 'vns OTHER')");
                }
                yield null;
            }
            case VNS -> {
                if (route.target().equals(vns.name())) {
                    yield Decision.denied(DenialReason.INVALID_REQUEST, "route " + route + " leads back into VNS "
                            + vns.name() + " itself");
                }
                yield allVns.containsKey(route.target()) ? null : unknownVns(route.target());
            }
        };
    }

    private static Decision checkVia(VnsConfig vns, int via, VnsRoute route) {
        if (vns.isOwnAddress(via)) {
            return Decision.denied(DenialReason.INVALID_REQUEST, "route " + route + ": " + route.via()
                    + " is the router's own address in VNS " + vns.name());
        }
        for (Ipv4Prefix subnet : vns.connectedSubnets()) {
            if (subnet.contains(via)) {
                boolean edge = subnet.length() <= 30 && (via == subnet.network().bits() || via == (subnet.network().bits() | ~subnet.mask()));
                return edge ? Decision.denied(DenialReason.INVALID_REQUEST, "route " + route + ": next hop " + route.via()
                        + " is the network or broadcast address of " + subnet + ", not a host") : null;
            }
        }
        return Decision.denied(DenialReason.INVALID_REQUEST, "route " + route + ": next hop " + route.via()
                + " is in none of VNS " + vns.name() + "'s subnets (" + (vns.connectedSubnets().isEmpty()
                ? "it has none: give it addresses or an uplink-address" : join(vns.connectedSubnets())) + ")");
    }

    /**
     * A changed VNS against its own routes (every {@code via} still reachable, room for them all) and the other VNSes
     * (no two routers with one MAC, no two with one uplink address in one VLAN: the uplink's frames must name one).
     */
    static Decision checkVnsChange(VnsConfig after, Collection<VnsRoute> routes, Collection<VnsConfig> others) {
        for (VnsConfig o : others) {
            if (o.name().equals(after.name())) {
                continue;
            }
            if (o.routerMac().equals(after.routerMac())) {
                return Decision.denied(DenialReason.CONFLICT, "VNS " + after.name() + "'s router MAC " + after.routerMac()
                        + " is VNS " + o.name() + "'s too: set another with mac=");
            }
            if (after.uplinkAddress().isPresent() && o.uplinkAddress().isPresent() && o.uplinkVlan() == after.uplinkVlan()
                    && o.uplinkAddress().get().address().equals(after.uplinkAddress().get().address())) {
                return Decision.denied(DenialReason.CONFLICT, "VNS " + o.name() + " has uplink address "
                        + o.uplinkAddress().get().address() + " in the same VLAN");
            }
        }
        int used = routes.size() + after.connectedSubnets().size();
        if (used > after.maxRoutes()) {
            return Decision.denied(DenialReason.LIMIT_EXCEEDED, "VNS " + after.name() + " holds " + used
                    + " routes (connected subnets included): max-routes cannot be " + after.maxRoutes());
        }
        for (VnsRoute r : routes) {
            if (r.kind() == VnsRoute.Kind.VIA) {
                Decision d = checkVia(after, r.via().bits(), r);
                if (d != null) {
                    return Decision.denied(DenialReason.IN_USE, d.message() + ": delete that route first");
                }
            }
            for (Ipv4Prefix subnet : after.connectedSubnets()) {
                if (subnet.equals(r.prefix())) {
                    return Decision.denied(DenialReason.CONFLICT, "VNS " + after.name() + " has a route to " + r.prefix()
                            + ", which would become a connected subnet: delete the route first");
                }
            }
        }
        return null;
    }

    /** Deleting {@code name}: no VNIC in it, no other VNS routing to it, and never {@code default}. */
    static Decision checkVnsDelete(String name, Map<String, VnicState> vnics, Collection<VnsRoute> allRoutes) {
        if (VnsNames.DEFAULT.equals(name)) {
            return Decision.denied(DenialReason.IN_USE, "VNS default always exists: it is every VNIC's unless it says otherwise");
        }
        List<String> members = vnics.values().stream().map(VnicState::config).filter(c -> c.vns().equals(name))
                .map(VnicConfig::name).sorted().toList();
        if (!members.isEmpty()) {
            return Decision.denied(DenialReason.IN_USE, "VNS " + name + " still has VNICs: " + String.join(", ", members)
                    + " (move them to another VNS or delete them first)");
        }
        List<String> routesTo = allRoutes.stream().filter(r -> r.kind() == VnsRoute.Kind.VNS && r.target().equals(name))
                .map(r -> r.vns() + ": " + r).sorted().toList();
        if (!routesTo.isEmpty()) {
            return Decision.denied(DenialReason.IN_USE, "routes of other VNSes lead to VNS " + name + ": "
                    + String.join("; ", routesTo) + " (delete them first)");
        }
        return null;
    }

    /** A VNIC as it would be: its VNS exists, and it leaves no {@code dev} route of its old VNS pointing at it. */
    static Decision checkVnic(VnicConfig after, VnicConfig before, Map<String, VnsConfig> allVns,
                              Collection<VnsRoute> allRoutes) {
        if (after != null && !allVns.containsKey(after.vns())) {
            return Decision.denied(DenialReason.UNKNOWN_VNS, "VNIC " + after.name() + " names VNS " + after.vns()
                    + ", which does not exist: create-vns it first");
        }
        if (before != null && (after == null || !after.vns().equals(before.vns()))) {
            List<String> uses = allRoutes.stream()
                    .filter(r -> r.kind() == VnsRoute.Kind.DEV && r.target().equals(before.name()))
                    .map(r -> r.vns() + ": " + r).sorted().toList();
            if (!uses.isEmpty()) {
                return Decision.denied(DenialReason.IN_USE, "VNIC " + before.name() + " is the next hop of "
                        + String.join("; ", uses) + " (delete those routes first)");
            }
        }
        return null;
    }

    static Decision unknownVns(String name) {
        return Decision.denied(DenialReason.UNKNOWN_VNS, "no VNS named " + name);
    }

    private static String join(List<Ipv4Prefix> subnets) {
        return String.join(", ", subnets.stream().map(Ipv4Prefix::toString).toList());
    }
}
