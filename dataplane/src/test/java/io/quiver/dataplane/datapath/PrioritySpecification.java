package io.quiver.dataplane.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.model.IdentificationRule;
import io.quiver.configstore.model.PriorityClass;
import io.quiver.configstore.model.Subscription;
import io.quiver.configstore.model.VnicParameter;
import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.classify.ClassifierChoice;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.packet.ClientHelloRecord;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.TcpFrameBuilder;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.priority.Identifier;
import io.quiver.dataplane.priority.LevelCounters;
import io.quiver.dataplane.priority.Levels;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dataplane.vnic.AttachedVnic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Subscription levels on the datapath, end to end through real DPDK pcap ports: a VNIC shaped to 2 Mbit/s receives a
 * best-effort flood far above that, and beside it premium connections identified by prefix, by the server name in a
 * ClientHello, and by a token in the payload; a fourth level's maxpps polices. Every premium packet from its
 * identification on must reach the guest; best-effort takes the loss. Subclasses run it in each threading mode.
 */
abstract class PrioritySpecification {
    static final byte[] MAC_A = Ethernet.parseMac("02:00:00:00:00:0a");
    static final byte[] GATEWAY = Ethernet.parseMac("02:00:00:00:ff:fe");
    static final int IP_A = UdpFrameBuilder.parseIpv4("10.0.0.1");
    static final int HOST = UdpFrameBuilder.parseIpv4("10.0.0.254");
    static final int PREMIUM_HOST = UdpFrameBuilder.parseIpv4("10.8.0.5");
    static final int CAPPED_HOST = UdpFrameBuilder.parseIpv4("10.9.0.5");
    static final int FLOOD = 1500;
    static final int SEGMENTS = 20;

    /** Payload markers: the first byte says which stream a delivered frame belongs to. */
    static final byte BEST_EFFORT = 1;
    static final byte BY_PREFIX = 2;
    static final byte BY_SNI = 3;
    static final byte BY_TOKEN = 4;
    static final byte UNMATCHED = 5;
    static final byte CAPPED = 6;

    static Path dir;
    static List<byte[]> delivered;
    static long[] dropsOfA;
    static long[] identified;
    static long[] mostPacketsToIdentify;
    static long unmatched;
    static LevelCounters[] byLevel;
    static int inUseAfter;
    static List<String> loopFailures;

    static byte[] udp(int src, int srcPort, byte marker, int seq) {
        byte[] payload = new byte[158];
        payload[0] = marker;
        ByteBuffer.wrap(payload).putInt(1, seq);
        return new UdpFrameBuilder().destinationMac(MAC_A).sourceMac(GATEWAY).sourceIp(src).destinationIp(IP_A)
                .ports(srcPort, 9).payload(payload).build();
    }

    static byte[] tcp(int srcPort, int dstPort, int seq, int flags, byte[] payload) {
        return new TcpFrameBuilder().destinationMac(MAC_A).sourceMac(GATEWAY).sourceIp(HOST).destinationIp(IP_A)
                .ports(srcPort, dstPort).seq(seq).flags(flags).payload(payload).build();
    }

    /** A connection's frames: SYN, then its first payload, then {@link #SEGMENTS} more segments marked {@code marker}. */
    static List<byte[]> connection(int srcPort, int dstPort, byte[] first, byte marker) {
        List<byte[]> frames = new ArrayList<>();
        frames.add(tcp(srcPort, dstPort, 1000, TcpFrameBuilder.SYN, new byte[0]));
        int seq = 1001;
        byte[] marked = Arrays.copyOf(first, first.length);
        frames.add(tcp(srcPort, dstPort, seq, TcpFrameBuilder.ACK | TcpFrameBuilder.PSH, marked));
        seq += marked.length;
        for (int k = 0; k < SEGMENTS; k++) {
            byte[] data = new byte[150];
            data[0] = marker;
            frames.add(tcp(srcPort, dstPort, seq, TcpFrameBuilder.ACK, data));
            seq += data.length;
        }
        return frames;
    }

