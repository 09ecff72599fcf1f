package io.quiver.dataplane.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The ring's contract, without the EAL: mbufs are plain numbers here. */
class VnicRingTest {
    @Test
    void stagedSlotsAreInvisibleUntilPublishedAndKeepTheirMetadata() {
        VnicRing ring = new VnicRing(8, false);
        assertEquals(1, ring.stage(100, true, 0x0a000001, 18));
        assertEquals(0, ring.stage(101, false, -1, 14));
        long from = ring.firstUnconsumed();
        assertTrue(ring.lastPublished(from, 32) < from, "nothing published yet");
        assertFalse(ring.hasWork());
        ring.publishStaged();
        assertTrue(ring.hasWork());
        long to = ring.lastPublished(from, 32);
        assertEquals(from + 1, to);
        assertEquals(100, ring.mbufAt(from));
        assertTrue(ring.taggedAt(from));
        assertEquals(0x0a000001, ring.dstIpAt(from));
        assertEquals(18, ring.l3At(from));
        assertEquals(101, ring.mbufAt(to));
        assertFalse(ring.taggedAt(to));
        assertEquals(-1, ring.dstIpAt(to), "a destination with the top bit set survives the packing");
        assertEquals(14, ring.l3At(to));
        ring.consumedThrough(to);
        assertFalse(ring.hasWork());
    }

    @Test
    void aFullRingRefusesWithoutWaitingAndTakesAgainOnceConsumed() {
        VnicRing ring = new VnicRing(4, false);
        for (int i = 0; i < 4; i++) {
            assertTrue(ring.offer(i, false, 0, 14));
        }
        assertFalse(ring.offer(9, false, 0, 14));
        assertEquals(-1, ring.stage(9, false, 0, 14));
        long from = ring.firstUnconsumed();
        assertEquals(from + 1, ring.lastPublished(from, 2), "a visit takes at most max slots");
        ring.consumedThrough(from + 1);
        assertTrue(ring.offer(4, false, 0, 14));
        List<Long> drained = new ArrayList<>();
        ring.drain(drained::add);
        assertEquals(List.of(2L, 3L, 4L), drained);
    }

    @Test
    void concurrentProducersLoseNothingAndTheConsumerNeverReadsAGap() throws Exception {
        VnicRing ring = new VnicRing(64, true);
        int perProducer = 200_000;
        AtomicBoolean failed = new AtomicBoolean();
        Thread[] producers = new Thread[2];
        for (int p = 0; p < producers.length; p++) {
            long base = (long) p << 32;
            producers[p] = new Thread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    while (!ring.offer(base | i, false, i, 14)) {
                        Thread.onSpinWait();
                    }
                }
            });
            producers[p].start();
        }
        long[] next = new long[producers.length];
        long seen = 0;
        while (seen < 2L * perProducer) {
            long from = ring.firstUnconsumed();
            long to = ring.lastPublished(from, 16);
            for (long s = from; s <= to; s++) {
                long m = ring.mbufAt(s);
                int p = (int) (m >>> 32);
                if ((m & 0xffffffffL) != next[p]++ || ring.dstIpAt(s) != (int) m) {
                    failed.set(true);
                }
                seen++;
            }
            if (to >= from) {
                ring.consumedThrough(to);
            }
        }
        for (Thread t : producers) {
            t.join();
        }
        assertFalse(failed.get(), "every producer's packets arrive once, in its order, with their metadata");
    }

    @Test
    void aRingSizeMustBeAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new VnicRing(6, false));
        assertThrows(IllegalArgumentException.class, () -> new VnicRing(1, true));
    }
}
