package io.quiver.control.host;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quiver.dataplane.port.GuestInterface;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What is refused before a container's TAP is made, each with what to do (the lab's TapLabTest makes real ones). */
class TapPlacementTest {
    @Test
    void anInterfaceNameInUseIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> TapPlacement.check("c1", new GuestInterface.Tap("lo", null)));
        assertTrue(e.getMessage().contains("'lo' already exists"), e.getMessage());
    }

    @Test
    void aNamespaceThatDoesNotExistIsRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> TapPlacement.check("c1", new GuestInterface.Tap("qvtap-none", "qv-no-such-ns")));
        assertTrue(e.getMessage().contains("'qv-no-such-ns' does not exist") && e.getMessage().contains("ip netns add"), e.getMessage());
    }

    @Test
    void aNameTakenInsideTheNamespaceIsRefused() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: makes a network namespace");
        Shell.quietly("ip", "netns", "del", "qv-taptest");
        Shell.check("ip", "netns", "add", "qv-taptest");
        try {
            Shell.check("ip", "-n", "qv-taptest", "link", "add", "qvtaptest0", "type", "veth", "peer", "name", "qvtaptest0p");
            var e = assertThrows(IllegalArgumentException.class,
                    () -> TapPlacement.check("c1", new GuestInterface.Tap("qvtaptest0", "qv-taptest")));
            assertTrue(e.getMessage().contains("already has an interface named 'qvtaptest0'"), e.getMessage());
            assertDoesNotThrow(() -> TapPlacement.check("c1", new GuestInterface.Tap("qvtaptest1", "qv-taptest")));
        } finally {
            Shell.quietly("ip", "netns", "del", "qv-taptest");
        }
    }

    @Test
    void badNamesAreRefusedWhenTheConfigurationIsRead() {
        for (String bad : List.of("", "sixteen-chars-xx", "a/b", "a,b")) {
            assertThrows(IllegalArgumentException.class, () -> new GuestInterface.Tap(bad, null), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> new GuestInterface.Tap("ok0", "bad ns"));
    }
}
