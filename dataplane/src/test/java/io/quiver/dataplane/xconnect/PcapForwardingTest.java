package io.quiver.dataplane.xconnect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.dataplane.TestFrames;
import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.port.QueueCounters;
import io.quiver.dataplane.runtime.DpdkRuntime;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dpdk.EthDev;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames replayed from a pcap file through Quiver's forwarding loop come out on a {@code net_pcap,tx_pcap=} port
 * exactly: one path forwards unchanged, a second swaps MACs; counters, device stats and the pool agree. A third path
 * sends into a {@code net_ring} port nobody drains: what its full ring refuses is freed and counted as tx-full.
 * One dataplane (one EAL) for the class: surefire runs each test class in its own JVM.
 */
class PcapForwardingTest {
    private static final int FRAMES = 2000;

    @TempDir
    static Path dir;
    static List<byte[]> sent;
    static DpdkRuntime dataplane;
    static String runtimeDir;
    static int inUseAfterTraffic;
    /** The third path, read before any test closes the dataplane: in3 rx, full tx, full tx-full, the port's tx-full drops, device tx. */
    static long[] fullPath;
    static CrossConnect crossConnect;

    @BeforeAll
    static void forward() throws Exception {
        sent = TestFrames.udp(FRAMES, 42);
        PcapFile.write(dir.resolve("in.pcap"), sent);
        PcapFile.write(dir.resolve("in2.pcap"), sent);
        PcapFile.write(dir.resolve("in3.pcap"), sent);
        var config = new CrossConnectConfig(new RuntimeConfig(EalOptions.virtualDefaults().withFilePrefix("quiver-pcapfwd-" + ProcessHandle.current().pid()),
                8191, 64, 32,
                List.of(PortConfig.of("in", "net_pcap10,rx_pcap=" + dir.resolve("in.pcap")),
                        PortConfig.of("out", "net_pcap11,tx_pcap=" + dir.resolve("out.pcap")),
                        PortConfig.of("in2", "net_pcap12,rx_pcap=" + dir.resolve("in2.pcap")),
                        PortConfig.of("swapped", "net_pcap13,tx_pcap=" + dir.resolve("swapped.pcap")),
                        PortConfig.of("in3", "net_pcap14,rx_pcap=" + dir.resolve("in3.pcap")),
                        PortConfig.of("full", "net_ring0"))),
                List.of(new ForwardPath("in", "out", false, List.of(), false, 1),
                        new ForwardPath("in2", "swapped", true, List.of(), false, 1),
                        new ForwardPath("in3", "full", false, List.of(), false, 1)));
        crossConnect = CrossConnect.start(config);
        dataplane = crossConnect.runtime();
        runtimeDir = dataplane.runtimeDir();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while ((dataplane.port("out").txCounters(0).packets < FRAMES || dataplane.port("swapped").txCounters(0).packets < FRAMES
                || dataplane.port("in3").rxCounters(0).packets < FRAMES) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(50);
        inUseAfterTraffic = dataplane.pool().inUse();
        QueueCounters full = dataplane.port("full").txCounters(0);
        fullPath = new long[] {dataplane.port("in3").rxCounters(0).packets, full.packets, full.drops[DropReason.TX_FULL.ordinal()],
                dataplane.port("full").drops()[DropReason.TX_FULL.ordinal()], EthDev.stats(dataplane.port("full").id()).txPackets()};
    }

    @AfterAll
    static void stop() {
        if (crossConnect != null) {
            crossConnect.close();
        }
    }

    private static void stopAndFlush() {
        dataplane.close(); // closing a net_pcap port flushes its file
    }

    @Test
    void whatAFullTxQueueRefusesIsCountedAsTxFull() {
        assertEquals(FRAMES, fullPath[0], "the third path received every frame");
        long sent = fullPath[1];
        long txFull = fullPath[2];
        assertTrue(sent > 0 && txFull > 0, "the ring took some and refused the rest: sent " + sent + ", tx-full " + txFull);
        assertEquals(FRAMES, sent + txFull, "every frame was sent or counted as tx-full");
        assertEquals(txFull, fullPath[3], "the port's drops by reason include tx-full");
        assertEquals(sent, fullPath[4], "the device's own TX count agrees");
    }

    @Test
    void everyFrameComesOutUnchangedAndCountersAgree() throws Exception {
        QueueCounters rx = dataplane.port("in").rxCounters(0);
        QueueCounters tx = dataplane.port("out").txCounters(0);
        long bytes = sent.stream().mapToLong(f -> f.length).sum();
        assertEquals(FRAMES, rx.packets);
        assertEquals(bytes, rx.bytes);
        assertEquals(FRAMES, tx.packets);
        assertEquals(bytes, tx.bytes);
        assertEquals(0, rx.dropped + tx.drops[DropReason.TX_FULL.ordinal()] + rx.drops[DropReason.MALFORMED.ordinal()]);
        assertEquals(FRAMES, EthDev.stats(dataplane.port("in").id()).rxPackets());
        assertEquals(FRAMES, EthDev.stats(dataplane.port("out").id()).txPackets());
        assertEquals(bytes, EthDev.stats(dataplane.port("out").id()).txBytes());
        long heldByRing = fullPath[1];
        assertEquals(heldByRing, inUseAfterTraffic, "no mbuf leaked: the pool is back to its baseline but for what the undrained ring holds");

        stopAndFlush();
        List<byte[]> out = PcapFile.read(dir.resolve("out.pcap"));
        assertEquals(FRAMES, out.size());
        for (int i = 0; i < FRAMES; i++) {
            assertArrayEquals(sent.get(i), out.get(i), "frame " + i);
        }
        List<byte[]> swapped = PcapFile.read(dir.resolve("swapped.pcap"));
        assertEquals(FRAMES, swapped.size());
        for (int i = 0; i < FRAMES; i++) {
            byte[] s = sent.get(i);
            byte[] o = swapped.get(i);
            assertArrayEquals(Arrays.copyOfRange(s, 0, 6), Arrays.copyOfRange(o, 6, 12), "frame " + i + " source = old destination");
            assertArrayEquals(Arrays.copyOfRange(s, 6, 12), Arrays.copyOfRange(o, 0, 6), "frame " + i + " destination = old source");
            assertArrayEquals(Arrays.copyOfRange(s, 12, s.length), Arrays.copyOfRange(o, 12, o.length), "frame " + i + " rest unchanged");
        }
        assertFalse(Files.exists(Path.of(runtimeDir)), "shutdown removed the EAL runtime folder " + runtimeDir);
        assertTrue(runtimeDir.contains("quiver-pcapfwd-"));
    }
}
