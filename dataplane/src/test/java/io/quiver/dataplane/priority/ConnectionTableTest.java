package io.quiver.dataplane.priority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConnectionTableTest {
    static final int A = 0x0a000002;
    static final int B = 0x0a000103;

    @Test
    void bothDirectionsAreOneConnectionAndVnsesAreApart() {
        ConnectionTable t = ConnectionTable.withDefaultTimeouts(16);
        int s = t.track(0, 6, A, B, 40000, 443, 60, 0);
        assertEquals(s, t.track(0, 6, B, A, 443, 40000, 1500, 0), "the reply is the same connection");
        assertEquals(2, t.packetsOf(s));
        assertEquals(1560, t.bytesOf(s));
        assertNotEquals(s, t.track(1, 6, A, B, 40000, 443, 60, 0), "the same addresses in another VNS");
        assertNotEquals(s, t.track(0, 17, A, B, 40000, 443, 60, 0), "another protocol");
        assertNotEquals(s, t.track(0, 6, A, B, 40001, 443, 60, 0), "another port");
        assertEquals(ConnectionTable.DEFAULT_CLASS, t.priorityOf(s));
        t.upgrade(s, 3, 7);
        assertEquals(3, t.priorityOf(t.track(0, 6, B, A, 443, 40000, 60, 1)), "later packets of either direction: the new class");
        assertEquals(7, t.levelOf(s));
        assertTrue(t.isLowerEndpoint(s, A, 40000) && !t.isLowerEndpoint(s, B, 443));
    }

    @Test
    void aFullTableAdmitsNoNewConnectionAndEvictsNothing() {
        ConnectionTable t = ConnectionTable.withDefaultTimeouts(4);
        for (int i = 0; i < 4; i++) {
            assertTrue(t.track(0, 17, A, B, 1000 + i, 53, 60, 0) >= 0);
        }
        assertEquals(-1, t.track(0, 17, A, B, 2000, 53, 60, 0));
        assertEquals(1, t.full);
        assertTrue(t.track(0, 17, A, B, 1000, 53, 60, 0) >= 0, "a known connection is still found");
        assertEquals(4, t.size());
    }

    @Test
    void idleAndClosedConnectionsExpire() {
        ConnectionTable t = new ConnectionTable(64, 300, 60, 30, 10);
        int udp = t.track(0, 17, A, B, 1000, 53, 60, 0);
        int tcp = t.track(0, 6, A, B, 40000, 443, 60, 0);
        int reset = t.track(0, 6, A, B, 40001, 443, 60, 0);
        int halfClosed = t.track(0, 6, A, B, 40002, 443, 60, 0);
        int closed = t.track(0, 6, A, B, 40003, 443, 60, 0);
        t.tcpFlags(reset, 0x04, true);
        t.tcpFlags(halfClosed, 0x01, true);
        t.tcpFlags(closed, 0x11, true);
        t.tcpFlags(closed, 0x11, false);
        assertEquals(0, t.expire(9, 1 << 10));
        assertEquals(2, t.expire(10, 1 << 10), "the reset one and the one closed both ways");
        assertEquals(1, t.expire(60, 1 << 10), "UDP after 60 s");
        assertEquals(3 - 1, t.size());
        assertEquals(2, t.expire(300, 1 << 10), "TCP after 300 s, half-closed or not");
        assertEquals(0, t.size());
        assertEquals(5, t.expired);
        assertTrue(udp >= 0 && tcp >= 0);
    }

    @Test
    void agreesWithAMapThroughChurn() {
        ConnectionTable t = new ConnectionTable(20_000, 300, 5, 30, 1);
        Map<Long, Long> live = new HashMap<>(); // port pair -> packets
        Map<Long, Integer> seen = new HashMap<>();
        SplittableRandom r = new SplittableRandom(7);
        for (int tick = 0; tick < 200; tick++) {
            for (int k = 0; k < 500; k++) {
                int sp = r.nextInt(1, 30_000);
                int dp = r.nextInt(1, 20);
                long key = (long) sp << 16 | dp;
                boolean reverse = r.nextBoolean();
                int slot = reverse ? t.track(0, 17, B, A, dp, sp, 100, tick) : t.track(0, 17, A, B, sp, dp, 100, tick);
                if (slot < 0) {
                    assertEquals(20_000, t.size());
                    continue;
                }
                Integer last = seen.get(key);
                if (last != null && tick - last >= 5 && t.packetsOf(slot) == 1) {
                    live.remove(key); // idle long enough: the sweep may have expired it, and this is a new connection
                }
                live.merge(key, 1L, Long::sum);
                seen.put(key, tick);
                assertEquals(live.get(key), t.packetsOf(slot), "packets of " + key);
            }
            t.expire(tick, 4096); // a bounded sweep each round, as the lcore does each burst
            final int now = tick;
            if (tick % 20 == 19) {
                t.expire(tick, Integer.MAX_VALUE);
                live.keySet().removeIf(key -> now - seen.get(key) >= 5);
                assertEquals(live.size(), t.size(), "after a full sweep the table holds exactly the live connections");
            }
        }
        assertTrue(t.expired > 10_000, "churn happened: " + t.expired);
    }

    @Test
    void trackingAllocatesNothing() {
        ConnectionTable t = ConnectionTable.withDefaultTimeouts(1 << 16);
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        for (int round = 0; round < 3; round++) { // the first rounds compile the code
            long before = bean.getThreadAllocatedBytes(id);
            long sink = 0;
            for (int i = 0; i < 1_000_000; i++) {
                sink += t.track(i & 3, 6, A + (i & 0x3FFF), B, 1024 + (i & 0xFF), 443, 60, i >> 16);
                if ((i & 1023) == 0) {
                    t.expire(i >> 16, 64);
                }
            }
            long allocated = bean.getThreadAllocatedBytes(id) - before;
            if (round == 2) {
                assertEquals(0, allocated, "bytes allocated by 1M tracks (sink " + sink + ")");
            }
        }
    }
}