    static void run(ThreadingMode mode, Path tmp) throws Exception {
        dir = tmp;
        List<byte[]> sni = connection(40001, 443, ClientHelloRecord.of("api.gold.example"), BY_SNI);
        List<byte[]> token = connection(40002, 80,
                "GET / HTTP/1.1\r\nHost: a\r\nX-Tier: gold\r\n\r\n".getBytes(StandardCharsets.US_ASCII), BY_TOKEN);
        List<byte[]> other = connection(40003, 443, ClientHelloRecord.of("www.other.example"), UNMATCHED);
        List<byte[]> in = new ArrayList<>();
        // the handshakes' SYNs come first, into empty rings: what is measured is everything from identification on
        in.add(sni.remove(0));
        in.add(token.remove(0));
        in.add(other.remove(0));
        int prefixSeq = 0;
        int capped = 0;
        for (int k = 0; k < FLOOD; k++) {
            in.add(udp(HOST, 5000, BEST_EFFORT, k));
            if (k % 25 == 0) {
                in.add(udp(PREMIUM_HOST, 6000, BY_PREFIX, prefixSeq++));
            }
            if (k % 60 == 0 && !sni.isEmpty()) {
                in.add(sni.remove(0));
                in.add(token.remove(0));
                in.add(other.remove(0));
            }
            if (k % 10 == 0 && capped < 100) {
                in.add(udp(CAPPED_HOST, 7000, CAPPED, capped++));
            }
        }
        PcapFile.write(dir.resolve("uplink-in.pcap"), in);
        PcapFile.write(dir.resolve("a-in.pcap"), List.of());
        int lcores = mode == ThreadingMode.SHARED ? 1 : 2;
        var ports = List.of(pcapPort("uplink", 50, lcores), pcapPort("a", 51, lcores));
        var a = AttachedVnic.of("A", Ethernet.formatMac(MAC_A), List.of(), List.of("10.0.0.1/24"), 0, "a");
        var shaped = new AttachedVnic(a.config().with(VnicParameter.BANDWIDTH_LIMIT, "2M"), "a");
        List<Subscription> levels = List.of(
                level("gold-prefix", PriorityClass.HIGH, 10, 0, "prefix=10.8.0.0/16"),
                level("capped", PriorityClass.HIGH, 20, 10, "prefix=10.9.0.0/16"),
                level("gold-sni", PriorityClass.CRITICAL, 30, 0, "sni=*.gold.example"),
                level("gold-token", PriorityClass.MEDIUM, 40, 0, "token=X-Tier: gold"));
        var base = new RuntimeConfig(EalOptions.virtualDefaults().withFilePrefix("quiver-prio-" + ProcessHandle.current().pid()),
                8191, 64, 32, ports);
        List<Integer> cpus = mode == ThreadingMode.SHARED ? List.of(1) : List.of(1, 0);
        Datapath datapath = Datapath.start(new DatapathConfig(base, "uplink", List.of(), null, List.of(shaped), mode, cpus,
                128, 16, ClassifierChoice.SOFTWARE, null, List.of(), List.of(),
                new PrioritySettings(4096, 5, levels)));
        try {
            long deadline = System.nanoTime() + 30_000_000_000L;
            long last = -1;
            while (System.nanoTime() < deadline) { // until everything was received and the shaper has let out what it held
                Thread.sleep(400);
                long now = datapath.vnic("A").counters().rxPackets;
                if (now == last && datapath.uplink().rxCounters(0).packets == in.size()) {
                    break;
                }
                last = now;
            }
            loopFailures = datapath.runtime().loops().stream().map(l -> String.valueOf(l.failure())).toList();
            datapath.stopLoops();
            dropsOfA = datapath.vnic("A").counters().drops();
            Identifier id = datapath.identifier();
            identified = id.identified.clone();
            mostPacketsToIdentify = id.mostPacketsToIdentify.clone();
            unmatched = id.unmatched;
            Levels compiled = datapath.levels();
            byLevel = new LevelCounters[compiled.size()];
            for (int i = 0; i < compiled.size(); i++) {
                byLevel[i] = compiled.counters(i);
            }
            inUseAfter = datapath.runtime().pool().inUse();
        } finally {
            datapath.close();
        }
        delivered = new ArrayList<>();
        for (int q = 0; q < 2; q++) {
            Path f = dir.resolve("a-out" + q + ".pcap");
            if (Files.exists(f)) {
                delivered.addAll(PcapFile.read(f));
            }
        }
    }

