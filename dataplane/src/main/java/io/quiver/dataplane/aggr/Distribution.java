package io.quiver.dataplane.aggr;

import io.quiver.dataplane.packet.ParsedBurst;

/**
 * What the lcores read of an aggregation: which DPDK port each of the {@value RedirectionTable#SIZE} hash entries
 * leaves by, which ports are members (their ingress is the aggregation's) and which of them collect (what a member
 * that does not collect receives is dropped). Immutable: the control side publishes a new one whole, so an lcore
 * never sees a member in the table that is not collecting, or half a change.
 */
public final class Distribution {
    private final int[] portByEntry;
    private final boolean[] member;
    private final boolean[] collects;
    private final HashPolicy policy;

    Distribution(RedirectionTable table, int[] memberPorts, int[] collecting, HashPolicy policy, int maxPort) {
        this.portByEntry = new int[RedirectionTable.SIZE];
        for (int e = 0; e < portByEntry.length; e++) {
            portByEntry[e] = table.lookup(e);
        }
        this.member = new boolean[maxPort + 1];
        this.collects = new boolean[maxPort + 1];
        for (int p : memberPorts) {
            member[p] = true;
        }
        for (int p : collecting) {
            collects[p] = true;
        }
        this.policy = policy;
    }

    /** The port packet {@code i} leaves by, or {@link RedirectionTable#NONE} when no member distributes. */
    public int portFor(ParsedBurst b, int i) {
        return portByEntry[policy.hash(b, i) & (RedirectionTable.SIZE - 1)];
    }

    /**
     * Chooses the member of packets 0..{@code n - 1} of {@code b} into {@code b.uplinkPort}: one tight loop a burst,
     * which the JIT compiles whole, where one call a packet from the send did not inline.
     */
    public void route(ParsedBurst b, int n) {
        HashPolicy p = policy;
        int[] table = portByEntry;
        int[] out = b.uplinkPort;
        for (int i = 0; i < n; i++) {
            out[i] = table[p.hash(b, i) & (RedirectionTable.SIZE - 1)];
        }
    }

    /** Whether {@code port} is a member now: its ingress is the aggregation's, not a guest port's. */
    public boolean isMember(int port) {
        return port < member.length && member[port];
    }

    /** Whether what {@code port} receives is taken (a member collecting), not dropped. */
    public boolean collects(int port) {
        return port < collects.length && collects[port];
    }

    /** Entries that lead to {@code port}: its share of the connections, out of {@value RedirectionTable#SIZE}. */
    public int share(int port) {
        int n = 0;
        for (int p : portByEntry) {
            n += p == port ? 1 : 0;
        }
        return n;
    }

    public HashPolicy policy() {
        return policy;
    }
}
