package io.quiver.dataplane.fabric;

import io.quiver.configstore.model.VnicConfig;
import io.quiver.dataplane.antispoof.SourceMacCheck;
import io.quiver.dataplane.classify.ClassifierTables;
import io.quiver.dataplane.classify.Ipv4Table;
import io.quiver.dataplane.vnic.WireAddresses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the lcores read of the fabric, immutable: the remote VNICs in {@link ClassifierTables} of their own (so a
 * remote VNIC is looked up, and its frames checked, exactly as a local one), which peer hosts each, how each peer is
 * reached, and which peers have VNICs in each VLAN (where a broadcast is copied to). Built on the control side from
 * the directory; a change builds a new one, published with the rest of the datapath's state.
 */
public final class FabricState {
    final FabricSettings settings;
    /** The uplink's own MAC and MTU: the outer source of VXLAN frames and what they must fit in. */
    final long uplinkMac;
    final int uplinkMtu;
    /** The remote VNICs that passed every check, indexed as {@link #peerOfRemote}. */
    final ClassifierTables remotes;
    final int[] peerOfRemote;
    final FabricPeer[] peers;
    final PeerCounters[] counters;
    /** By peer: the MACs of the VNICs it hosts (the source MACs its frames may carry). */
    final SourceMacCheck[] sourcesByPeer;
    /** VTEP address -> peer. */
    final Ipv4Table peerByVtep;
    /** By port id: the peer at the other end of that memif link, or -1. */
    final int[] peerByPort;
    /** By peer: the outer headers of VXLAN frames to it, or null when VXLAN does not reach it. */
    final VxlanHeader[] vxlanHeaders;
    /** By VLAN id: the peers with VNICs in it (a broadcast's copies), null when none. */
    final int[][] peersByVlan;
    private final List<RemoteVnic> accepted;
    private final List<Refusal> refused;

    /** This fabric with counters of its own (all zero): what a packet trace counts on instead of the live ones. */
    public FabricState withFreshCounters() {
        return new FabricState(this);
    }

    private FabricState(FabricState from) {
        this.settings = from.settings;
        this.uplinkMac = from.uplinkMac;
        this.uplinkMtu = from.uplinkMtu;
        this.remotes = from.remotes;
        this.peerOfRemote = from.peerOfRemote;
        this.peers = from.peers;
        this.counters = new PeerCounters[from.counters.length];
        for (int p = 0; p < counters.length; p++) {
            counters[p] = new PeerCounters();
        }
        this.sourcesByPeer = from.sourcesByPeer;
        this.peerByVtep = from.peerByVtep;
        this.peerByPort = from.peerByPort;
        this.vxlanHeaders = from.vxlanHeaders;
        this.peersByVlan = from.peersByVlan;
        this.accepted = from.accepted;
        this.refused = from.refused;
    }

    /** A remote VNIC left out, and why (a clash with a local VNIC or an earlier claim, a VNS this appliance lacks). */
    public record Refusal(RemoteVnic vnic, String reason) {
    }

