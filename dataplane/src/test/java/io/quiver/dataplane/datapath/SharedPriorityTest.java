package io.quiver.dataplane.datapath;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The priority specification with one lcore running to completion. */
class SharedPriorityTest extends PrioritySpecification {
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws Exception {
        run(ThreadingMode.SHARED, tmp);
    }
}
