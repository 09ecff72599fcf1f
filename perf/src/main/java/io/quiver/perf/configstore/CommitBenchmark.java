package io.quiver.perf.configstore;

import io.quiver.configstore.ChangeResult;
import io.quiver.configstore.ConfigStore;
import io.quiver.configstore.Durability;
import io.quiver.configstore.model.Requester;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of a commit until the call returns (acknowledged: journaled, applied to the memory-mapped maps, audited),
 * with the default store options: journal files of 65536 records, so a long run includes journal roll-overs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CommitBenchmark {
    private Path dir;
    private ConfigStore store;
    private Requester guest;
    private String vnic;
    private final String[] mtus = new String[512];
    private final String[] buffers = new String[512];
    private int i;
    /** What a commit's return promises: POWER_LOSS waits for the journal's fdatasync (docs/configstore.md). */
    @Param({"POWER_LOSS", "PROCESS"})
    public Durability durability;

    @Setup(Level.Trial)
    public void open() {
        dir = BenchmarkStores.tempDir();
        store = BenchmarkStores.populate(dir, 64, durability);
        vnic = "vm7";
        guest = Requester.guest(vnic);
        for (int k = 0; k < mtus.length; k++) {
            mtus[k] = Integer.toString(1000 + k % 500); // inside the policy's 68..1500: every sample is a commit
            buffers[k] = Integer.toString(4096 * (k + 1));
        }
        for (String mtu : mtus) { // a policy edit must not turn this case into the denied one unnoticed
            if (!store.requestChange(guest, vnic, "mtu", mtu).committed()) {
                throw new IllegalStateException("the benchmark policy refuses mtu " + mtu + ": " + BenchmarkStores.POLICY);
            }
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
        BenchmarkStores.delete(dir);
    }

    /** A guest request that its policy allows: check, journal, apply, audit. */
    @Benchmark
    public ChangeResult guestRequest() {
        return store.requestChange(guest, vnic, "mtu", mtus[i++ & 511]);
    }

    /** An administrator's change of one parameter. */
    @Benchmark
    public ChangeResult adminChange() {
        return store.adminChange(BenchmarkStores.ADMIN, vnic, "tcp-send-buffer", buffers[i++ & 511]);
    }

    /** A guest request that is denied: only its audit record is written. */
    @Benchmark
    public ChangeResult deniedRequest() {
        return store.requestChange(guest, vnic, "mtu", "9000");
    }
}
