package io.quiver.control.fabric;

import io.quiver.dataplane.datapath.Datapath;
import io.quiver.dataplane.port.Port;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memif links to peer appliances on this host (docs/fabric.md), one per peer. Of two appliances, the one whose
 * name sorts first is memif's server, listening on its own socket; the other is the client that connects and, as in
 * memif, owns the shared memory (its regions are made on connect and handed to the server). Both sides name the link
 * by the client's name, so they agree on its memif id without asking each other. A client whose server does not
 * listen yet, or whose link stays down (the server restarted: DPDK's client does not reconnect), is opened again.
 * A server link is never closed while the appliance runs: DPDK 22.11's memif leaves the listening socket's interrupt
 * handler behind when the last server interface on it goes (it then spins on fd -1 and the socket cannot be made
 * again), and a server accepts its client again after the client restarts.
 */
final class MemifLinks {
    private static final Logger LOG = LoggerFactory.getLogger(MemifLinks.class);
    /** How long a client link may stay down before it is opened again. */
    private static final long REOPEN_NANOS = 2_000_000_000L;
    /** How long after a failed open the next try comes (a client before its server listens). */
    private static final long RETRY_NANOS = 1_000_000_000L;

    /** A link this appliance should have: its role and memif id, and the socket it listens on or connects to. */
    private record Wanted(boolean server, long id, String socket) {
    }

    private static final class Open {
        final Wanted wanted;
        final Port port;
        long downSince;

        Open(Wanted wanted, Port port) {
            this.wanted = wanted;
            this.port = port;
        }
    }

    private final Datapath datapath;
    private final String me;
    private final String socket;
    private final Map<String, Wanted> wanted = new HashMap<>();
    private final Map<String, Open> open = new HashMap<>();
    private int nextDevice = 100;
    /** When each peer's link last failed to open. */
    private final Map<String, Long> failedAt = new HashMap<>();
    /** The peers whose link was up at the last look: a change re-steers the fabric. */
    private Set<String> up = Set.of();

    MemifLinks(Datapath datapath, String me, String socket) {
        this.datapath = datapath;
        this.me = me;
        this.socket = socket;
    }

    /** The socket this appliance listens on for the peers that connect to it. */
    String socket() {
        return socket;
    }

    /** The peers on this host that take memif ({@code socket} by name): links are opened and closed to match. */
    synchronized void want(Map<String, String> sockets) {
        wanted.clear();
        sockets.forEach((peer, peerSocket) -> {
            boolean server = me.compareTo(peer) < 0;
            String client = server ? peer : me;
            wanted.put(peer, new Wanted(server, idOf(client), server ? socket : peerSocket));
        });
    }

    /**
     * Opens what is wanted and not open (or open otherwise), reopens client links down too long, closes links no
     * longer wanted once the fabric no longer names them ({@code named}: the peers the datapath reaches by memif).
     * Returns whether the set of up links changed.
     */
    synchronized boolean tick(Set<String> named) {
        long now = System.nanoTime();
        for (var e : Map.copyOf(open).entrySet()) {
            String peer = e.getKey();
            Open o = e.getValue();
            if (o.wanted.server()) {
                continue;
            }
            boolean stale = !o.wanted.equals(wanted.get(peer));
            boolean down = !o.port.linkUp();
            if (!down) {
                o.downSince = 0;
            } else if (o.downSince == 0) {
                o.downSince = now;
            }
            boolean dead = !o.wanted.server() && down && now - o.downSince > REOPEN_NANOS;
            if ((stale || dead) && !named.contains(peer)) {
                close(peer, o, stale ? "no longer wanted" : "down for 2 s; opening it again");
            }
        }
        for (var e : wanted.entrySet()) {
            Long failed = failedAt.get(e.getKey());
            if (!open.containsKey(e.getKey()) && (failed == null || now - failed > RETRY_NANOS)) {
                tryOpen(e.getKey(), e.getValue(), now);
            }
        }
        Set<String> nowUp = new HashSet<>();
        open.forEach((peer, o) -> {
            if (o.port.linkUp()) {
                nowUp.add(peer);
            }
        });
        boolean changed = !nowUp.equals(up);
        up = Set.copyOf(nowUp);
        return changed;
    }

    /** The port of each peer whose link is up now. */
    synchronized Map<String, Integer> upPorts() {
        Map<String, Integer> ports = new HashMap<>();
        for (String peer : up) {
            Open o = open.get(peer);
            if (o != null) {
                ports.put(peer, o.port.id());
            }
        }
        return ports;
    }

    private void tryOpen(String peer, Wanted w, long now) {
        String devargs = "net_memif" + nextDevice++ + ",role=" + (w.server() ? "server" : "client") + ",id=" + w.id()
                + ",socket=" + w.socket();
        try {
            open.put(peer, new Open(w, datapath.addFabricLink("memif-" + peer, devargs)));
            failedAt.remove(peer);
        } catch (RuntimeException e) { // a client before its server listens: tried again a second later
            failedAt.put(peer, now);
            LOG.debug("fabric: memif link to {} not open yet ({})", peer, e.getMessage());
        }
    }

    private void close(String peer, Open o, String why) {
        LOG.info("fabric: memif link to {} closed: {}", peer, why);
        open.remove(peer);
        datapath.removeFabricLink(o.port.name());
    }

    /** The memif id of the link whose client is {@code client}: the same number on both sides. */
    static long idOf(String client) {
        CRC32 crc = new CRC32();
        crc.update(client.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return crc.getValue() & 0xFFFFFF;
    }
}
