package io.quiver.dataplane.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.port.PacketPool;
import io.quiver.dataplane.port.Port;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.xconnect.CrossConnectConfig;
import io.quiver.dataplane.xconnect.ForwardPath;
import io.quiver.dpdk.DpdkException;
import io.quiver.dpdk.Eal;
import io.quiver.dpdk.EthDev;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad devargs, a missing port, too many queues, a pool too small: clear errors, nothing left half-open. */
class BadInputTest {
    static PacketPool pool;

    @BeforeAll
    static void eal() {
        Eal.init(EalOptions.virtualDefaults().withFilePrefix("quiver-badinput-" + ProcessHandle.current().pid()).arguments());
        pool = PacketPool.create("bad-input", 4095, 32);
    }

    @AfterAll
    static void cleanup() throws Exception {
        pool.close();
        String dir = Eal.runtimeDir();
        Eal.cleanup();
        FileTrees.delete(Path.of(dir));
    }

    @Test
    void unknownDriverNamesTheCallAndTheDevargs() {
        DpdkException e = assertThrows(DpdkException.class, () -> Port.open(PortConfig.of("p", "net_bogus0,foo=1"), pool));
        assertEquals("rte_dev_probe", e.call());
        assertTrue(e.getMessage().contains("net_bogus0,foo=1"), e.getMessage());
        assertTrue(EthDev.portByName("net_bogus0").isEmpty());
    }

    @Test
    void badArgumentsOfARealDriverAreRefused() {
        DpdkException e = assertThrows(DpdkException.class, () -> Port.open(PortConfig.of("p", "net_pcap20,rx_pcap=/nonexistent/x.pcap"), pool));
        assertTrue(e.getMessage().contains("rte_dev_probe(net_pcap20,rx_pcap=/nonexistent/x.pcap) failed"), e.getMessage());
        assertTrue(EthDev.portByName("net_pcap20").isEmpty(), "nothing left attached");
    }

    @Test
    void aMissingPciPortIsAClearError() {
        DpdkException e = assertThrows(DpdkException.class, () -> Port.open(PortConfig.of("nic", "0000:99:00.0"), pool));
        assertTrue(e.getMessage().contains("0000:99:00.0"), e.getMessage());
    }

    @Test
    void moreQueuesThanTheDriverHasIsRefusedAndTheDeviceDetached(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("one.pcap");
        PcapFile.write(pcap, List.of(new byte[60]));
        var config = new PortConfig("q", "net_pcap21,rx_pcap=" + pcap, 2, 1, 512, 512, true);
        var e = assertThrows(IllegalArgumentException.class, () -> Port.open(config, pool));
        assertTrue(e.getMessage().contains("supports at most"), e.getMessage());
        assertTrue(EthDev.portByName("net_pcap21").isEmpty());
    }

    @Test
    void aPortCanBeOpenedAgainAfterAFailure(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("one.pcap");
        PcapFile.write(pcap, List.of(new byte[60]));
        String devargs = "net_pcap22,rx_pcap=" + pcap;
        assertThrows(IllegalArgumentException.class, () -> Port.open(new PortConfig("q", devargs, 2, 1, 512, 512, true), pool));
        try (Port p = Port.open(PortConfig.of("q", devargs), pool)) {
            assertTrue(p.linkUp());
            assertEquals("net_pcap", p.driver());
        }
        assertFalse(EthDev.portByName("net_pcap22").isPresent());
    }

    @Test
    void aPortWithTooFewTxQueuesSaysWhatToDo(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("one-queue.pcap");
        PcapFile.write(pcap, List.of(new byte[60]));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Port.open(new PortConfig("d", "net_pcap23,rx_pcap=" + pcap, 1, 2, 512, 512, true), pool));
        assertTrue(e.getMessage().contains("1 TX queue(s), and 2 are needed") && e.getMessage().contains("shared mode"), e.getMessage());
        assertFalse(EthDev.portByName("net_pcap23").isPresent(), "nothing is left open");
    }

    @Test
    void aPoolTooSmallIsRefusedBeforeAnythingStarts() {
        var config = new RuntimeConfig(EalOptions.virtualDefaults(), 600, 64, 32,
                List.of(PortConfig.of("a", "net_null30"), PortConfig.of("b", "net_null31")));
        var e = assertThrows(IllegalArgumentException.class, () -> DpdkRuntime.start(config, 1, 2));
        assertTrue(e.getMessage().contains("too small") && e.getMessage().contains("at least"), e.getMessage());
    }

    @Test
    void configurationMistakesAreNamed() {
        var eal = EalOptions.virtualDefaults();
        var ports = List.of(PortConfig.of("a", "net_null30"), PortConfig.of("a", "net_null31"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RuntimeConfig(eal, 8191, 64, 32, ports))
                .getMessage().contains("two ports are named 'a'"));
        var ok = new RuntimeConfig(eal, 8191, 64, 32, List.of(PortConfig.of("a", "net_null30")));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new CrossConnectConfig(ok,
                List.of(new ForwardPath("a", "zz", false, List.of(), false, 1)))).getMessage().contains("unknown port 'zz'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new CrossConnectConfig(ok,
                List.of(new ForwardPath("a", "a", false, List.of(), false, 0)))).getMessage().contains("main lcore"));
        assertThrows(IllegalArgumentException.class, () -> new EalOptions(0, 512, false, false, "bad prefix/..", List.of()));
        assertThrows(IllegalArgumentException.class, () -> PortConfig.of("x", " "));
    }
}
