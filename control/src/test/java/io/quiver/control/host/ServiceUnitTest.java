package io.quiver.control.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 'bin/quiver install-service' writes a unit that systemd accepts (systemd-analyze verify), and refuses bad input. */
class ServiceUnitTest {
    static final Path HOME = Path.of(System.getProperty("quiver.home"));

    @TempDir
    Path dir;

    static Shell.Result installService(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(HOME.resolve("bin/lib/install-service.sh").toString()));
        cmd.addAll(List.of(args));
        return Shell.run(cmd, 30);
    }

    @Test
    void theUnitIsWrittenForThisTreeAndSystemdAcceptsIt() throws Exception {
        assumeTrue(Shell.available("systemd-analyze"), "systemd-analyze is not installed (Debian systemd; bin/quiver-test installs it)");
        Path config = Files.writeString(dir.resolve("quiver.yaml"), "ports: []\n");
        Path units = dir.resolve("units");
        Shell.Result r = installService("--config", config.toString(), "--unit-dir", units.toString(), "--no-reload");
        assertEquals(0, r.exitCode(), r.output());
        String unit = Files.readString(units.resolve("quiver.service"));
        assertTrue(unit.contains("ExecStart=" + HOME + "/bin/quiver run --config " + config), unit);
        assertTrue(unit.contains("Type=notify") && unit.contains("LimitMEMLOCK=infinity") && unit.contains("StateDirectory=quiver")
                && unit.contains("Restart=on-failure") && unit.contains("CapabilityBoundingSet="), unit);
        assertTrue(!unit.contains("@QUIVER_HOME@") && !unit.contains("@CONFIG@"), unit);
        Shell.Result verify = Shell.run(List.of("systemd-analyze", "verify", units.resolve("quiver.service").toString()), 60);
        assertEquals(0, verify.exitCode(), "systemd-analyze verify: " + verify.output());
    }

    @Test
    void aMissingConfigurationIsRefusedSayingWhat() {
        Shell.Result none = installService("--unit-dir", dir.toString());
        assertNotEquals(0, none.exitCode());
        assertTrue(none.output().contains("--config FILE is required"), none.output());
        Shell.Result absent = installService("--config", dir.resolve("nope.yaml").toString(), "--unit-dir", dir.toString());
        assertNotEquals(0, absent.exitCode());
        assertTrue(absent.output().contains("no such file"), absent.output());
        Shell.Result unknown = installService("--frobnicate");
        assertTrue(unknown.output().contains("unknown argument '--frobnicate'"), unknown.output());
        assertTrue(!Files.exists(dir.resolve("quiver.service")), "nothing written");
    }
}