    private FabricState(FabricSettings settings, long uplinkMac, int uplinkMtu, List<FabricPeer> peers, List<RemoteVnic> accepted,
                        List<Refusal> refused, Map<String, Integer> vnsIndexes, Map<String, PeerCounters> countersByPeer, int maxPort) {
        this.settings = settings;
        this.uplinkMac = uplinkMac;
        this.uplinkMtu = uplinkMtu;
        this.peers = peers.toArray(FabricPeer[]::new);
        this.accepted = List.copyOf(accepted);
        this.refused = List.copyOf(refused);
        this.remotes = new ClassifierTables(accepted.stream().map(RemoteVnic::config).toList(), vnsIndexes);
        this.peerOfRemote = new int[accepted.size()];
        this.counters = new PeerCounters[this.peers.length];
        this.vxlanHeaders = new VxlanHeader[this.peers.length];
        this.peerByVtep = new Ipv4Table(this.peers.length);
        this.peerByPort = new int[maxPort + 1];
        java.util.Arrays.fill(peerByPort, -1);
        List<List<long[]>> macsByPeer = new ArrayList<>();
        for (int p = 0; p < this.peers.length; p++) {
            FabricPeer peer = this.peers[p];
            counters[p] = countersByPeer.computeIfAbsent(peer.appliance(), k -> new PeerCounters());
            if (settings.hasVtep() && peer.vtepIp() != 0 && peer.vtepMac() != 0) {
                vxlanHeaders[p] = new VxlanHeader(peer.vtepMac(), uplinkMac, settings.vtepIp(), peer.vtepIp(), settings.udpPort());
            }
            if (peer.vtepIp() != 0) {
                peerByVtep.put(0, peer.vtepIp(), p);
            }
            if (peer.memifPort() >= 0 && peer.memifPort() <= maxPort) {
                peerByPort[peer.memifPort()] = p;
            }
            macsByPeer.add(new ArrayList<>());
        }
        List<List<Integer>> byVlan = new ArrayList<>(4096);
        for (int v = 0; v < 4096; v++) {
            byVlan.add(null);
        }
        for (int r = 0; r < accepted.size(); r++) {
            RemoteVnic v = accepted.get(r);
            int p = indexOf(v.appliance());
            peerOfRemote[r] = p;
            List<long[]> macs = macsByPeer.get(p);
            while (macs.size() <= r) {
                macs.add(null);
            }
            macs.set(r, WireAddresses.macs(v.config()));
            int vlan = v.config().vlan();
            if (byVlan.get(vlan) == null) {
                byVlan.set(vlan, new ArrayList<>());
            }
            if (!byVlan.get(vlan).contains(p)) {
                byVlan.get(vlan).add(p);
            }
        }
        this.sourcesByPeer = new SourceMacCheck[this.peers.length];
        for (int p = 0; p < this.peers.length; p++) {
            sourcesByPeer[p] = SourceMacCheck.ofOwners(macsByPeer.get(p));
        }
        this.peersByVlan = new int[4096][];
        for (int v = 0; v < 4096; v++) {
            List<Integer> ps = byVlan.get(v);
            if (ps != null) {
                peersByVlan[v] = ps.stream().mapToInt(Integer::intValue).toArray();
            }
        }
    }

    private int indexOf(String appliance) {
        for (int p = 0; p < peers.length; p++) {
            if (peers[p].appliance().equals(appliance)) {
                return p;
            }
        }
        throw new IllegalStateException("no peer " + appliance);
    }

    /**
     * The fabric as the lcores are to see it: {@code claimed} in claim order (the directory's: an earlier claim wins a
     * clash), each kept unless its appliance is no peer, its VNS does not exist here, or one of its MACs (in its VLAN)
     * or IPv4 addresses (in its VNS) is a local VNIC's or an earlier remote one's. What is left out is said in
     * {@link #refused()}.
     *
     * @param local          the local VNICs' tables (a local VNIC always wins)
     * @param vnsIndexes     this appliance's VNSes
     * @param countersByPeer the peers' counters, kept across builds (new peers get theirs here)
     */
    public static FabricState build(FabricSettings settings, long uplinkMac, int uplinkMtu, List<FabricPeer> peers,
                                    List<RemoteVnic> claimed, ClassifierTables local, Map<String, Integer> vnsIndexes,
                                    Map<String, PeerCounters> countersByPeer, int maxPort) {
        java.util.Set<String> peerNames = new java.util.HashSet<>();
        peers.forEach(p -> peerNames.add(p.appliance()));
        List<RemoteVnic> accepted = new ArrayList<>();
        List<Refusal> refused = new ArrayList<>();
        java.util.Set<Long> macs = new java.util.HashSet<>();
        java.util.Set<Long> ips = new java.util.HashSet<>();
        // a peer's source MACs are checked without their VLAN: one MAC in two of its VLANs cannot name one owner
        java.util.Set<String> peerMacs = new java.util.HashSet<>();
        for (RemoteVnic v : claimed) {
            String why = refusal(settings, v, peerNames, local, vnsIndexes, macs, ips);
            for (long m : WireAddresses.macs(v.config())) {
                if (why == null && peerMacs.contains(v.appliance() + "/" + m)) {
                    why = "MAC " + io.quiver.dataplane.packet.Ethernet.formatMac(m) + " is another VNIC of " + v.appliance()
                            + "'s already (in another VLAN)";
                }
            }
            if (why != null) {
                refused.add(new Refusal(v, why));
                continue;
            }
            VnicConfig c = v.config();
            for (long m : WireAddresses.macs(c)) {
                macs.add(m | (long) c.vlan() << 48);
                peerMacs.add(v.appliance() + "/" + m);
            }
            int vns = vnsIndexes.get(c.vns());
            for (int a : WireAddresses.ipv4(c)) {
                ips.add((long) vns << 32 | Integer.toUnsignedLong(a));
            }
            accepted.add(v);
        }
        return new FabricState(settings, uplinkMac, uplinkMtu, peers, accepted, refused, vnsIndexes, countersByPeer, maxPort);
    }

