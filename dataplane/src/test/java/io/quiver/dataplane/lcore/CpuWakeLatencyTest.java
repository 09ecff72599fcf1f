package io.quiver.dataplane.lcore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The kernel's CPU latency QoS, for real: the value in force and this process's open request. */
class CpuWakeLatencyTest {

    private static void assumeDevice() {
        assumeTrue(Files.isWritable(CpuWakeLatency.DEVICE), () -> "skipped: " + CpuWakeLatency.DEVICE
                + " is missing or not writable (needs root; CI runs as root)");
    }

    private static long openRequests() throws IOException {
        return CpuWakeLatency.requestsHeldBy(ProcessHandle.current().pid());
    }

    @Test
    void theKernelEnforcesTheTightestRequestWhileItIsHeld() throws IOException {
        assumeDevice();
        long before = openRequests();
        try (CpuWakeLatency loose = CpuWakeLatency.hold(7)) {
            assertTrue(loose.held(), loose::describe);
            assertNull(loose.refusal());
            assertTrue(CpuWakeLatency.current() <= 7, "in force: " + CpuWakeLatency.current());
            try (CpuWakeLatency tight = CpuWakeLatency.hold(3)) {
                assertTrue(tight.held());
                assertTrue(CpuWakeLatency.current() <= 3, "in force: " + CpuWakeLatency.current());
                assertEquals(before + 2, openRequests());
            }
            assertEquals(before + 1, openRequests());
            assertTrue(CpuWakeLatency.current() <= 7);
        }
        assertEquals(before, openRequests(), "closing drops the request");
    }

    @Test
    void aReleasedRequestSaysSo() {
        assumeDevice();
        CpuWakeLatency request = CpuWakeLatency.hold(0);
        assertTrue(request.describe().contains("within 0 us"), request.describe());
        request.close();
        assertFalse(request.held());
        assertEquals("released", request.refusal());
        request.close(); // twice is harmless
    }

    @Test
    void declinedIsNotHeldAndSaysWhy() {
        CpuWakeLatency none = CpuWakeLatency.none();
        assertFalse(none.held());
        assertNotNull(none.refusal());
        assertTrue(none.describe().contains("off"), none.describe());
    }

    @Test
    void aNegativeLimitIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CpuWakeLatency.hold(-1));
    }
}
