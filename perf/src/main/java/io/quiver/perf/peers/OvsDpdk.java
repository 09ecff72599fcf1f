package io.quiver.perf.peers;

import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.control.host.Shell;
import io.quiver.dataplane.runtime.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Open vSwitch with DPDK (Debian's openvswitch-switch-dpdk) as the peer, run the way ../shared/peers/ found that it
 * works on a machine without hugepages: its own database, run folder, unixctl sockets and EAL file prefix (never the
 * system instance), {@code --legacy-mem} so OVS does not add {@code --in-memory}, one PMD thread on the forwarding
 * CPU, a netdev bridge in fail-secure mode, port 1 the source vdev and port 2 the sink, megaflows flushed after
 * every policy change.
 */
public final class OvsDpdk implements AutoCloseable {
    /** How long one OVS command-line call may take. */
    private static final long PEER_COMMAND_SECONDS = 60;

    public static final Path VSWITCHD = Path.of("/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk");
    private static final Path SCHEMA = Path.of("/usr/share/openvswitch/vswitch.ovsschema");
    private static final Pattern RX = Pattern.compile("rx pkts=(\\d+)");

    private final Path dir;
    private final Path run;
    private final String prefix;

    /** Every OVS tool and daemon gets the same run, log and db folders: ovs-ofctl finds br0.mgmt through them. */
    private List<String> env(String... command) {
        List<String> cmd = new ArrayList<>(List.of("env", "OVS_RUNDIR=" + run, "OVS_LOGDIR=" + dir, "OVS_DBDIR=" + dir));
        cmd.addAll(List.of(command));
        return cmd;
    }

    private OvsDpdk(Path dir) {
        this.dir = dir;
        this.run = dir.resolve("run");
        this.prefix = "quiver-bench-ovs-" + ProcessHandle.current().pid();
    }

    public static boolean available() {
        return Files.isExecutable(VSWITCHD) && Files.isReadable(SCHEMA);
    }

    /** Starts ovsdb-server and ovs-vswitchd with DPDK, a bridge br0 and the sink as port 2. */
    public static OvsDpdk start(Path dir, int mainCpu, int pmdCpu, String sinkDevargs) throws IOException {
        OvsDpdk ovs = new OvsDpdk(dir);
        Files.createDirectories(ovs.run);
        Path db = dir.resolve("conf.db");
        Files.deleteIfExists(db);
        Shell.check(ovs.env("ovsdb-tool", "create", db.toString(), SCHEMA.toString()), PEER_COMMAND_SECONDS);
        Shell.check(ovs.env("ovsdb-server", db.toString(), "--remote=punix:" + ovs.run.resolve("db.sock"),
                "--pidfile=" + ovs.run.resolve("ovsdb-server.pid"), "--unixctl=" + ovs.run.resolve("ovsdb-server.ctl"),
                "--log-file=" + dir.resolve("ovsdb-server.log"), "--detach", "--no-chdir"), PEER_COMMAND_SECONDS);
        ovs.vsctl("--no-wait", "init");
        ovs.vsctl("--no-wait", "set", "Open_vSwitch", ".", "other_config:dpdk-init=true",
                "other_config:dpdk-extra=--no-huge -m 2048 --no-pci --legacy-mem --file-prefix " + ovs.prefix,
                "other_config:dpdk-lcore-mask=0x" + Integer.toHexString(1 << mainCpu),
                "other_config:pmd-cpu-mask=0x" + Integer.toHexString(1 << pmdCpu));
        Shell.check(ovs.env(VSWITCHD.toString(), "unix:" + ovs.run.resolve("db.sock"), "--pidfile=" + ovs.run.resolve("ovs-vswitchd.pid"),
                "--unixctl=" + ovs.run.resolve("ovs-vswitchd.ctl"), "--log-file=" + dir.resolve("ovs-vswitchd.log"), "--detach", "--no-chdir"), PEER_COMMAND_SECONDS);
        if (!ovs.vsctl("get", "Open_vSwitch", ".", "dpdk_initialized").strip().equals("true")) {
            throw new IllegalStateException("OVS did not initialise DPDK; see " + dir.resolve("ovs-vswitchd.log"));
        }
        ovs.vsctl("add-br", "br0", "--", "set", "bridge", "br0", "datapath_type=netdev", "fail_mode=secure");
        ovs.vsctl("add-port", "br0", "p2", "--", "set", "Interface", "p2", "type=dpdk", "options:dpdk-devargs=" + sinkDevargs, "ofport_request=2");
        return ovs;
    }

    /** Makes {@code devargs} port 1 (the source). */
    public void source(String devargs) {
        ofctl("del-flows", "br0");
        vsctl("--if-exists", "del-port", "br0", "p1");
        vsctl("add-port", "br0", "p1", "--", "set", "Interface", "p1", "type=dpdk", "options:dpdk-devargs=" + devargs, "ofport_request=1");
    }

    /**
     * The equivalent of Quiver's guest egress for {@code macs}: table 0 lets port 1 send only with a VNIC's source
     * MAC (the rest drops), table 1 forwards by destination MAC (a VNIC's MAC to the sink that stands for the VNICs).
     */
    public void antiSpoofAndMacForwarding(List<String> macs) throws IOException {
        List<String> flows = new ArrayList<>();
        for (String m : macs) {
            flows.add("table=1,priority=100,dl_dst=" + m + ",actions=output:2");
        }
        antiSpoofAnd(macs, flows);
    }

    /**
     * Routing as OVS can do it, for {@code bench vns}: table 0 as above, then table 1 routes IPv4 sent to the router's
     * MAC by host route (OVS has no ARP of its own: one flow per destination, the next hop's MAC written in), source
     * MAC the router's and TTL decremented, as Quiver's router does; {@code hosts} maps address to MAC.
     */
    public void antiSpoofAndRouting(List<String> macs, String routerMac, java.util.Map<String, String> hosts) throws IOException {
        List<String> flows = new ArrayList<>();
        hosts.forEach((ip, mac) -> flows.add("table=1,priority=100,ip,dl_dst=" + routerMac + ",nw_dst=" + ip
                + ",actions=mod_dl_src:" + routerMac + ",mod_dl_dst:" + mac + ",dec_ttl,output:2"));
        antiSpoofAnd(macs, flows);
    }

    private void antiSpoofAnd(List<String> macs, List<String> forwarding) throws IOException {
        List<String> flows = new ArrayList<>();
        for (String m : macs) {
            flows.add("table=0,priority=100,in_port=1,dl_src=" + m + ",actions=resubmit(,1)");
        }
        flows.add("table=0,priority=0,actions=drop");
        flows.addAll(forwarding);
        flows.add("table=1,priority=0,actions=drop");
        Path file = dir.resolve("flows.txt");
        Files.write(file, flows);
        ofctl("del-flows", "br0");
        ofctl("add-flows", "br0", file.toString());
        // stale, more specific megaflows from the previous policy would skew the next case
        try {
            appctl("dpctl/del-flows");
        } catch (IllegalStateException ignored) {
            // nothing to flush
        }
    }

    /**
     * Priority as OVS-DPDK can do it for {@code bench priority}: IPv4 from {@code premiumPrefix} goes to queue 10, the
     * rest to queue 20, both out of port 2, whose QoS is a two-level trTCM policer (RFC 4115, OVS's
     * {@code trtcm-policer}): queue 10 is committed (green) up to {@code premiumBytes}/s, queue 20 excess (yellow) up to
     * the capacity, and the port lets green through first within its committed rate and yellow within its excess rate.
     * Rates in bytes/s of IP packet (OVS policers count the frame without its Ethernet header). It drops what exceeds,
     * where Quiver queues: OVS-DPDK has no egress shaper.
     */
    public void premiumQueue(String premiumPrefix, long premiumBytes, long capacityBytes) {
        List<String> flows = List.of(
                "table=0,priority=100,ip,in_port=1,nw_src=" + premiumPrefix + ",actions=set_queue:10,output:2",
                "table=0,priority=10,in_port=1,actions=set_queue:20,output:2",
                "table=0,priority=0,actions=drop");
        Path file = dir.resolve("flows.txt");
        try {
            Files.write(file, flows);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ofctl("del-flows", "br0");
        ofctl("add-flows", "br0", file.toString());
        long burst = Math.max(16_000, capacityBytes / 100); // 10 ms at the capacity
        vsctl("--", "--if-exists", "clear", "port", "p2", "qos");
        vsctl("set", "port", "p2", "qos=@q", "--", "--id=@q", "create", "qos", "type=trtcm-policer",
                "other-config:cir=" + premiumBytes, "other-config:cbs=" + burst,
                "other-config:eir=" + (capacityBytes - premiumBytes), "other-config:ebs=" + burst,
                "queues:10=@q10", "queues:20=@q20",
                "--", "--id=@q10", "create", "queue", "other-config:cir=" + premiumBytes, "other-config:cbs=" + burst,
                "other-config:eir=0", "other-config:ebs=0",
                "--", "--id=@q20", "create", "queue", "other-config:cir=0", "other-config:cbs=0",
                "other-config:eir=" + capacityBytes, "other-config:ebs=" + burst);
    }

    /** Packets port 1 received per second over {@code seconds}, after {@code warmup} seconds. */
    public double measureRxMpps(int warmup, int seconds) throws InterruptedException {
        Thread.sleep(warmup * 1000L);
        long rx0 = rxPackets();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long rx1 = rxPackets();
        double elapsed = (System.nanoTime() - t0) / 1e9;
        return (rx1 - rx0) / elapsed / 1e6;
    }

    private long rxPackets() {
        Matcher m = RX.matcher(ofctl("dump-ports", "br0", "1"));
        if (!m.find()) {
            throw new IllegalStateException("no rx counter for OVS port 1");
        }
        return Long.parseLong(m.group(1));
    }

    /** The command line of {@code ovs-vsctl args} against this OVS's database (for a benchmark to time). */
    public List<String> vsctlCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ovs-vsctl", "--db=unix:" + run.resolve("db.sock")));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private String vsctl(String... args) {
        List<String> cmd = env("ovs-vsctl", "--db=unix:" + run.resolve("db.sock"));
        cmd.addAll(List.of(args));
        return Shell.check(cmd, PEER_COMMAND_SECONDS);
    }

    private String ofctl(String... args) {
        List<String> cmd = env("ovs-ofctl");
        cmd.addAll(List.of(args));
        return Shell.check(cmd, PEER_COMMAND_SECONDS);
    }

    private String appctl(String... args) {
        List<String> cmd = env("ovs-appctl", "-t", run.resolve("ovs-vswitchd.ctl").toString());
        cmd.addAll(List.of(args));
        return Shell.check(cmd, PEER_COMMAND_SECONDS);
    }

    /** Stops both daemons and removes the EAL runtime folder. */
    @Override
    public void close() {
        for (String d : new String[] {"ovs-vswitchd", "ovsdb-server"}) {
            try {
                Shell.check("ovs-appctl", "-t", run.resolve(d + ".ctl").toString(), "exit");
            } catch (IllegalStateException e) {
                Path pid = run.resolve(d + ".pid");
                try {
                    if (Files.exists(pid)) {
                        Shell.check("kill", Files.readString(pid).strip());
                    }
                } catch (IOException | IllegalStateException ignored) {
                    // already gone
                }
            }
        }
        try {
            Thread.sleep(500);
            FileTrees.delete(EalOptions.runtimeFolder(prefix));
        } catch (InterruptedException | java.io.UncheckedIOException ignored) {
            // best effort
        }
    }
}
