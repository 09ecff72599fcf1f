package io.quiver.dataplane.datapath;

import io.quiver.dataplane.aggr.Aggregation;
import io.quiver.dataplane.aggr.Distribution;
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
    /** The aggregation's distribution for the current poll ({@link #refresh}), or null while the uplink is a port. */
    private Distribution current;
    /** For a frame no one has parsed (the router's): parsed here to be hashed like every other. */
    private final ParsedBurst one = new ParsedBurst(1);
    /** Frames dropped because no member could carry them (every member down, or LACP not yet agreed). */
    long noMember;

    /** Whether its task sends to the uplink (a guest port's does; the uplink's own ingress never does). */
    private final boolean sends;

    UplinkChoice(UplinkTarget target, boolean sends) {
        this.target = target;
        this.sends = sends;
    }

    /**
     * Takes the uplink's distribution for the poll that begins: one volatile read a poll, not two a packet. A change
     * published meanwhile applies from the next poll, as every other table's.
     */
    void refresh() {
        Aggregation aggregation = sends ? target.aggregation : null;
        current = aggregation == null ? null : aggregation.distribution();
    }

    /** For a burst just parsed, where the uplink is an aggregation: each packet's member ({@link ParsedBurst#uplinkPort}). */
    void route(ParsedBurst b, int n) {
        Distribution d = current;
        if (d != null) {
            d.route(b, n);
        }
    }

    /**
     * The port packet {@code i} of a burst {@link #route routed} in this poll leaves by; {@link RedirectionTable#NONE}
     * when no member carries (the caller drops it and counts it in {@link #noMember}).
     */
    int portFor(ParsedBurst b, int i) {
        return current == null ? target.port : b.uplinkPort[i];
    }

    /**
     * The port the frame in mbuf {@code m} leaves by, parsing it first; NONE as above. The router's: it sends from
     * several places of its own, so it takes the distribution afresh each time.
     */
    int portFor(long m) {
        refresh();
        if (current == null) {
            return target.port;
        }
        ParsedBurst b = one;
        b.mbuf[0] = m;
        b.frame[0] = Mbufs.data(m);
        b.length[0] = Mbufs.dataLen(m);
        b.pktLen[0] = Mbufs.pktLen(m);
        PacketParser.parse(b, 0);
        int out = current.portFor(b, 0);
        if (out == RedirectionTable.NONE) {
            noMember++;
        }
        return out;
    }
}
