package io.quiver.control.fabric;

import io.quiver.control.config.FabricOptions;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.control.service.VnicPublication;
import io.quiver.dataplane.datapath.Datapath;
import io.quiver.dataplane.fabric.FabricPeer;
import io.quiver.dataplane.fabric.FabricState;
import io.quiver.dataplane.fabric.RemoteVnic;
import io.quiver.dataplane.vnic.Vnic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This appliance's view of the fabric (docs/fabric.md): the peers and remote VNICs of the configuration file and of
 * the etcd directory, merged and handed to the datapath whole on every change; and where this appliance's own VNIC
 * changes are published. Without etcd the static peers are all there is, and VNIC changes publish nowhere.
 */
public final class FabricDirectory implements VnicPublication, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FabricDirectory.class);

    private final Datapath datapath;
    private final FabricOptions options;
    private final EtcdDirectory etcd;
    /** The memif links to peers on this host, or null when this appliance takes none. */
    private final MemifLinks memif;
    private java.util.concurrent.ScheduledExecutorService memifTimer;
    private List<DirectoryEntries.Appliance> fromEtcd = List.of();
    private List<DirectoryEntries.Vnic> remoteFromEtcd = List.of();
    /** When the datapath last took a directory change (System.nanoTime), and how many it took. */
    private volatile long lastApplied;
    private volatile long changesApplied;

    private FabricDirectory(Datapath datapath, FabricOptions options) {
        this.datapath = datapath;
        this.options = options;
        this.memif = options.memif() ? new MemifLinks(datapath, options.settings().appliance(), options.memifSocket()) : null;
        this.etcd = options.etcd() == null ? null : new EtcdDirectory(options.etcd(), options.settings(), datapath.uplinkMac(),
                memif == null ? null : memif.socket(), () -> datapath.vnics().stream().map(Vnic::config).toList(), this::etcdChanged);
    }

    /** Joins the datapath to the fabric, applies the static peers, and starts the etcd session when there is one. */
    public static FabricDirectory start(Datapath datapath, FabricOptions options) {
        datapath.joinFabric(options.settings());
        FabricDirectory d = new FabricDirectory(datapath, options);
        d.applyToDatapath();
        if (d.etcd != null) {
            d.etcd.start();
        }
        if (d.memif != null) {
            d.memifTimer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "quiver-fabric-memif");
                t.setDaemon(true);
                return t;
            });
            d.memifTimer.scheduleWithFixedDelay(d::memifTick, MEMIF_TICK_MILLIS, MEMIF_TICK_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        return d;
    }

    /** How often the memif links are checked: a link that comes up re-steers its peer to memif within this. */
    private static final long MEMIF_TICK_MILLIS = 100;

    /** Opens and closes memif links to match the directory, and re-steers the peers whose link went up or down. */
    private void memifTick() {
        try {
            java.util.Set<String> named = new java.util.HashSet<>();
            FabricState f = datapath.fabric();
            if (f != null) {
                f.peers().stream().filter(p -> p.memifPort() >= 0).forEach(p -> named.add(p.appliance()));
            }
            if (memif.tick(named)) {
                applyToDatapath();
            }
        } catch (RuntimeException e) {
            LOG.warn("fabric: memif links: {}", e.toString());
        }
    }

    private void etcdChanged(List<DirectoryEntries.Appliance> appliances, List<DirectoryEntries.Vnic> vnics) {
        synchronized (this) {
            fromEtcd = appliances;
            remoteFromEtcd = vnics;
        }
        if (memif != null) {
            Map<String, String> sockets = new LinkedHashMap<>();
            appliances.stream().filter(DirectoryEntries.Appliance::memifHere).forEach(a -> sockets.put(a.appliance(), a.memif()));
            memif.want(sockets);
        }
        applyToDatapath();
    }

    /** Static peers first (the file is the operator's word), then the directory's, each appliance once. */
    private synchronized void applyToDatapath() {
        Map<String, FabricPeer> peers = new LinkedHashMap<>();
        List<RemoteVnic> remotes = new ArrayList<>();
        for (FabricOptions.StaticPeer p : options.staticPeers()) {
            peers.put(p.peer().appliance(), p.peer());
            p.vnics().forEach(v -> remotes.add(new RemoteVnic(p.peer().appliance(), v)));
        }
        Map<String, Integer> memifPorts = memif == null ? Map.of() : memif.upPorts();
        for (DirectoryEntries.Appliance a : fromEtcd) {
            if (peers.containsKey(a.appliance())) {
                LOG.warn("fabric: appliance {} is in the directory and in the configuration file; the file's entry is used", a.appliance());
                continue;
            }
            try {
                peers.put(a.appliance(), a.peer(memifPorts.getOrDefault(a.appliance(), -1)));
            } catch (RuntimeException e) {
                LOG.warn("fabric: appliance {}'s directory entry is unreadable ({}); ignored", a.appliance(), e.getMessage());
            }
        }
        for (DirectoryEntries.Vnic v : remoteFromEtcd) {
            if (options.staticPeers().stream().anyMatch(p -> p.peer().appliance().equals(v.appliance()))) {
                continue;
            }
            try {
                remotes.add(new RemoteVnic(v.appliance(), v.config()));
            } catch (RuntimeException e) {
                LOG.warn("fabric: VNIC {} of {} has an unreadable directory entry ({}); ignored", v.vnic(), v.appliance(), e.getMessage());
            }
        }
        FabricState state = datapath.putFabric(List.copyOf(peers.values()), remotes);
        for (FabricState.Refusal r : state.refused()) {
            LOG.warn("fabric: VNIC {} of appliance {} refused: {}", r.vnic().config().name(), r.vnic().appliance(), r.reason());
        }
        changesApplied++;
        lastApplied = System.nanoTime();
    }

    @Override
    public void publish(VnicConfig before, VnicConfig after) {
        if (etcd != null) {
            etcd.publish(before, after);
        }
    }

    @Override
    public void withdraw(VnicConfig vnic) {
        if (etcd != null) {
            etcd.withdraw(vnic);
        }
    }

    /** What {@code show-fabric} prints: this appliance, the directory's state, the peers and remote VNICs. */
    public record Status(String appliance, String vtep, int vxlanPort, int vniBase, String directory, boolean reachable,
                         String lastError, long revision, long resyncs, long watchEvents, long changesApplied,
                         Map<String, String> unpublished) {
    }

    public Status status() {
        var s = options.settings();
        return new Status(s.appliance(), s.vtepText(), s.udpPort(), s.vniBase(),
                etcd == null ? "static" : "etcd " + String.join(",", options.etcd().endpoints()),
                etcd == null || etcd.reachable(), etcd == null ? "" : etcd.lastError(), etcd == null ? 0 : etcd.revision,
                etcd == null ? 0 : etcd.resyncs, etcd == null ? 0 : etcd.watchEvents, changesApplied,
                etcd == null ? Map.of() : etcd.unpublished());
    }

    /** A peer as {@code show-fabric} prints it: how it is reached, and what moved to and from it. */
    public record PeerView(String appliance, String medium, String vtep, String vtepMac, boolean fromFile, long remoteVnics,
                           long rxPackets, long rxBytes, long txPackets, long txBytes, Map<String, Long> drops) {
    }

    /** A VNIC another appliance hosts: where it is, and the path a frame to it takes from here. */
    public record RemoteView(String name, String appliance, String mac, List<String> ipv4, int vlan, String vns, String path) {
    }

    /** A remote VNIC the datapath left out, and why. */
    public record RefusedView(String name, String appliance, String reason) {
    }

    /** The whole fabric as this appliance sees it. */
    public record View(Status status, List<PeerView> peers, List<RemoteView> remoteVnics, List<RefusedView> refused) {
    }

    public View view() {
        FabricState f = datapath.fabric();
        List<PeerView> peers = new ArrayList<>();
        List<RemoteView> remotes = new ArrayList<>();
        List<RefusedView> refused = new ArrayList<>();
        if (f != null) {
            for (FabricPeer p : f.peers()) {
                var c = f.countersOf(p.appliance());
                Map<String, Long> drops = new LinkedHashMap<>();
                for (var reason : io.quiver.dataplane.counters.DropReason.values()) {
                    if (c.drops[reason.ordinal()] != 0) {
                        drops.put(reason.label(), c.drops[reason.ordinal()]);
                    }
                }
                peers.add(new PeerView(p.appliance(), p.medium().wireName(),
                        p.vtepIp() == 0 ? "" : io.quiver.dataplane.packet.UdpFrameBuilder.formatIpv4(p.vtepIp()),
                        p.vtepMac() == 0 ? "" : io.quiver.dataplane.packet.Ethernet.formatMac(p.vtepMac()),
                        options.staticPeers().stream().anyMatch(s -> s.peer().appliance().equals(p.appliance())),
                        f.remoteVnics().stream().filter(r -> r.appliance().equals(p.appliance())).count(),
                        c.rxPackets, c.rxBytes, c.txPackets, c.txBytes, drops));
            }
            for (RemoteVnic r : f.remoteVnics()) {
                FabricPeer p = peerNamed(f, r.appliance());
                remotes.add(new RemoteView(r.config().name(), r.appliance(), r.config().mac().toString(),
                        r.config().ipv4Addresses().stream().map(Object::toString).toList(), r.config().vlan(), r.config().vns(),
                        path(p)));
            }
            for (FabricState.Refusal r : f.refused()) {
                refused.add(new RefusedView(r.vnic().config().name(), r.vnic().appliance(), r.reason()));
            }
        }
        return new View(status(), peers, remotes, refused);
    }

    private static FabricPeer peerNamed(FabricState f, String appliance) {
        return f.peers().stream().filter(p -> p.appliance().equals(appliance)).findFirst().orElseThrow();
    }

    /** The path text {@code show-vnic -o path} prints: {@code memif:PEER}, {@code vxlan:VTEP}, or {@code none}. */
    private static String path(FabricPeer p) {
        return switch (p.medium()) {
            case MEMIF -> "memif:" + p.appliance();
            case VXLAN -> "vxlan:" + io.quiver.dataplane.packet.UdpFrameBuilder.formatIpv4(p.vtepIp());
            case LOCAL -> "local";
            case NONE -> "none";
        };
    }

    @Override
    public void close() {
        if (memifTimer != null) {
            memifTimer.shutdownNow();
        }
        if (etcd != null) {
            etcd.close();
        }
    }
}
