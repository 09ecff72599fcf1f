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
import java.nio.ByteOrder;
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

    /**
     * A connection's rule as the NIC reads it: ETH, IPV4, TCP, END, each spec in network order at the compiler's
     * offsets with a full mask; a device without rte_flow refuses it with DPDK's reason.
     */
    @Test
    void aConnectionRuleIsLaidOutInNetworkOrderAtTheCompilersOffsets() {
        try (FlowRule rule = FlowRule.ingress(0).ethAny().ipv4(0x0a080005, 0x0a000001).ports(6, 40001, 443).toQueue(2)) {
            MemorySegment pattern = rule.pattern().reinterpret(Layout.of("sizeof.rte_flow_item") * 4);
            long item = Layout.of("sizeof.rte_flow_item");
            int[] types = new int[4];
            for (int k = 0; k < 4; k++) {
                types[k] = pattern.get(ValueLayout.JAVA_INT, k * item + Layout.of("rte_flow_item.type"));
            }
            assertArrayEquals(new int[] {Layout.intOf("RTE_FLOW_ITEM_TYPE_ETH"), Layout.intOf("RTE_FLOW_ITEM_TYPE_IPV4"),
                    Layout.intOf("RTE_FLOW_ITEM_TYPE_TCP"), Layout.intOf("RTE_FLOW_ITEM_TYPE_END")}, types);
            assertEquals(MemorySegment.NULL, pattern.get(ValueLayout.ADDRESS, Layout.of("rte_flow_item.spec")), "any frame");
            MemorySegment ipv4 = pattern.get(ValueLayout.ADDRESS, item + Layout.of("rte_flow_item.spec"))
                    .reinterpret(Layout.of("sizeof.rte_flow_item_ipv4"));
            ValueLayout.OfInt be32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
            assertEquals(0x0a080005, ipv4.get(be32, Layout.of("rte_flow_item_ipv4.hdr.src_addr")));
            assertEquals(0x0a000001, ipv4.get(be32, Layout.of("rte_flow_item_ipv4.hdr.dst_addr")));
            MemorySegment tcp = pattern.get(ValueLayout.ADDRESS, 2 * item + Layout.of("rte_flow_item.spec"))
                    .reinterpret(Layout.of("sizeof.rte_flow_item_tcp"));
            MemorySegment tcpMask = pattern.get(ValueLayout.ADDRESS, 2 * item + Layout.of("rte_flow_item.mask"))
                    .reinterpret(Layout.of("sizeof.rte_flow_item_tcp"));
            ValueLayout.OfShort be16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
            assertEquals(40001, tcp.get(be16, Layout.of("rte_flow_item_tcp.hdr.src_port")) & 0xFFFF);
            assertEquals(443, tcp.get(be16, Layout.of("rte_flow_item_tcp.hdr.dst_port")) & 0xFFFF);
            assertEquals((short) -1, tcpMask.get(be16, Layout.of("rte_flow_item_tcp.hdr.dst_port")));
            assertEquals("ingress eth ipv4 src 10.8.0.5 dst 10.0.0.1 tcp src 40001 dst 443 -> queue 2", rule.toString());
            EthDev.probe("net_null9");
            int port = EthDev.portByName("net_null9").orElseThrow();
            try {
                assertTrue(Flows.validate(port, rule).isPresent(), "net_null has no rte_flow support");
            } finally {
                EthDev.close(port);
                EthDev.hotplugRemove("vdev", "net_null9");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> FlowRule.ingress(0).ports(1, 0, 0));
    }

    @Test
    void eaLInitialisesOncePerProcess() {
        assertThrows(IllegalStateException.class, () -> Eal.init(List.of()));
    }
}
