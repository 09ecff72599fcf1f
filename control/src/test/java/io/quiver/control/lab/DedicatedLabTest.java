package io.quiver.control.lab;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The lab with the datapath split over an RX lcore and a worker lcore. */
class DedicatedLabTest extends LabEndToEndTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void up() throws Exception {
        totals = null;
        startLab("dedicated", dir);
    }
}
