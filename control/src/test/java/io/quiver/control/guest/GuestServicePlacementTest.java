package io.quiver.control.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Where {@code --guest-service-cpu} puts the guest request service. */
class GuestServicePlacementTest {

    private static int cpu(String choice, List<Integer> lcores, int cpus) {
        return GuestRequestService.Settings.cpuFor(choice, lcores, cpus);
    }

    @Test
    void autoTakesTheFirstLcoresCpuWhenTheMainCpuIsAllThatIsLeft() {
        assertEquals(1, cpu("auto", List.of(1), 2), "2 CPUs, one lcore: the guests share the main CPU");
        assertEquals(1, cpu("auto", List.of(1, 2, 3), 4), "every CPU but the main one runs an lcore");
        assertEquals(-1, cpu("auto", List.of(1), 4), "CPUs to spare: the main CPU is idle enough");
        assertEquals(-1, cpu("auto", List.of(2, 3), 4), "one CPU for the guests besides the main one");
        assertEquals(-1, cpu("auto", List.of(), 1), "no lcore to go to");
    }

    @Test
    void mainAndANumberAreTakenAsSaid() {
        assertEquals(-1, cpu("main", List.of(1), 2));
        assertEquals(3, cpu("3", List.of(1), 2));
        assertEquals(0, cpu("0", List.of(1), 2));
    }

    @Test
    void anythingElseIsRefusedSayingWhatIsAccepted() {
        for (String bad : new String[] {"-1", "one", "", "1.5", "lcore"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cpu(bad, List.of(1), 2), bad);
            assertTrue(e.getMessage().contains("auto, main or a CPU number, not '" + bad + "'"), e.getMessage());
        }
    }
}
