package io.quiver.dataplane.datapath;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The datapath specification with an RX lcore and a worker lcore. */
class DedicatedDatapathTest extends DatapathSpecification {
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws Exception {
        run(ThreadingMode.DEDICATED, tmp);
        closeDatapath();
    }
}