    private static String refusal(FabricSettings settings, RemoteVnic v, java.util.Set<String> peerNames, ClassifierTables local,
                                  Map<String, Integer> vnsIndexes, java.util.Set<Long> macs, java.util.Set<Long> ips) {
        VnicConfig c = v.config();
        if (v.appliance().equals(settings.appliance())) {
            return "it names this appliance as its host";
        }
        if (!peerNames.contains(v.appliance())) {
            return "its appliance " + v.appliance() + " is not in the directory";
        }
        Integer vns = vnsIndexes.get(c.vns());
        if (vns == null) {
            return "its VNS " + c.vns() + " does not exist on this appliance";
        }
        for (long m : WireAddresses.macs(c)) {
            String mac = io.quiver.dataplane.packet.Ethernet.formatMac(m);
            if (local.vnicOf(m, c.vlan()) >= 0) {
                return "MAC " + mac + " is local VNIC " + local.vnics().get(local.vnicOf(m, c.vlan())).name() + "'s";
            }
            if (macs.contains(m | (long) c.vlan() << 48)) {
                return "MAC " + mac + " was claimed first by another remote VNIC";
            }
        }
        for (int a : WireAddresses.ipv4(c)) {
            String ip = io.quiver.dataplane.packet.UdpFrameBuilder.formatIpv4(a);
            if (local.ownerOf(vns, a) >= 0) {
                return "IPv4 " + ip + " is local VNIC " + local.vnics().get(local.ownerOf(vns, a)).name() + "'s";
            }
            if (ips.contains((long) vns << 32 | Integer.toUnsignedLong(a))) {
                return "IPv4 " + ip + " was claimed first by another remote VNIC";
            }
        }
        return null;
    }

    public FabricSettings settings() {
        return settings;
    }

    /** The remote VNICs the lcores reach, by index. */
    public List<RemoteVnic> remoteVnics() {
        return accepted;
    }

    public List<Refusal> refused() {
        return refused;
    }

    public List<FabricPeer> peers() {
        return List.of(peers);
    }

    /** The counters of peer {@code appliance}, or null when it is no peer now. */
    public PeerCounters countersOf(String appliance) {
        for (int p = 0; p < peers.length; p++) {
            if (peers[p].appliance().equals(appliance)) {
                return counters[p];
            }
        }
        return null;
    }

    // what the lcores call, per packet: plain reads of final arrays

    /** The remote VNICs' tables: (MAC, VLAN) and (VNS, IPv4) lookups, and each one's facts for the checks. */
    public ClassifierTables remotes() {
        return remotes;
    }

    /** The peer hosting remote VNIC {@code remote}. */
    public int peerOf(int remote) {
        return peerOfRemote[remote];
    }

    public int peerCount() {
        return peers.length;
    }

    public FabricPeer peer(int p) {
        return peers[p];
    }

    /** The outer VXLAN headers to peer {@code p}, or null when VXLAN does not reach it. */
    public VxlanHeader vxlanHeader(int p) {
        return vxlanHeaders[p];
    }

    public PeerCounters counters(int p) {
        return counters[p];
    }

    /** The source MACs peer {@code p}'s frames may carry, each naming its remote VNIC. */
    public SourceMacCheck sourcesOf(int p) {
        return sourcesByPeer[p];
    }

    /** The peer whose VTEP is {@code ip}, or -1. */
    public int peerWithVtep(int ip) {
        return peerByVtep.get(0, ip);
    }

    /** The peer at the other end of memif port {@code port}, or -1. */
    public int peerOnPort(int port) {
        return port < peerByPort.length ? peerByPort[port] : -1;
    }

    /** The peers with VNICs in {@code vlan}, or null. */
    public int[] peersIn(int vlan) {
        return peersByVlan[vlan];
    }

    public long uplinkMac() {
        return uplinkMac;
    }

    public int uplinkMtu() {
        return uplinkMtu;
    }

    /** The medium that reaches the VNIC with {@code mac} in {@code vlan}: null when no remote VNIC has it. */
    public FabricPeer hostOf(long mac, int vlan) {
        int r = remotes.vnicOf(mac, vlan);
        return r < 0 ? null : peers[peerOfRemote[r]];
    }
}
