package io.quiver.dataplane.vns;

import io.quiver.dpdk.Lpm;

/**
 * DPDK's own IPv4 longest-prefix-match table (rte_lpm), the reference {@link Ipv4Fib} is checked and measured against
 * (same routes, same addresses, same run). Lives in DPDK memory: the EAL must run.
 */
public final class RteLpm implements AutoCloseable {
    private final long lpm;

    public RteLpm(String name, int maxRoutes, int groups) {
        this.lpm = Lpm.create(name, maxRoutes, groups);
    }

    public void add(int network, int length, int nextHop) {
        Lpm.add(lpm, network, length, nextHop);
    }

    public boolean delete(int network, int length) {
        return Lpm.delete(lpm, network, length);
    }

    /** The next hops of the first {@code n} of {@code ips} ({@link Ipv4Fib#NO_ROUTE} where none covers). */
    public void lookup(int[] ips, int[] hops, int n) {
        Lpm.lookupBulk(lpm, ips, hops, n);
    }

    @Override
    public void close() {
        Lpm.free(lpm);
    }
}
