package io.quiver.perf.configstore;

import io.quiver.configstore.ConfigStore;
import io.quiver.configstore.Decision;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of {@link ConfigStore#check}: one guest request's permission check against a store of 256 VNICs with
 * policies, as the guest request service calls it (parameter and value as text). SampleTime gives p50/p99/p99.9;
 * the target is p99 under 1 µs. Each sample includes the timer's own cost (about 20-30 ns).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PermissionCheckBenchmark {
    private Path dir;
    private ConfigStore store;
    // Fields, not constants, so the JIT cannot fold the inputs.
    private Requester guest;
    private String vnic;
    private String other;
    private String mtu;
    private String allowedMtu;
    private String deniedMtu;
    private String addresses;
    private String addressList;
    private String mac;
    private String newMac;

    @Setup(Level.Trial)
    public void open() {
        dir = BenchmarkStores.tempDir();
        store = BenchmarkStores.populate(dir, 256);
        vnic = "vm17";
        other = "vm18";
        guest = Requester.guest(vnic);
        mtu = "mtu";
        allowedMtu = "1400";
        deniedMtu = "9000";
        addresses = "ipv4-addresses";
        addressList = "10.0.17.5/24,10.1.17.6/16";
        mac = "mac";
        newMac = "02:00:00:00:99:99";
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
        BenchmarkStores.delete(dir);
    }

    /** Allowed: an integer inside a range. */
    @Benchmark
    public Decision allowedMtu() {
        return store.check(guest, vnic, mtu, allowedMtu);
    }

    /** Allowed: a list of two interface addresses, each inside a CIDR block. */
    @Benchmark
    public Decision allowedAddressList() {
        return store.check(guest, vnic, addresses, addressList);
    }

    /** Denied: a value outside the range (allocates the denial; its message is written only when read). */
    @Benchmark
    public Decision deniedValue() {
        return store.check(guest, vnic, mtu, deniedMtu);
    }

    /** Denied: a parameter the policy does not list. */
    @Benchmark
    public Decision deniedParameter() {
        return store.check(guest, vnic, mac, newMac);
    }

    /** Denied: the request names another guest's VNIC. */
    @Benchmark
    public Decision deniedOtherVnic() {
        return store.check(guest, other, mtu, allowedMtu);
    }
}
