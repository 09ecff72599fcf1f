package io.quiver.control.service;

import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.IdentificationRule;
import io.quiver.configstore.model.Ipv4Address;
import io.quiver.configstore.model.PriorityClass;
import io.quiver.configstore.model.Subscription;
import io.quiver.dataplane.priority.ConnectionTable;
import io.quiver.dataplane.classify.ConnectionRules;
import io.quiver.dataplane.priority.Identifier;
import io.quiver.dataplane.priority.LevelCounters;
import io.quiver.dataplane.priority.Levels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Subscription levels and flows between the service's requests and views and the configuration model. */
final class Priorities {
    /** Rule kinds as {@link Identifier} counts them, by index. */
    static final List<String> METHODS = List.of("first-packet", "sni", "token");

    private Priorities() {
    }

    static Subscription level(Views.CreateSubscription r) {
        if (r == null || r.name() == null) {
            throw ServiceException.badRequest("a subscription level needs a 'name'");
        }
        if (r.rules() == null || r.rules().isEmpty()) {
            throw ServiceException.badRequest("subscription level " + r.name() + " needs 'rules' (e.g. prefix=10.8.0.0/16, "
                    + "sni=*.example.com, token=X-Tier: gold)");
        }
        try {
            return Subscription.create(r.name(), Subscription.Kind.SUBSCRIPTION, classOf(r.priority()),
                    Subscription.parseBandwidth(r.maxbw()), Subscription.parsePackets(r.maxpps()),
                    r.rank() == null ? Subscription.DEFAULT_RANK : r.rank(), r.rules().stream().map(IdentificationRule::parse).toList());
        } catch (ConfigException e) {
            throw ServiceException.badRequest(e.getMessage());
        }
    }

    static Subscription flow(Views.CreateFlow r) {
        if (r == null || r.name() == null || r.vnic() == null) {
            throw ServiceException.badRequest("a flow needs a 'name' and a 'vnic'");
        }
        String match = r.match() == null || r.match().isBlank() ? "" : "," + r.match();
        if (match.contains("vnic=")) {
            throw ServiceException.badRequest("a flow's VNIC is its 'vnic', not part of its match");
        }
        try {
            return Subscription.create(r.name(), Subscription.Kind.FLOW, classOf(r.priority()),
                    Subscription.parseBandwidth(r.maxbw()), Subscription.parsePackets(r.maxpps()),
                    r.rank() == null ? Subscription.DEFAULT_RANK : r.rank(), List.of(IdentificationRule.parse("vnic=" + r.vnic() + match)));
        } catch (ConfigException e) {
            throw ServiceException.badRequest(e.getMessage());
        }
    }

    private static PriorityClass classOf(String text) {
        return text == null ? PriorityClass.HIGH : PriorityClass.parse(text);
    }

    static Views.Subscription view(Subscription s, Levels live) {
        LevelCounters c = null;
        if (live != null) {
            for (int i = 0; i < live.size(); i++) {
                if (live.level(i) != null && live.level(i).name().equals(s.name())) {
                    c = live.counters(i);
                }
            }
        }
        List<String> rules = s.ruleTexts();
        if (s.kind() == Subscription.Kind.FLOW) { // shown as add-flow takes it: the VNIC apart from the match
            rules = List.of(rules.get(0).replaceFirst("^vnic=[^,]*,?", ""));
        }
        return new Views.Subscription(s.name(), s.kind().word(), s.priority().word(), Subscription.formatBandwidth(s.maxBandwidth()),
                Subscription.formatPackets(s.maxPackets()), s.rank(), rules,
                c == null ? new Views.LevelCounters(0, 0, 0, 0) : new Views.LevelCounters(c.packets, c.bytes, c.connections, c.overLimit));
    }

    /**
     * The connection table as the RX lcore has it now (read while it changes: each entry is a snapshot of its own),
     * filtered by level name and by an address either endpoint has, at most {@code limit} connections.
     */
    static Views.ConnectionTable connections(Identifier id, Levels levels, ConnectionRules rules, Map<Integer, String> vnsNames,
                                             String level, String address, int limit) {
        Views.Steering steering = steering(rules);
        if (id == null) {
            return new Views.ConnectionTable(0, 0, 0, 0, 0, Map.of(), Map.of(), Map.of(), 0, 0, steering, List.of());
        }
        Integer wanted = null;
        if (address != null) {
            try {
                wanted = Ipv4Address.parse(address).bits();
            } catch (ConfigException e) {
                throw ServiceException.badRequest(e.getMessage());
            }
        }
        ConnectionTable t = id.table();
        int tick = (int) (System.nanoTime() / 1_000_000_000L);
        List<Views.Connection> out = new ArrayList<>();
        for (int slot = 0; slot < t.slotCount() && out.size() < limit; slot++) {
            if (!t.isUsed(slot)) {
                continue;
            }
            int lvl = t.levelOf(slot);
            String levelName = levels == null || levels.level(lvl) == null ? "" : levels.level(lvl).name();
            if (level != null && !level.equals(levelName)) {
                continue;
            }
            if (wanted != null && t.lowIpOf(slot) != wanted && t.highIpOf(slot) != wanted) {
                continue;
            }
            int protocol = t.protocolOf(slot);
            out.add(new Views.Connection(vnsNames.getOrDefault(t.vnsOf(slot), "?"),
                    protocol == 6 ? "tcp" : protocol == 17 ? "udp" : Integer.toString(protocol),
                    endpoint(t.lowIpOf(slot), t.lowPortOf(slot), protocol), endpoint(t.highIpOf(slot), t.highPortOf(slot), protocol),
                    levelName, PriorityClass.byCode(t.priorityOf(slot)).word(), t.isInspecting(slot) ? "inspecting" : t.isSteered(slot) ? "steered" : "decided",
                    t.packetsOf(slot), t.bytesOf(slot), Math.max(0, t.idleOf(slot, tick))));
        }
        Map<String, Long> identified = new LinkedHashMap<>();
        Map<String, Double> mean = new LinkedHashMap<>();
        Map<String, Long> most = new LinkedHashMap<>();
        for (int k = 0; k < METHODS.size(); k++) {
            identified.put(METHODS.get(k), id.identified[k]);
            mean.put(METHODS.get(k), id.identified[k] == 0 ? 0.0 : (double) id.packetsToIdentify[k] / id.identified[k]);
            most.put(METHODS.get(k), id.mostPacketsToIdentify[k]);
        }
        return new Views.ConnectionTable(t.size(), t.capacity(), t.inserted, t.expired, t.full, identified, mean, most,
                id.unmatched, id.noBuffer, steering, out);
    }

    /** Where identified connections are re-steered, and how the NIC's rules fare. */
    static Views.Steering steering(ConnectionRules rules) {
        return rules == null ? new Views.Steering("software", 0, 0, 0, 0, 0, "")
                : new Views.Steering("rte_flow", rules.active(), rules.created(), rules.destroyed(), rules.refusedByNic(),
                        rules.refusedByRing(), rules.lastRefusal());
    }

    private static String endpoint(int ip, int port, int protocol) {
        String a = Ipv4Address.format(Integer.toUnsignedLong(ip));
        return protocol == 6 || protocol == 17 ? a + ":" + port : a;
    }
}
