package io.quiver.control.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quiver.control.config.ConfigFile;
import io.quiver.control.host.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What of the Vagrant lab can be checked on a machine that cannot boot KVM guests: the Vagrantfile validates, and the
 * provisioning scripts, in a dry run, write a configuration Quiver accepts and guest network files that say the right
 * thing. Needs vagrant and vagrant-libvirt for the first (bin/quiver-test installs them).
 */
class VagrantLabTest {
    static final Path VAGRANT = Path.of(System.getProperty("quiver.home"), "vagrant");

    @TempDir
    Path root;

    static Shell.Result dryRun(Path root, String script, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("env", "QUIVER_PROVISION_DRY_RUN=1", "QUIVER_PROVISION_ROOT=" + root,
                "sh", VAGRANT.resolve("provision").resolve(script).toString()));
        cmd.addAll(List.of(args));
        return Shell.run(cmd, 60);
    }

    @Test
    void theVagrantfileValidates() {
        assumeTrue(Shell.available("vagrant"), "vagrant is not installed (Debian vagrant, vagrant-libvirt; bin/quiver-test installs them)");
        Shell.Result r = Shell.run(List.of("sh", "-c", "cd " + VAGRANT + " && VAGRANT_CHECKPOINT_DISABLE=1 VAGRANT_DEFAULT_PROVIDER=libvirt vagrant validate"), 180);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("Vagrantfile validated successfully"), r.output());
    }

    @Test
    void theApplianceIsProvisionedWithAConfigurationQuiverAccepts() throws Exception {
        Shell.Result r = dryRun(root, "appliance.sh", "2");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("would run: /opt/quiver/bin/quiver install-service --config /etc/quiver/quiver.yaml")
                && r.output().contains("would run: systemctl enable --now quiver"), r.output());
        Path config = root.resolve("etc/quiver/quiver.yaml");
        ConfigFile.Loaded loaded = ConfigFile.loadAny(config);
        assertTrue(loaded.isDatapath());
        assertEquals(List.of("uplink", "g1", "g2"), loaded.runtime().portNames());
        assertEquals(2, loaded.datapath().vnics().size());
        assertEquals("02:00:00:00:00:02", loaded.datapath().vnics().get(1).config().mac().toString());
        assertEquals("mtu=68..1500", loaded.guestPolicies().get("guest1"));
    }

    @Test
    void guestsGetTheirAddressAndTheServiceRoute() throws Exception {
        Shell.Result r = dryRun(root, "guest.sh", "2", "02:00:00:00:00:02");
        assertEquals(0, r.exitCode(), r.output());
        String conf = Files.readString(root.resolve("etc/network/interfaces.d/quiver"));
        assertTrue(conf.contains("address 10.77.0.2/24") && conf.contains("169.254.169.254/32"), conf);
        Shell.Result bad = dryRun(root, "guest.sh", "300", "02:00:00:00:00:02");
        assertTrue(bad.exitCode() != 0 && bad.output().contains("1..254"), bad.output());
    }
}
