package io.quiver.control.lab;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The lab with the datapath on one lcore, run to completion. */
class SharedLabTest extends LabEndToEndTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void up() throws Exception {
        totals = null;
        startLab("shared", dir);
    }
}
