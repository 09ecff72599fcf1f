package io.quiver.perf.priority;

import io.quiver.dataplane.config.Defaults;
import io.quiver.dataplane.packet.ClientHelloRecord;
import io.quiver.dataplane.packet.TcpFrameBuilder;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.port.MbufBurst;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.runtime.DpdkRuntime;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dpdk.EthDev;
import io.quiver.dpdk.Mbufs;
import io.quiver.dpdk.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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

    private static final MemorySegment MEMORY = NativeMemory.ALL;
    private static final int UDP_PAYLOAD = 42;
    private static final int TCP_PAYLOAD = 54;
    private static final int BEST_EFFORT_FLOWS = 64;

    private final DpdkRuntime runtime;
    private final int generator;
    private final int sink;
    private final long pool;
    private final MbufBurst tx;
    private final MbufBurst rx;
    private int connections;

    private OverloadLoad(DpdkRuntime runtime) {
        this.runtime = runtime;
        this.generator = runtime.port("generator").id();
        this.sink = runtime.port("sink").id();
        this.pool = runtime.pool().address();
        this.tx = new MbufBurst(runtime.arena(), Defaults.BURST);
        this.rx = new MbufBurst(runtime.arena(), Defaults.BURST);
    }

    static OverloadLoad start(int mainCpu) {
        var eal = new EalOptions(mainCpu, 512, false, false, "quiver-bench-gen-" + ProcessHandle.current().pid(), List.of());
        var config = new RuntimeConfig(eal, 16383, 0, Defaults.BURST, List.of(
                PortConfig.of("generator", "net_af_packet10,iface=" + OverloadScenario.GENERATOR),
                PortConfig.of("sink", "net_af_packet11,iface=" + OverloadScenario.SINK)));
        return new OverloadLoad(DpdkRuntime.start(config, 1, 4));
    }

    /** One stream's paced packets: its templates, its rate, where it is. */
    private static final class Paced {
        final Stream stream;
        final List<byte[]> preamble;
        final byte[] data;
        final int payloadAt;
        final long interval;
        long next;
        long sent;

        Paced(Stream stream, List<byte[]> preamble, byte[] data, double rate, long start) {
            this.stream = stream;
            this.preamble = preamble;
            this.data = data;
            this.payloadAt = data[23] == 17 ? UDP_PAYLOAD : TCP_PAYLOAD;
            this.interval = (long) (1e9 / rate);
            this.next = start;
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
        streams.add(new Paced(Stream.PREFIX, List.of(), udp(OverloadScenario.PREMIUM_HOST, base, Stream.PREFIX), capacityPps * 0.1 / 3, start));
        streams.add(tcp(Stream.SNI, base + 1, ClientHelloRecord.of(OverloadScenario.SERVER_NAME), 443, capacityPps * 0.1 / 3, start));
        streams.add(tcp(Stream.TOKEN, base + 2, ("GET / HTTP/1.1\r\nHost: api\r\n" + OverloadScenario.TOKEN + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII), 80, capacityPps * 0.1 / 3, start));
        if (loaded) {
            streams.add(new Paced(Stream.BEST_EFFORT, List.of(), udp(OverloadScenario.BEST_EFFORT_HOST, 5000, Stream.BEST_EFFORT),
                    capacityPps * 2, start));
        }
        Histogram latency = new Histogram(3_600_000_000_000L, 3);
        long[] received = new long[4];
        Thread sinkThread = Thread.ofPlatform().name("bench-sink").start(() -> drain(received, latency, start));
        long generatorDrops = 0;
        for (Paced p : streams) { // the connections' openings first: the SYN, then the segment that identifies them
            for (byte[] f : p.preamble) {
                generatorDrops += send(List.of(f));
                Thread.sleep(5);
            }
        }
        long end = start + seconds * 1_000_000_000L;
        long now;
        int first = 0;
        while ((now = System.nanoTime()) < end) {
            tx.count = 0;
            // the stream that goes first in a burst takes the slot a full ring just freed: every stream has its turn
            first = first + 1 == streams.size() ? 0 : first + 1;
            for (int k = 0; k < streams.size(); k++) {
                Paced p = streams.get((first + k) % streams.size());
                while (p.next <= now && tx.count < tx.capacity()) {
                    long m = build(p, now);
                    if (m != 0) {
                        tx.add(m);
                    }
                    p.next += p.interval;
                    p.sent++;
                }
            }
            if (tx.count == 0) {
                LockSupport.parkNanos(20_000);
                continue;
            }
            int n = tx.count;
            int sent = EthDev.txBurst(generator, 0, tx.segment(), n);
            if (sent < n) {
                generatorDrops += n - sent;
                tx.freeFrom(sent);
            }
        }
        Thread.sleep(500); // what the shaper still holds drains
        sinkThread.interrupt();
        sinkThread.join();
        long[] sent = new long[4];
        for (Paced p : streams) {
            sent[p.stream.ordinal()] = p.sent;
        }
        return new Phase(sent, received, latency, generatorDrops);
    }

    private long build(Paced p, long now) {
        long m = Mbufs.alloc(pool);
        if (m == 0) {
            return 0;
        }
        long data = Mbufs.append(m, p.data.length);
        MemorySegment.copy(p.data, 0, MEMORY, ValueLayout.JAVA_BYTE, data, p.data.length);
        long payload = data + p.payloadAt;
        if (p.stream == Stream.BEST_EFFORT) { // spread over flows, as real best-effort traffic is
            MEMORY.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), data + 34,
                    (short) (5000 + p.sent % BEST_EFFORT_FLOWS));
        }
        MEMORY.set(ValueLayout.JAVA_LONG_UNALIGNED, payload + 8, now);
        MEMORY.set(ValueLayout.JAVA_LONG_UNALIGNED, payload + 16, p.sent);
        return m;
    }

    private int send(List<byte[]> frames) {
        tx.count = 0;
        for (byte[] f : frames) {
            long m = Mbufs.alloc(pool);
            long data = Mbufs.append(m, f.length);
            MemorySegment.copy(f, 0, MEMORY, ValueLayout.JAVA_BYTE, data, f.length);
            tx.add(m);
        }
        int n = tx.count;
        int sent = EthDev.txBurst(generator, 0, tx.segment(), n);
        if (sent < n) {
            tx.freeFrom(sent);
        }
        return n - sent;
    }

    private void drain(long[] received, Histogram latency, long start) {
        boolean stopping = false;
        while (true) {
            int n = EthDev.rxBurst(sink, 0, rx.segment(), rx.capacity());
            if (n == 0) {
                if (stopping || Thread.interrupted()) {
                    if (stopping) {
                        return;
                    }
                    stopping = true; // one more empty poll after the interrupt, then done
                }
                LockSupport.parkNanos(10_000);
                continue;
            }
            long now = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long m = rx.get(i);
                long frame = Mbufs.data(m);
                int length = Mbufs.dataLen(m);
                int at = MEMORY.get(ValueLayout.JAVA_BYTE, frame + 23) == 17 ? UDP_PAYLOAD : TCP_PAYLOAD;
                if (length >= at + 24) {
                    int marker = MEMORY.get(ValueLayout.JAVA_BYTE, frame + at) & 0xFF;
                    for (Stream s : Stream.values()) {
                        if (s.marker == marker) {
                            received[s.ordinal()]++;
                            long sentAt = MEMORY.get(ValueLayout.JAVA_LONG_UNALIGNED, frame + at + 8);
                            if (s.premium() && sentAt >= start && sentAt <= now) {
                                latency.recordValue(now - sentAt);
                            }
                        }
                    }
                }
            }
            rx.count = n;
            rx.freeAll();
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
        return new Paced(s, List.of(syn, hello), data, rate, start);
    }

    @Override
    public void close() {
        runtime.close();
    }
}
