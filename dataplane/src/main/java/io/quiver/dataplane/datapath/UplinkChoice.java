package io.quiver.dataplane.datapath;

import io.quiver.dataplane.aggr.Aggregation;
import io.quiver.dataplane.aggr.RedirectionTable;
import io.quiver.dataplane.packet.PacketParser;
import io.quiver.dataplane.packet.ParsedBurst;
import io.quiver.dpdk.Mbufs;

/**
 * Which port a frame for the network leaves by: the uplink port, or, when the uplink is an aggregation, the member
 * its connection's hash picks in the aggregation's current distribution (a volatile read, then an array lookup). One
 * per task that sends to the uplink: its scratch burst and its counter are that task's lcore's.
 */
final class UplinkChoice {
    private final UplinkTarget target;
    /** For a frame no one has parsed (the router's): parsed here to be hashed like every other. */
    private final ParsedBurst one = new ParsedBurst(1);
    /** Frames dropped because no member could carry them (every member down, or LACP not yet agreed). */
    long noMember;

    UplinkChoice(UplinkTarget target) {
        this.target = target;
    }

    /** The port packet {@code i} leaves by; {@link RedirectionTable#NONE} (counted) when no member carries. */
    int portFor(ParsedBurst b, int i) {
        Aggregation aggregation = target.aggregation;
        if (aggregation == null) {
            return target.port;
        }
        int out = aggregation.distribution().portFor(b, i);
        if (out == RedirectionTable.NONE) {
            noMember++;
        }
        return out;
    }

    /** The port the frame in mbuf {@code m} leaves by, parsing it first; NONE as above. */
    int portFor(long m) {
        if (target.aggregation == null) {
            return target.port;
        }
        ParsedBurst b = one;
        b.mbuf[0] = m;
        b.frame[0] = Mbufs.data(m);
        b.length[0] = Mbufs.dataLen(m);
        b.pktLen[0] = Mbufs.pktLen(m);
        PacketParser.parse(b, 0);
        return portFor(b, 0);
    }
}
