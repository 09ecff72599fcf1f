package io.quiver.dataplane.datapath;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The datapath specification with one lcore running to completion. */
class SharedDatapathTest extends DatapathSpecification {
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws Exception {
        run(ThreadingMode.SHARED, tmp);
        closeDatapath();
    }
}
