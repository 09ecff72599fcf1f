package io.quiver.configstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quiver.configstore.model.DenialReason;
import io.quiver.configstore.model.Requester;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The permission check that allows allocates nothing: no boxing, no Chronicle Map deserialisation, no strings. */
class PermissionCheckAllocationTest {
    @TempDir
    Path dir;

    @Test
    void anAllowedCheckAllocatesNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // without allocation counting both readings are -1 and the check below would pass having measured nothing
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count per-thread allocation");
        try (ConfigStore store = ConfigStoreTest.storeWithTwoVnics(dir, StoreOptions.defaults())) {
            Requester guest = ConfigStoreTest.GUEST1;
            StringBuilder value = new StringBuilder("10.0.0.7/24,10.0.0.8/24");
            Decision d = null;
            for (int i = 0; i < 50_000; i++) {
                d = store.check(guest, "vm1", "ipv4-addresses", value);
                d = store.check(guest, "vm1", "mtu", "1400");
            }
            assertSame(Decision.ALLOWED, d);
            // steady state is what is promised: on a busy machine the JIT may compile the check only during the first
            // rounds (until then the interpreter allocates), so the check passes once a round is compiled through
            List<Long> rounds = new ArrayList<>();
            for (int round = 0; round < 10 && (rounds.isEmpty() || rounds.getLast() >= 4096); round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 100_000; i++) {
                    d = store.check(guest, "vm1", "ipv4-addresses", value);
                    d = store.check(guest, "vm1", "mtu", "1400");
                }
                rounds.add(threads.getCurrentThreadAllocatedBytes() - before);
                assertSame(Decision.ALLOWED, d);
            }
            assertTrue(rounds.getLast() < 4096, "rounds of 200000 checks allocated " + rounds + " bytes");
            assertEquals(DenialReason.VALUE_NOT_ALLOWED, store.check(guest, "vm1", "mtu", "9000").reason());
        }
    }
}
