package io.quiver.control.service;

import com.fasterxml.jackson.core.type.TypeReference;
import io.quiver.configstore.ConfigStore;
import io.quiver.configstore.Decision;
import io.quiver.configstore.model.DenialReason;
import io.quiver.configstore.model.MacAddress;
import io.quiver.configstore.model.Requester;
import io.quiver.control.config.ConfigFile;
import io.quiver.dataplane.aggr.Aggregation;
import io.quiver.dataplane.aggr.AggregationConfig;
import io.quiver.dataplane.aggr.LacpActor;
import io.quiver.dataplane.aggr.LacpPort;
import io.quiver.dataplane.datapath.Datapath;
import io.quiver.dataplane.datapath.DatapathConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The uplink's link aggregation in the service layer: what {@code show-aggr} shows, the live changes
 * ({@code create-aggr}, {@code modify-aggr}, {@code add-aggr}, {@code remove-aggr}), each audited in the database's
 * journal and kept in the state folder, and what a start takes from there.
 *
 * <p>An aggregation is a port, not a VNIC's parameter, so it is not in the VNIC database's maps: the state folder's
 * {@value #FILE} keeps the one made or changed live beside what the configuration file said at the start it was
 * made under. The next start uses it while the file says the same; once the operator edits the file's uplink or
 * aggregation, the file wins (as with a VNIC's parameters, {@link FileIntent}).
 */
final class Aggregations {
    private static final Logger LOG = LoggerFactory.getLogger(Aggregations.class);
    static final String FILE = "aggregation.json";
    private static final String FILE_SAID = "file";
    private static final String LIVE = "live";

    private final Datapath datapath;
    private final ConfigStore store;
    private final StateFile<Views.AggregationRequest> state;

    Aggregations(Datapath datapath, ConfigStore store, Path stateDir) {
        this.datapath = datapath;
        this.store = store;
        this.state = new StateFile<>(stateDir, FILE, new TypeReference<>() { });
    }

    /**
     * The datapath to start: {@code fromFile}, or with the aggregation a live change left in {@code stateDir} when
     * the file's uplink is still what it was then. Records what the file says now.
     */
    static DatapathConfig atStart(Path stateDir, DatapathConfig fromFile, boolean reset) {
        StateFile<Views.AggregationRequest> state = new StateFile<>(stateDir, FILE, new TypeReference<>() { });
        Map<String, Views.AggregationRequest> saved = state.read();
        Views.AggregationRequest fileSays = fileSays(fromFile);
        Views.AggregationRequest live = saved.get(LIVE);
        DatapathConfig out = fromFile;
        if (live != null && !reset && fileSays.equals(saved.get(FILE_SAID))) {
            try {
                AggregationConfig a = parse(live);
                out = fromFile.withUplinkAggregation(a);
                LOG.info("uplink: aggregation {} as changed live ({}): the configuration file's uplink is unchanged", a.name(), FILE);
            } catch (IllegalArgumentException e) {
                LOG.error("uplink: the aggregation in {} cannot be used ({}); the configuration file's uplink is", FILE, e.getMessage());
                live = null;
            }
        } else if (live != null) {
            LOG.info("uplink: the configuration file's uplink changed since aggregation {} was changed live: the file's wins", live.name());
            live = null;
        }
        Map<String, Views.AggregationRequest> next = new LinkedHashMap<>();
        next.put(FILE_SAID, fileSays);
        if (live != null) {
            next.put(LIVE, live);
        }
        state.write(next);
        return out;
    }

    /** What the file says of the uplink: its aggregation, or (no name) the one port it names. */
    private static Views.AggregationRequest fileSays(DatapathConfig fromFile) {
        AggregationConfig a = fromFile.uplinkAggregation();
        return a != null ? request(a) : new Views.AggregationRequest(null, List.of(fromFile.uplink()), null, null, null, null, null,
                null, null);
    }

    List<Views.Aggregation> list() {
        Aggregation a = datapath.aggregation();
        return a == null ? List.of() : List.of(view(a));
    }

    Views.Aggregation get(String name) {
        return view(existing(name));
    }

    private Aggregation existing(String name) {
        Aggregation a = datapath.aggregation();
        if (a == null || !a.config().name().equals(name)) {
            throw ServiceException.notFound("no aggregation named '" + name + "'"
                    + (a == null ? " (the uplink is port " + datapath.config().uplink() + ")" : " (the uplink's is " + a.config().name() + ")"));
        }
        return a;
    }

    Views.Aggregation create(Views.AggregationRequest r, String who) {
        if (r == null || r.name() == null || r.ports() == null) {
            throw ServiceException.badRequest("an aggregation needs a 'name' and 'ports'");
        }
        String command = "create-aggr";
        AggregationConfig a = parsed(r.name(), command, r, who);
        change(a.name(), command, a, who, () -> datapath.createAggregation(a));
        return view(datapath.aggregation());
    }

    /** {@code modify-aggr}: the fields {@code r} gives change, the others keep their values. */
    Views.Aggregation modify(String name, Views.AggregationRequest r, String who) {
        AggregationConfig now = existing(name).config();
        Views.AggregationRequest before = request(now);
        Views.AggregationRequest merged = new Views.AggregationRequest(name, or(r.ports(), before.ports()), or(r.policy(), before.policy()),
                or(r.lacp(), before.lacp()), or(r.lacpTimer(), before.lacpTimer()), or(r.mac(), before.mac()), or(r.mode(), before.mode()),
                r.primary() != null ? (r.primary().isEmpty() ? null : r.primary()) : before.primary(), or(r.lacpFallback(), before.lacpFallback()));
        AggregationConfig next = parsed(name, "modify-aggr", merged, who);
        return apply(name, "modify-aggr", next, who);
    }

    Views.Aggregation addMember(String name, String port, String who) {
        AggregationConfig now = existing(name).config();
        if (port == null || port.isBlank()) {
            throw ServiceException.badRequest("add-aggr needs a 'port'");
        }
        if (now.members().contains(port)) {
            throw deniedChange(name, "add-aggr", port, who, DenialReason.CONFLICT, "port " + port + " is a member already");
        }
        List<String> members = new ArrayList<>(now.members());
        members.add(port);
        return apply(name, "add-aggr", parsedChange(name, "add-aggr", who, () -> now.withMembers(members)), who);
    }

    Views.Aggregation removeMember(String name, String port, String who) {
        AggregationConfig now = existing(name).config();
        if (!now.members().contains(port)) {
            throw deniedChange(name, "remove-aggr", port, who, DenialReason.INVALID_REQUEST, "port " + port + " is not a member of " + now.members());
        }
        if (now.members().size() == 1) {
            throw deniedChange(name, "remove-aggr", port, who, DenialReason.IN_USE, "port " + port + " is the last member: the uplink"
                    + " would carry nothing (add another member first)");
        }
        List<String> members = new ArrayList<>(now.members());
        members.remove(port);
        return apply(name, "remove-aggr", parsedChange(name, "remove-aggr", who, () -> now.withMembers(members)), who);
    }

    private Views.Aggregation apply(String name, String command, AggregationConfig next, String who) {
        change(name, command, next, who, () -> datapath.updateAggregation(next));
        return view(datapath.aggregation());
    }

    /** Makes {@code next} live, then audits and saves it; what the datapath refuses is audited as refused and nothing changes. */
    private void change(String name, String command, AggregationConfig next, String who, Runnable live) {
        synchronized (this) {
            try {
                live.run();
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw deniedChange(name, command, text(next), who, DenialReason.INVALID_REQUEST, e.getMessage());
            }
            store.auditAggregation(Requester.admin(who), name, command, text(next), null);
            Map<String, Views.AggregationRequest> saved = state.read();
            saved.put(LIVE, request(next));
            state.write(saved);
        }
    }

    private AggregationConfig parsed(String name, String command, Views.AggregationRequest r, String who) {
        return parsedChange(name, command, who, () -> parse(r));
    }

    private AggregationConfig parsedChange(String name, String command, String who, java.util.function.Supplier<AggregationConfig> change) {
        try {
            return change.get();
        } catch (IllegalArgumentException e) {
            throw deniedChange(name, command, "", who, DenialReason.MALFORMED_VALUE, e.getMessage());
        }
    }

    /** Audits a refused change and returns the error the caller throws. */
    private ServiceException deniedChange(String name, String command, String value, String who, DenialReason reason, String message) {
        store.auditAggregation(Requester.admin(who), name, command, value, Decision.denied(reason, message));
        return reason == DenialReason.MALFORMED_VALUE || reason == DenialReason.INVALID_REQUEST
                ? ServiceException.badRequest(message) : ServiceException.conflict(message);
    }

    static AggregationConfig parse(Views.AggregationRequest r) {
        return ConfigFile.aggregation(r.name(), r.ports(), r.policy(), r.lacp(), r.lacpTimer(), r.mac(), r.mode(), r.primary(),
                r.lacpFallback());
    }

    static Views.AggregationRequest request(AggregationConfig a) {
        return new Views.AggregationRequest(a.name(), a.members(), a.policy().text(), a.lacp().text(), a.timer().text(),
                a.mac() == 0 ? null : MacAddress.format(a.mac()), a.mode().text(), a.primary(), a.fallbackText());
    }

    private static String text(AggregationConfig a) {
        Views.AggregationRequest r = request(a);
        return "ports=" + String.join(",", r.ports()) + " policy=" + r.policy() + " lacp=" + r.lacp() + " lacp-timer=" + r.lacpTimer()
                + " mode=" + r.mode() + (r.primary() == null ? "" : " primary=" + r.primary()) + " lacp-fallback=" + r.lacpFallback()
                + (r.mac() == null ? "" : " mac=" + r.mac());
    }

    private static <T> T or(T value, T otherwise) {
        return value != null ? value : otherwise;
    }

    private Views.Aggregation view(Aggregation a) {
        AggregationConfig c = a.config();
        long now = System.nanoTime();
        List<Views.AggregationMember> members = new ArrayList<>();
        var d = a.distribution();
        List<Integer> speeds = new ArrayList<>();
        for (Aggregation.Member m : a.members()) {
            int id = m.port().id();
            int speed = m.port().linkSpeed();
            speeds.add(speed);
            LacpPort l = m.lacp();
            Views.AggregationLacp lacp = null;
            if (l != null) {
                LacpActor p = l.partner();
                lacp = new Views.AggregationLacp(l.actor().stateNames(), l.mux().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                        p == null ? "" : MacAddress.format(p.system()), p == null ? 0 : p.key(), p == null ? 0 : p.port(),
                        p == null ? "" : p.stateNames(), l.received, l.sent, l.lastHeard() == 0 ? -1 : (now - l.lastHeard()) / 1e9);
            }
            var rx = m.port().rxTotals();
            members.add(new Views.AggregationMember(m.port().name(), m.lacpPortNumber(), m.linkUp(),
                    !m.linkUp() ? "down" : m.distributing() ? "attached" : "standby", d.share(id), speed,
                    (now - m.since()) / 1e9, rx.packets(), m.port().txTotals().packets(),
                    rx.drops()[io.quiver.dataplane.counters.DropReason.STANDBY_MEMBER.ordinal()], lacp));
        }
        List<String> warnings = new ArrayList<>();
        if (speeds.stream().filter(s -> s > 0).distinct().count() > 1) {
            warnings.add("members' link speeds differ (" + speeds + " Mbit/s): connections are shared evenly, so the slower members fill first");
        }
        String carrying = a.active() >= 0 ? (a.fellBack() ? "active-backup (LACP found no partner)" : "active-backup")
                : members.stream().anyMatch(m -> m.state().equals("attached")) ? "balance" : "none";
        String activePort = a.members().stream().filter(m -> m.port().id() == a.active()).map(m -> m.port().name()).findFirst().orElse("");
        Views.AggregationRequest r = request(c);
        return new Views.Aggregation(c.name(), c.members(), r.policy(), r.lacp(), r.lacpTimer(), r.mode(), r.primary(), r.lacpFallback(),
                r.mac() == null ? "" : r.mac(), MacAddress.format(a.system()), a.key(), carrying, activePort, a.changes, a.lastChange(),
                a.announcementsSent, datapath.noMemberDrops(), a.badLacpdus, a.slowFrames().overflows,
                a.sendRefusals + datapath.portInjectionsWithoutMbuf(), warnings, members);
    }
}
