package io.quiver.dataplane.datapath;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The VNS specification with one lcore: routing runs inline at classification. */
class SharedVnsDatapathTest extends VnsDatapathSpecification {
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws Exception {
        run(ThreadingMode.SHARED, tmp);
    }
}
