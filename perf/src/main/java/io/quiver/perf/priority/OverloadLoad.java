package io.quiver.perf.priority;

import io.quiver.dataplane.config.Defaults;
import io.quiver.dataplane.packet.ClientHelloRecord;
import io.quiver.dataplane.packet.TcpFrameBuilder;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.port.FramePort;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.runtime.DpdkRuntime;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The generator and the sink of {@code bench priority}'s overload scenario, in the benchmark's JVM with an EAL of its
 * own: af_packet ports on the generator's and the sink's veth ends. A generator thread paces each stream at its rate
 * (timestamp and sequence number in every data packet), a sink thread counts what arrives per stream and records
 * each premium packet's one-way latency (one clock: both ends are this process).
 */
final class OverloadLoad implements AutoCloseable {
    /** The streams, by marker (the first payload byte of every data packet). */
    enum Stream {
        BEST_EFFORT(0xA0), PREFIX(0xA1), SNI(0xA2), TOKEN(0xA3);

        final int marker;

        Stream(int marker) {
            this.marker = marker;
        }

        boolean premium() {
            return this != BEST_EFFORT;
        }
    }

    /** What one phase measured. */
    record Phase(long[] sent, long[] received, Histogram premiumLatency, long generatorDrops) {
        long premiumSent() {
            return sent[1] + sent[2] + sent[3];
        }

        long premiumReceived() {
            return received[1] + received[2] + received[3];
        }
    }

    private static final int UDP_PAYLOAD = 42;
    private static final int TCP_PAYLOAD = 54;
    private static final int BEST_EFFORT_FLOWS = 64;
    /** The sink looks at a frame's first bytes: through the payload's marker, timestamp and sequence number. */
    private static final int HEAD = TCP_PAYLOAD + 24;

    private final DpdkRuntime runtime;
    private final FramePort generator;
    private final FramePort sink;
    private int connections;

    private OverloadLoad(DpdkRuntime runtime) {
        this.runtime = runtime;
        this.generator = new FramePort(runtime.port("generator"), runtime.pool(), runtime.arena(), Defaults.BURST, HEAD);
        this.sink = new FramePort(runtime.port("sink"), runtime.pool(), runtime.arena(), Defaults.BURST, HEAD);
    }

    static OverloadLoad start(int mainCpu) {
        var eal = new EalOptions(mainCpu, 512, false, false, "quiver-bench-gen-" + ProcessHandle.current().pid(), List.of());
        var config = new RuntimeConfig(eal, 16383, 0, Defaults.BURST, List.of(
                PortConfig.of("generator", "net_af_packet10,iface=" + OverloadScenario.GENERATOR),
                PortConfig.of("sink", "net_af_packet11,iface=" + OverloadScenario.SINK)));
        return new OverloadLoad(DpdkRuntime.start(config, 1, 4));
    }

    /** One stream's paced packets: its templates (several flows for best-effort), its rate, where it is. */
    private static final class Paced {
        final Stream stream;
        final List<byte[]> preamble;
        final byte[][] data;
        final int stampAt;
        final long interval;
        long next;
        long sent;

        Paced(Stream stream, List<byte[]> preamble, byte[][] data, double rate, long start) {
            this.stream = stream;
            this.preamble = preamble;
            this.data = data;
            this.stampAt = (data[0][23] == 17 ? UDP_PAYLOAD : TCP_PAYLOAD) + 8;
            this.interval = (long) (1e9 / rate);
            this.next = start;
        }
    }

    /** The sink's view of each frame: counted per stream, a premium one's latency recorded. */
    private static final class Counting implements FramePort.Visitor {
        final long[] received = new long[4];
        final Histogram latency = new Histogram(3_600_000_000_000L, 3);
        final long start;
        long now;

        Counting(long start) {
            this.start = start;
        }

        @Override
        public void frame(byte[] head, int length) {
            int at = head[23] == 17 ? UDP_PAYLOAD : TCP_PAYLOAD;
            if (length < at + 24) {
                return;
            }
            int marker = head[at] & 0xFF;
            for (Stream s : Stream.values()) {
                if (s.marker == marker) {
                    received[s.ordinal()]++;
                    long sentAt = FramePort.stampAt(head, at + 8);
                    if (s.premium() && sentAt >= start && sentAt <= now) {
                        latency.recordValue(now - sentAt);
                    }
                }
            }
        }
    }

