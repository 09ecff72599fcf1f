package io.quiver.control.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.control.host.Shell;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab with its guests attached as containers are: each VNIC names a TAP and a namespace, and Quiver makes the TAP,
 * moves it into the namespace and configures it. The same traffic as over veth, and the interface as a container sees it.
 */
class TapLabTest extends LabEndToEndTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void up() throws Exception {
        totals = null;
        startLab(new NamespaceLab(3, "shared", dir).withTapLinks(), dir);
    }

    @Test
    @Order(0)
    void eachGuestFindsItsTapConfiguredAsItsVnic() {
        String link = in("qv-g2", "ip", "-o", "link", "show", "qvg2").output();
        assertTrue(link.contains(NamespaceLab.guestMac(2)) && link.contains("mtu 1500") && link.contains("UP"), link);
        String address = in("qv-g2", "ip", "-o", "-4", "address", "show", "qvg2").output();
        assertTrue(address.contains(NamespaceLab.guestIp(2) + "/24"), address);
        String route = in("qv-g2", "ip", "route", "show", "169.254.169.254").output();
        assertTrue(route.contains("dev qvg2"), "the configuration service is on the link: " + route);
        assertEquals(1, Shell.run(List.of("ip", "link", "show", "qvg2"), 10).exitCode(), "the TAP left Quiver's namespace");
    }
}
