package io.quiver.dataplane.aggr;

import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.port.Port;
import io.quiver.dpdk.EthDev;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One aggregation's control side: its members' links, their LACP, the choice of who distributes, and the
 * {@link Distribution} the lcores read. {@link #tick} runs it on the aggregation timer (every few milliseconds): it
 * takes the slow-protocols frames the RX lcore queued, looks at every member's link, runs LACP, and when the members
 * that may carry traffic change, publishes a new distribution, in which only the connections of the members that
 * left or joined move ({@link RedirectionTable}). An active-backup change announces every address behind the
 * aggregation on the new active member.
 */
public final class Aggregation {
    private static final Logger LOG = LoggerFactory.getLogger(Aggregation.class);
    /** LACP's system priority and port priority: the defaults Linux and Crossbow use. */
    private static final int SYSTEM_PRIORITY = 32768;
    private static final int PORT_PRIORITY = 255;
    private static final int SLOW_FRAMES = 256;

    /** Sends a frame the control side built out of one member (through the RX lcore's TX queue). */
    public interface FrameSender {
        boolean send(int port, byte[] frame);
    }

    /** One member: its port, its LACP machines, and where it stands. */
    public static final class Member {
        final Port port;
        final int lacpPort;
        final long mac;
        LacpPort lacp;
        boolean linkUp;
        boolean distributing;
        long since;

        Member(Port port, int lacpPort) {
            this.port = port;
            this.lacpPort = lacpPort;
            this.mac = Ethernet.bitsOf(Ethernet.macToLong(EthDev.macAddress(port.id())));
        }

        public Port port() {
            return port;
        }

        /** LACP's port number for this member (1 for the first). */
        public int lacpPortNumber() {
            return lacpPort;
        }

        public boolean linkUp() {
            return linkUp;
        }

        /** Whether it carries traffic now (attached); otherwise standby (or down). */
        public boolean distributing() {
            return distributing;
        }

        /** LACP's view, or null when LACP is off. */
        public LacpPort lacp() {
            return lacp;
        }

        /** When it last changed between attached, standby and down ({@link System#nanoTime}). */
        public long since() {
            return since;
        }
    }

    private AggregationConfig config;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final SlowFrames slowFrames = new SlowFrames(SLOW_FRAMES);
    private final FrameSender sender;
    private final Supplier<List<byte[]>> announcements;
    private final int maxPort;
    private final int key;
    private long system;
    private RedirectionTable table = RedirectionTable.empty();
    private volatile Distribution current;
    /** Active-backup's active member's port, or -1 (balance, or none usable). */
    private int active = -1;
    /**
     * The member to announce every address on at the next tick, or -1: the tick after a change, so that the
     * addresses at start are known (the datapath makes its VNICs after its aggregation) and announcing never holds up
     * a change.
     */
    private int announceOn = -1;
    /** Whether the members carry traffic as active-backup because LACP found no partner. */
    private boolean fellBack;

    /** Counted on the control thread, read by show-aggr. */
    public long changes;
    public long announcementsSent;
    public long badLacpdus;
    public long sendRefusals;
    private String lastChange = "none";

    /**
     * @param members       the member ports, in {@code config}'s order
     * @param announcements the gratuitous ARPs and neighbour advertisements for every address behind the aggregation
     * @param maxPort       the highest DPDK port id the datapath has
     */
    public Aggregation(AggregationConfig config, List<Port> members, FrameSender sender, Supplier<List<byte[]>> announcements,
                       int maxPort) {
        this.sender = sender;
        this.announcements = announcements;
        this.maxPort = maxPort;
        this.key = 1 + Math.floorMod(config.name().hashCode(), 0x3FFF);
        long now = System.nanoTime();
        configure(config, members, now);
        publish(new int[0], "created");
        tick(now); // members carry from the first packet on; the announcement waits for the timer's first tick
    }

    /** The queue the RX lcore puts members' slow-protocols frames in. */
    public SlowFrames slowFrames() {
        return slowFrames;
    }

    /** What the lcores steer by now. */
    public Distribution distribution() {
        return current;
    }

    public synchronized AggregationConfig config() {
        return config;
    }

    /**
     * Moves the aggregation to {@code next} with {@code ports} as its members (resolved from {@code next.members()}):
     * a member that stays keeps its LACP state and port number unless LACP's settings changed; a member that leaves
     * stops carrying at once; one that joins carries once its link (and LACP) allow.
     */
    public synchronized void apply(AggregationConfig next, List<Port> ports, long now) {
        configure(next, ports, now);
        tick(now);
    }

    private void configure(AggregationConfig next, List<Port> ports, long now) {
        boolean lacpChanged = config == null || config.lacp() != next.lacp() || config.timer() != next.timer() || config.mac() != next.mac();
        java.util.Set<Integer> numbers = new java.util.HashSet<>();
        for (Port p : ports) { // a member that stays keeps its LACP port number
            Member m = members.get(p.name());
            if (m != null && m.port.id() == p.id()) {
                numbers.add(m.lacpPort);
            }
        }
        Map<String, Member> kept = new LinkedHashMap<>();
        for (Port p : ports) {
            Member m = members.get(p.name());
            if (m == null || m.port.id() != p.id()) {
                int n = 1;
                while (numbers.contains(n)) {
                    n++;
                }
                numbers.add(n);
                m = new Member(p, n);
                m.since = now;
            }
            kept.put(p.name(), m);
        }
        members.clear();
        members.putAll(kept);
        config = next;
        system = next.mac() != 0 ? next.mac() : members.values().iterator().next().mac;
        for (Member m : members.values()) {
            if (next.lacp() == AggregationConfig.Lacp.OFF) {
                m.lacp = null;
            } else if (m.lacp == null || lacpChanged) {
                m.lacp = new LacpPort(SYSTEM_PRIORITY, system, key, PORT_PRIORITY, m.lacpPort,
                        next.lacp() == AggregationConfig.Lacp.ACTIVE, next.timer() == AggregationConfig.Timer.SHORT);
                m.lacp.link(m.linkUp);
            }
        }
    }

    /** One step of the aggregation's control, at {@code now} (nanoseconds): call it every few milliseconds. */
    public synchronized void tick(long now) {
        if (announceOn >= 0) {
            announce(announceOn);
            announceOn = -1;
        }
        slowFrames.drain((port, frame) -> receive(port, frame, now));
        for (Member m : members.values()) {
            boolean up = m.port.linkUp();
            if (up != m.linkUp) {
                m.linkUp = up;
                if (m.lacp != null) {
                    m.lacp.link(up);
                }
                LOG.info("aggregation {}: member {} link {}", config.name(), m.port.name(), up ? "up" : "down");
            }
        }
        boolean partnerFound = false;
        if (config.lacp() != AggregationConfig.Lacp.OFF) {
            List<LacpPort> lacp = members.values().stream().map(m -> m.lacp).toList();
            partnerFound = LacpSelection.select(lacp) != null;
            for (Member m : members.values()) {
                Lacpdu pdu = m.lacp.tick(now);
                if (pdu != null && !sender.send(m.port.id(), pdu.encode(m.mac))) {
                    sendRefusals++;
                }
            }
        }
        choose(now, partnerFound);
    }

    private void receive(int port, byte[] frame, long now) {
        for (Member m : members.values()) {
            if (m.port.id() == port) {
                if (m.lacp == null) {
                    return; // LACP is off: a partner's LACPDUs are not ours to answer
                }
                try {
                    m.lacp.receive(Lacpdu.decode(frame), now);
                } catch (IllegalArgumentException e) {
                    badLacpdus++;
                    LOG.debug("aggregation {}: member {}: {}", config.name(), m.port.name(), e.getMessage());
                }
                return;
            }
        }
    }

    /** Who distributes now, by mode; publishes and announces when that changed. */
    private void choose(long now, boolean partnerFound) {
        List<Member> usable = new ArrayList<>();
        boolean activeBackup = config.mode() == AggregationConfig.Mode.ACTIVE_BACKUP;
        boolean fallBack = false;
        for (Member m : members.values()) {
            if (config.lacp() == AggregationConfig.Lacp.OFF ? m.linkUp : m.lacp.collectingAndDistributing()) {
                usable.add(m);
            }
        }
        if (config.lacp() != AggregationConfig.Lacp.OFF && usable.isEmpty() && !partnerFound && config.fallback()) {
            fallBack = true;
            activeBackup = true;
            members.values().stream().filter(m -> m.linkUp).forEach(usable::add);
        }
        if (activeBackup) {
            Member chosen = activeOf(usable);
            usable = chosen == null ? List.of() : List.of(chosen);
        }
        int[] ports = usable.stream().mapToInt(m -> m.port.id()).sorted().toArray();
        int newActive = activeBackup && ports.length == 1 ? ports[0] : -1;
        int[] before = table.members();
        if (Arrays.equals(before, ports) && fallBack == fellBack && newActive == active) {
            return;
        }
        String why = describe(before, ports, fallBack);
        fellBack = fallBack;
        boolean announce = newActive >= 0 && newActive != active;
        active = newActive;
        for (Member m : members.values()) {
            boolean d = Arrays.stream(ports).anyMatch(p -> p == m.port.id());
            if (d != m.distributing) {
                m.distributing = d;
                m.since = now;
            }
        }
        publish(ports, why);
        if (announce) {
            announceOn = newActive;
        }
    }

    /** Active-backup's member: the primary when usable, else the active one while usable, else the first usable. */
    private Member activeOf(List<Member> usable) {
        if (config.primary() != null) {
            for (Member m : usable) {
                if (m.port.name().equals(config.primary())) {
                    return m;
                }
            }
        }
        for (Member m : usable) {
            if (m.port.id() == active) {
                return m;
            }
        }
        return usable.isEmpty() ? null : usable.get(0);
    }

    private void publish(int[] ports, String why) {
        RedirectionTable next = table;
        for (int p : table.members()) {
            if (Arrays.stream(ports).noneMatch(q -> q == p)) {
                next = next.without(p);
            }
        }
        for (int p : ports) {
            next = next.with(p);
        }
        table = next;
        current = new Distribution(next, members.values().stream().mapToInt(m -> m.port.id()).toArray(), ports,
                config.policy(), maxPort);
        changes++;
        lastChange = why;
        LOG.info("aggregation {}: {}", config.name(), why);
    }

    private String describe(int[] before, int[] after, boolean fallBack) {
        StringBuilder s = new StringBuilder("distributing on ").append(after.length == 0 ? "no member" : names(after))
                .append(" (was ").append(before.length == 0 ? "none" : names(before)).append(')');
        if (fallBack) {
            s.append(", active-backup: LACP found no partner");
        }
        return s.toString();
    }

    private String names(int[] ports) {
        List<String> out = new ArrayList<>();
        for (int p : ports) {
            members.values().stream().filter(m -> m.port.id() == p).findFirst().ifPresent(m -> out.add(m.port.name()));
        }
        return String.join(",", out);
    }

    /** Every address behind the aggregation, announced on {@code port} (the new active member). */
    private void announce(int port) {
        for (byte[] frame : announcements.get()) {
            if (sender.send(port, frame)) {
                announcementsSent++;
            } else {
                sendRefusals++;
            }
        }
    }

    public synchronized List<Member> members() {
        return List.copyOf(members.values());
    }

    /** The system id LACP speaks for the aggregation ({@code MacAddress} bits). */
    public synchronized long system() {
        return system;
    }

    public int key() {
        return key;
    }

    /** Whether LACP found no partner and the members carry traffic as active-backup. */
    public synchronized boolean fellBack() {
        return fellBack;
    }

    /** Active-backup's active member's port id, or -1. */
    public synchronized int active() {
        return active;
    }

    public synchronized String lastChange() {
        return lastChange;
    }
}