    static Subscription level(String name, PriorityClass cls, int rank, long maxpps, String rule) {
        return Subscription.create(name, Subscription.Kind.SUBSCRIPTION, cls, 0, maxpps, rank,
                List.of(IdentificationRule.parse(rule)));
    }

    private static PortConfig pcapPort(String name, int index, int txQueues) {
        StringBuilder devargs = new StringBuilder("net_pcap" + index + ",rx_pcap=" + dir.resolve(name + "-in.pcap"));
        for (int q = 0; q < txQueues; q++) {
            devargs.append(",tx_pcap=").append(dir.resolve(name + "-out" + q + ".pcap"));
        }
        return PortConfig.of(name, devargs.toString());
    }

    /** Delivered frames of the stream marked {@code marker} (the first payload byte; UDP and TCP payloads differ in offset). */
    static long deliveredOf(byte marker) {
        return delivered.stream().filter(f -> {
            int protocol = f[23];
            int at = protocol == 17 ? 42 : 54;
            return f.length > at && f[at] == marker;
        }).count();
    }

    @Test
    void everyPremiumPacketFromIdentificationOnReachesTheGuestAndBestEffortTakesTheLoss() {
        assertTrue(loopFailures.stream().allMatch("null"::equals), "lcores: " + loopFailures);
        assertEquals(FLOOD / 25, deliveredOf(BY_PREFIX), "by prefix: identified on its first packet");
        assertEquals(SEGMENTS, deliveredOf(BY_SNI), "by SNI: every segment after the ClientHello");
        assertEquals(SEGMENTS, deliveredOf(BY_TOKEN), "by token: every segment after the request");
        long bestEffort = deliveredOf(BEST_EFFORT);
        assertTrue(bestEffort < FLOOD / 2, "best-effort is cut to the shaper's rate: " + bestEffort + " of " + FLOOD);
        assertTrue(dropsOfA[DropReason.RING_FULL.ordinal()] > FLOOD / 2, "and counted: " + Arrays.toString(dropsOfA));
        assertEquals(0, inUseAfter, "no mbuf leaked");
    }

    @Test
    void identificationTakesOnePacketByPrefixAndTheClientHelloBySni() {
        assertEquals(2, identified[0], "two connections by prefix (gold-prefix, capped)");
        assertEquals(1, mostPacketsToIdentify[0], "a prefix decides on the first packet");
        assertEquals(1, identified[1]);
        assertEquals(2, mostPacketsToIdentify[1], "the SYN, then the ClientHello's segment");
        assertEquals(1, identified[2]);
        assertEquals(2, mostPacketsToIdentify[2], "the SYN, then the request carrying the token");
        assertTrue(unmatched >= 1, "the ClientHello naming another server matched nothing");
        assertEquals(1 + SEGMENTS, byLevel[2].packets, "gold-sni: the ClientHello and every later segment");
        assertEquals(1, byLevel[2].connections);
    }

    @Test
    void aLevelsMaxppsPolicesWhatItIdentified() {
        long passed = deliveredOf(CAPPED);
        assertTrue(byLevel[1].overLimit > 50, "capped at 10 packets/s: most of 100 dropped, " + byLevel[1].overLimit);
        assertEquals(byLevel[1].overLimit, dropsOfA[DropReason.OVER_LIMIT.ordinal()], "counted on the VNIC as over-limit");
        assertEquals(100 - byLevel[1].overLimit, passed, "what the policer admitted was delivered, at its class");
    }
}
