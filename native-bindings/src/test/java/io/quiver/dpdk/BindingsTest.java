package io.quiver.dpdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bindings against the real DPDK 22.11 in this JVM (surefire forks one JVM per test class: one EAL each). */
class BindingsTest {
    private static long pool;

    @BeforeAll
    static void eal() {
        Eal.init(List.of("--no-huge", "-m", "128", "--no-pci", "-l", "0", "--file-prefix", "quiver-bindings-" + ProcessHandle.current().pid(),
                "--log-level", "lib.eal:warning"));
        pool = Mempools.createPktmbufPool("bindings-test", 1023, 32, Mempools.DEFAULT_DATA_ROOM, Mempools.SOCKET_ID_ANY);
    }

    @AfterAll
    static void cleanup() throws Exception {
        Mempools.free(pool);
        String dir = Eal.runtimeDir();
        Eal.cleanup();
        try (var files = Files.walk(Path.of(dir))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void layoutComesFromTheCompiler() {
        assertEquals(128, Layout.of("sizeof.rte_mbuf"));
        assertEquals(0, Layout.of("rte_mbuf.buf_addr"));
        assertEquals(16, Layout.of("rte_mbuf.data_off"));
        assertThrows(IllegalStateException.class, () -> Layout.of("rte_mbuf.no_such_field"));
    }

    @Test
    void offsetsAgreeWithDpdksAccessorsOnARealMbuf() {
        long m = Mbufs.alloc(pool);
        assertNotEquals(0, m);
        try {
            long data = Mbufs.append(m, 60);
            assertNotEquals(0, data);
            Mbufs.verifyLayout(m);
            assertEquals(60, Mbufs.pktLen(m));
            assertEquals(60, Mbufs.dataLen(m));
            assertEquals(data, Mbufs.data(m));
        } finally {
            Mbufs.free(m);
        }
    }

    @Test
    void poolCountsFollowAllocAndFree() {
        int before = Mempools.inUse(pool);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ptrs = arena.allocate(ValueLayout.JAVA_LONG, 32);
            assertEquals(0, Mbufs.allocBulk(pool, ptrs, 32));
            assertEquals(before + 32, Mempools.inUse(pool));
            Mbufs.freeBulk(ptrs, 32);
        }
        assertEquals(before, Mempools.inUse(pool));
    }

    @Test
    void aVdevIsProbedConfiguredStartedAndRemoved() {
        EthDev.probe("net_null7,size=64");
        int port = EthDev.portByName("net_null7").orElseThrow();
        EthDev.Info info = EthDev.info(port);
        assertEquals("net_null", info.driverName());
        EthDev.configure(port, 1, 1);
        EthDev.rxQueueSetup(port, 0, 256, EthDev.socketId(port), pool);
        EthDev.txQueueSetup(port, 0, 256, EthDev.socketId(port));
        EthDev.start(port);
        assertTrue(EthDev.linkUp(port));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ptrs = arena.allocate(ValueLayout.JAVA_LONG, 32);
            int n = EthDev.rxBurst(port, 0, ptrs, 32);
            assertTrue(n > 0, "net_null generates packets");
            int sent = EthDev.txBurst(port, 0, ptrs, n);
            if (sent < n) {
                Mbufs.freeBulk(ptrs.asSlice(sent * 8L), n - sent);
            }
        }
        assertTrue(EthDev.stats(port).rxPackets() > 0);
        assertFalse(EthDev.xstats(port).isEmpty());
        byte[] mac = {0x02, 0, 0, 0, 0x12, 0x34};
        EthDev.setMacAddress(port, mac);
        assertArrayEquals(mac, EthDev.macAddress(port));
        EthDev.stop(port);
        EthDev.close(port);
        EthDev.hotplugRemove("vdev", "net_null7");
        assertTrue(EthDev.portByName("net_null7").isEmpty());
    }

    @Test
    void badDevargsNameTheCallAndDpdksReason() {
        DpdkException e = assertThrows(DpdkException.class, () -> EthDev.probe("net_nosuchdriver0,x=1"));
        assertEquals("rte_dev_probe", e.call());
        assertTrue(e.getMessage().contains("net_nosuchdriver0"), e.getMessage());
    }

    @Test
    void aFlowRuleTheDeviceCannotTakeIsRefusedWithDpdksMessage() {
        EthDev.probe("net_null8");
        int port = EthDev.portByName("net_null8").orElseThrow();
        try (FlowRule rule = FlowRule.ingress(0).ethDst(new byte[] {2, 0, 0, 0, 0, 1}).toQueue(0)) {
            var refusal = Flows.validate(port, rule);
            assertTrue(refusal.isPresent(), "net_null has no rte_flow support");
            DpdkException e = assertThrows(DpdkException.class, () -> Flows.create(port, rule));
            assertTrue(e.getMessage().contains("rte_flow_create"), e.getMessage());
        } finally {
            EthDev.close(port);
            EthDev.hotplugRemove("vdev", "net_null8");
        }
    }

    @Test
    void eaLInitialisesOncePerProcess() {
        assertThrows(IllegalStateException.class, () -> Eal.init(List.of()));
    }
}
