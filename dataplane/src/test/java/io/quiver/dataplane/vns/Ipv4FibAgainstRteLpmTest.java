package io.quiver.dataplane.vns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.EalRuntime;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Quiver's FIB answers as DPDK's rte_lpm does, for the same routes, before and after deletes (one EAL in this JVM). */
class Ipv4FibAgainstRteLpmTest {
    @Test
    void bothTablesAnswerEveryAddressAlike() {
        SplittableRandom r = new SplittableRandom(11);
        int routes = 50_000;
        int[] network = new int[routes];
        int[] length = new int[routes];
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < routes; ) {
            int len = r.nextInt(10) == 0 ? 25 + r.nextInt(8) : 8 + r.nextInt(17);
            int net = (10 + r.nextInt(4)) << 24 | r.nextInt(1 << 24);
            net &= Ipv4Fib.mask(len);
            if (seen.add((net & 0xFFFF_FFFFL) << 6 | len)) {
                network[i] = net;
                length[i] = len;
                i++;
            }
        }
        try (EalRuntime eal = EalRuntime.start(EalOptions.virtualDefaults().withFilePrefix("quiver-fibtest-" + ProcessHandle.current().pid()));
             Ipv4Fib fib = new Ipv4Fib(routes, 1 << 14);
             RteLpm lpm = new RteLpm("fibtest", routes, 1 << 14)) {
            for (int i = 0; i < routes; i++) {
                fib.add(network[i], length[i], i);
                lpm.add(network[i], length[i], i);
            }
            compare(fib, lpm, r);
            for (int i = 0; i < routes; i += 3) {
                assertTrue(fib.delete(network[i], length[i]));
                assertTrue(lpm.delete(network[i], length[i]));
            }
            fib.reclaimRetired();
            compare(fib, lpm, r);
        }
    }

    private static void compare(Ipv4Fib fib, RteLpm lpm, SplittableRandom r) {
        int[] keys = new int[64];
        int[] ours = new int[64];
        int[] dpdk = new int[64];
        for (int round = 0; round < 4000; round++) {
            for (int i = 0; i < keys.length; i++) {
                keys[i] = (10 + r.nextInt(4)) << 24 | r.nextInt(1 << 24);
            }
            fib.lookup(keys, ours, keys.length);
            lpm.lookup(keys, dpdk, keys.length);
            assertArrayEquals(dpdk, ours, "round " + round);
        }
    }
}
