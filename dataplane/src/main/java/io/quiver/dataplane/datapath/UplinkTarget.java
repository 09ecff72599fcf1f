package io.quiver.dataplane.datapath;

import io.quiver.dataplane.aggr.Aggregation;

/**
 * What the uplink is, shared by every task that receives from it or sends to it: a port, until (or unless) an
 * aggregation takes its place; {@code create-aggr} on a running datapath turns the uplink port into an aggregation's
 * member by setting {@link #aggregation}, which the lcores see at their next packet.
 */
final class UplinkTarget {
    /** The uplink port the datapath started with, or -1 when it started with an aggregation. */
    final int port;
    /** The uplink's aggregation, or null while the uplink is {@link #port}. */
    volatile Aggregation aggregation;

    UplinkTarget(int port, Aggregation aggregation) {
        this.port = port;
        this.aggregation = aggregation;
    }
}
