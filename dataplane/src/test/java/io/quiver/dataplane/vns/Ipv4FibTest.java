package io.quiver.dataplane.vns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The FIB against the definition of longest-prefix match, through adds and deletes, with a reader running alongside. */
class Ipv4FibTest {
    static int ip(String dotted) {
        String[] p = dotted.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8 | Integer.parseInt(p[3]);
    }

    /** Longest-prefix match by definition: the longest route whose network the address is in. */
    static int reference(Map<Long, Integer> routes, int address) {
        for (int d = 32; d >= 0; d--) {
            Integer hop = routes.get(((address & Ipv4Fib.mask(d)) & 0xFFFF_FFFFL) << 6 | d);
            if (hop != null) {
                return hop;
            }
        }
        return Ipv4Fib.NO_ROUTE;
    }

    @Test
    void theLongestPrefixWinsAndADeleteFallsBackToTheNextLongest() {
        try (Ipv4Fib fib = new Ipv4Fib(16, 4)) {
            assertEquals(Ipv4Fib.NO_ROUTE, fib.lookup(ip("10.1.2.3")));
            fib.add(0, 0, 1);                        // default route
            fib.add(ip("10.0.0.0"), 8, 2);
            fib.add(ip("10.1.2.0"), 24, 3);
            fib.add(ip("10.1.2.128"), 25, 4);        // needs a group
            fib.add(ip("10.1.2.200"), 32, 5);
            assertEquals(1, fib.lookup(ip("192.0.2.1")));
            assertEquals(2, fib.lookup(ip("10.9.9.9")));
            assertEquals(3, fib.lookup(ip("10.1.2.3")));
            assertEquals(4, fib.lookup(ip("10.1.2.129")));
            assertEquals(5, fib.lookup(ip("10.1.2.200")));
            assertEquals(3, fib.freeGroups());
            assertTrue(fib.delete(ip("10.1.2.0"), 24));
            assertEquals(2, fib.lookup(ip("10.1.2.3")), "back to the /8");
            assertEquals(4, fib.lookup(ip("10.1.2.129")), "the /25 stays");
            fib.delete(ip("10.1.2.128"), 25);
            fib.delete(ip("10.1.2.200"), 32);
            assertEquals(2, fib.lookup(ip("10.1.2.200")));
            assertEquals(3, fib.freeGroups(), "the emptied group waits for the readers");
            fib.reclaimRetired();
            assertEquals(4, fib.freeGroups());
            assertFalse(fib.delete(ip("10.1.2.0"), 24), "deleting what is not there says so");
            fib.add(ip("10.0.0.0"), 8, 7);
            assertEquals(7, fib.lookup(ip("10.200.0.1")), "an add replaces the route's next hop");
        }
    }

    @Test
    void badRoutesAreRefusedSayingWhy() {
        try (Ipv4Fib fib = new Ipv4Fib(2, 1)) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> fib.add(ip("10.1.2.3"), 24, 1)).getMessage()
                    .contains("10.1.2.0/24"));
            assertThrows(IllegalArgumentException.class, () -> fib.add(0, 33, 1));
            assertThrows(IllegalArgumentException.class, () -> fib.add(0, 0, Ipv4Fib.MAX_NEXT_HOP + 1));
            fib.add(ip("10.1.2.128"), 25, 1);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> fib.add(ip("10.1.3.128"), 25, 1)).getMessage()
                    .contains("no second-level group"));
            fib.add(ip("10.2.0.0"), 16, 1);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> fib.add(ip("10.3.0.0"), 16, 1)).getMessage()
                    .contains("most routes"));
            assertEquals(1, fib.lookup(ip("10.1.2.129")), "a refused add changes nothing");
        }
    }

    @Test
    void randomAddsAndDeletesAlwaysMatchTheDefinition() {
        Random random = new Random(7);
        Map<Long, Integer> routes = new LinkedHashMap<>();
        try (Ipv4Fib fib = new Ipv4Fib(20_000, 4096)) {
            for (int step = 0; step < 20_000; step++) {
                // addresses from a few /16s, so routes nest and overlap
                int base = (10 << 24) | (random.nextInt(4) << 16) | random.nextInt(1 << 16);
                int length = random.nextInt(4) == 0 ? 25 + random.nextInt(8) : 8 + random.nextInt(17);
                int network = base & Ipv4Fib.mask(length);
                long key = (network & 0xFFFF_FFFFL) << 6 | length;
                if (random.nextInt(3) == 0 && !routes.isEmpty()) {
                    Long victim = routes.keySet().iterator().next();
                    routes.remove(victim);
                    assertTrue(fib.delete((int) (victim >>> 6), (int) (victim & 0x3F)));
                } else {
                    int hop = random.nextInt(Ipv4Fib.MAX_NEXT_HOP);
                    routes.put(key, hop);
                    fib.add(network, length, hop);
                }
                if (step % 64 == 0) {
                    fib.reclaimRetired();
                }
                for (int probe = 0; probe < 8; probe++) {
                    int address = (10 << 24) | (random.nextInt(4) << 16) | random.nextInt(1 << 16);
                    assertEquals(reference(routes, address), fib.lookup(address), "step " + step + ", " + Integer.toHexString(address));
                }
            }
            assertEquals(routes.size(), fib.size());
        }
    }

    @Test
    void aReaderSeesTheOldRouteOrTheNewNeverAnythingElse() throws Exception {
        try (Ipv4Fib fib = new Ipv4Fib(64, 64)) {
            fib.add(ip("10.0.0.0"), 8, 1);
            int address = ip("10.1.2.200");
            AtomicReference<String> wrong = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                for (int i = 0; i < 20_000_000 && wrong.get() == null; i++) {
                    int hop = fib.lookup(address);
                    if (hop != 1 && hop != 2) {
                        wrong.set("saw " + hop);
                    }
                }
            });
            reader.start();
            List<Integer> lengths = new ArrayList<>(List.of(24, 25, 32, 28));
            while (reader.isAlive()) {
                for (int length : lengths) { // a route longer than /8 appears and goes, a group made and emptied each time
                    fib.add(address & Ipv4Fib.mask(length), length, 2);
                    fib.delete(address & Ipv4Fib.mask(length), length);
                }
                fib.reclaimRetired(); // safe here without a quiescent point: a reused group only ever serves this same /24
            }
            reader.join();
            assertEquals(null, wrong.get());
        }
    }
}