    /**
     * Sends the premium streams (10 % of the capacity, a third each: by prefix, by SNI, by token) and, when
     * {@code loaded}, best-effort at twice the capacity, for {@code seconds}; returns what the sink saw. Each phase
     * opens new connections, so each is identified afresh.
     */
    Phase run(boolean loaded, int seconds) throws InterruptedException {
        double capacityPps = OverloadScenario.CAPACITY / (OverloadScenario.FRAME * 8.0);
        int base = 20000 + 16 * (connections++ % 2000);
        long start = System.nanoTime() + 50_000_000L;
        List<Paced> streams = new ArrayList<>();
        streams.add(new Paced(Stream.PREFIX, List.of(), new byte[][] {udp(OverloadScenario.PREMIUM_HOST, base, Stream.PREFIX)},
                capacityPps * 0.1 / 3, start));
        streams.add(tcp(Stream.SNI, base + 1, ClientHelloRecord.of(OverloadScenario.SERVER_NAME), 443, capacityPps * 0.1 / 3, start));
        streams.add(tcp(Stream.TOKEN, base + 2, ("GET / HTTP/1.1\r\nHost: api\r\n" + OverloadScenario.TOKEN + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII), 80, capacityPps * 0.1 / 3, start));
        if (loaded) { // spread over flows, as real best-effort traffic is
            byte[][] flows = new byte[BEST_EFFORT_FLOWS][];
            for (int f = 0; f < flows.length; f++) {
                flows[f] = udp(OverloadScenario.BEST_EFFORT_HOST, 5000 + f, Stream.BEST_EFFORT);
            }
            streams.add(new Paced(Stream.BEST_EFFORT, List.of(), flows, capacityPps * 2, start));
        }
        Counting counting = new Counting(start);
        Thread sinkThread = Thread.ofPlatform().name("bench-sink").start(() -> drain(counting));
        long generatorDrops = 0;
        for (Paced p : streams) { // the connections' openings first: the SYN, then the segment that identifies them
            for (byte[] f : p.preamble) {
                generator.stage(f, -1, 0, 0);
                generatorDrops += generator.send();
                Thread.sleep(5);
            }
        }
        long end = start + seconds * 1_000_000_000L;
        long now;
        int first = 0;
        while ((now = System.nanoTime()) < end) {
            // the stream that goes first in a burst takes the slot a full ring just freed: every stream has its turn
            first = first + 1 == streams.size() ? 0 : first + 1;
            for (int k = 0; k < streams.size(); k++) {
                Paced p = streams.get((first + k) % streams.size());
                while (p.next <= now && !generator.isFull()) {
                    if (!generator.stage(p.data[(int) (p.sent % p.data.length)], p.stampAt, now, p.sent)) {
                        generatorDrops++;
                    }
                    p.next += p.interval;
                    p.sent++;
                }
            }
            if (generator.staged() == 0) {
                LockSupport.parkNanos(20_000);
                continue;
            }
            generatorDrops += generator.send();
        }
        Thread.sleep(500); // what the shaper still holds drains
        sinkThread.interrupt();
        sinkThread.join();
        long[] sent = new long[4];
        for (Paced p : streams) {
            sent[p.stream.ordinal()] = p.sent;
        }
        return new Phase(sent, counting.received, counting.latency, generatorDrops);
    }

    private void drain(Counting counting) {
        boolean stopping = false;
        while (true) {
            counting.now = System.nanoTime();
            if (sink.receive(counting) == 0) {
                if (stopping) {
                    return;
                }
                stopping = Thread.interrupted(); // one more empty poll after the interrupt, then done
                LockSupport.parkNanos(10_000);
            }
        }
    }

    private static byte[] udp(int src, int srcPort, Stream s) {
        byte[] payload = new byte[OverloadScenario.FRAME - UDP_PAYLOAD];
        payload[0] = (byte) s.marker;
        return new UdpFrameBuilder().destinationMac(OverloadScenario.VNIC_MAC).sourceMac(OverloadScenario.GATEWAY_MAC).sourceIp(src)
                .destinationIp(OverloadScenario.VNIC_IP).ports(srcPort, 9).payload(payload).build();
    }

    private static Paced tcp(Stream s, int srcPort, byte[] identifying, int dstPort, double rate, long start) {
        TcpFrameBuilder b = new TcpFrameBuilder().destinationMac(OverloadScenario.VNIC_MAC).sourceMac(OverloadScenario.GATEWAY_MAC)
                .sourceIp(OverloadScenario.BEST_EFFORT_HOST).destinationIp(OverloadScenario.VNIC_IP).ports(srcPort, dstPort);
        byte[] syn = b.seq(1000).flags(TcpFrameBuilder.SYN).payload(new byte[0]).build();
        byte[] hello = b.seq(1001).flags(TcpFrameBuilder.ACK | TcpFrameBuilder.PSH).payload(identifying).build();
        byte[] payload = new byte[OverloadScenario.FRAME - TCP_PAYLOAD];
        payload[0] = (byte) s.marker;
        byte[] data = b.seq(1001 + identifying.length).flags(TcpFrameBuilder.ACK).payload(payload).build();
        return new Paced(s, List.of(syn, hello), new byte[][] {data}, rate, start);
    }

    @Override
    public void close() {
        runtime.close();
    }
}
