package io.quiver.dataplane.datapath;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The VNS specification with an RX lcore and a worker: the forwarding rings carry packets to the routing worker. */
class DedicatedVnsDatapathTest extends VnsDatapathSpecification {
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws Exception {
        run(ThreadingMode.DEDICATED, tmp);
    }
}
