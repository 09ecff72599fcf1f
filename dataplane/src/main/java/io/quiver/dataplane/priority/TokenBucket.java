package io.quiver.dataplane.priority;

/**
 * A limit in bits per second and in packets per second, each a token bucket with its own burst (DPDK rte_meter's
 * srTCM without its colours; Crossbow's {@code maxbw}, plus a packet rate). A packet passes when both buckets hold
 * enough; a policer drops the rest, a shaper leaves it queued until {@link #admit} lets it go. Owned by one lcore: plain
 * fields, integer arithmetic, nothing allocated.
 */
public final class TokenBucket {
    private static final long NANOS = 1_000_000_000L;

    private final long bytesPerSecond;
    private final long packetsPerSecond;
    private final long burstBytes;
    private final long burstPackets;
    private long byteTokens;
    private long packetTokens;
    private long byteRefilledAt;
    private long packetRefilledAt;

    /**
     * @param bitsPerSecond    0 for no bit-rate limit
     * @param packetsPerSecond 0 for no packet-rate limit
     * @param burstBytes       the bytes that may pass at once; at least one largest packet, or it could never pass
     * @param burstPackets     the packets that may pass at once
     */
    public TokenBucket(long bitsPerSecond, long packetsPerSecond, long burstBytes, long burstPackets, long nowNanos) {
        if (bitsPerSecond < 0 || packetsPerSecond < 0 || (bitsPerSecond > 0 && burstBytes < 1)
                || (packetsPerSecond > 0 && burstPackets < 1)) {
            throw new IllegalArgumentException("a rate limit needs non-negative rates and a burst of at least one");
        }
        this.bytesPerSecond = bitsPerSecond / 8;
        this.packetsPerSecond = packetsPerSecond;
        this.burstBytes = burstBytes;
        this.burstPackets = burstPackets;
        this.byteTokens = burstBytes;
        this.packetTokens = burstPackets;
        this.byteRefilledAt = nowNanos;
        this.packetRefilledAt = nowNanos;
    }

    /**
     * The limit {@code maxbw}/{@code maxpps} for packets of up to {@code mtuBytes}, with bursts of what 10 ms at the
     * rate carries, never less than one largest packet: for a shaper, whose queue absorbs the rest.
     *
     * @throws IllegalArgumentException for a bit rate under one largest packet per second, which could not carry it
     */
    public static TokenBucket of(long bitsPerSecond, long packetsPerSecond, int mtuBytes, long nowNanos) {
        return of(bitsPerSecond, packetsPerSecond, mtuBytes, 10, nowNanos);
    }

    /**
     * As {@link #of(long, long, int, long)} with bursts of {@code burstMillis} at the rate. A policer needs the longer
     * burst: TCP through one that allows only a few packets at once collapses far below the rate (measured: 2 Mbit/s
     * through a 40 Mbit/s policer with 10 ms; OVS's ingress policer defaults to 8 Mbit).
     */
    public static TokenBucket of(long bitsPerSecond, long packetsPerSecond, int mtuBytes, int burstMillis, long nowNanos) {
        if (bitsPerSecond > 0 && bitsPerSecond / 8 < mtuBytes) {
            throw new IllegalArgumentException("a limit of " + bitsPerSecond + " bit/s is under one " + mtuBytes
                    + "-byte packet per second: it would hold back every full-size packet for over a second");
        }
        long burstBytes = Math.max(mtuBytes, bitsPerSecond / 8 * burstMillis / 1000);
        long burstPackets = Math.max(1, packetsPerSecond * burstMillis / 1000);
        return new TokenBucket(bitsPerSecond, packetsPerSecond, burstBytes, burstPackets, nowNanos);
    }

    /**
     * A bucket with this one's limits and the tokens it holds now (read from another thread: as of some recent
     * moment), for a packet trace to ask without spending this one's.
     */
    public TokenBucket copy() {
        TokenBucket c = new TokenBucket(bytesPerSecond * 8, packetsPerSecond, burstBytes, burstPackets, byteRefilledAt);
        c.byteTokens = byteTokens;
        c.packetTokens = packetTokens;
        c.packetRefilledAt = packetRefilledAt;
        return c;
    }

    private void refill(long now) {
        if (bytesPerSecond > 0) {
            long elapsed = Math.min(now - byteRefilledAt, NANOS * burstBytes / bytesPerSecond + 1);
            long earned = elapsed * bytesPerSecond / NANOS;
            if (earned > 0) {
                byteTokens = Math.min(burstBytes, byteTokens + earned);
                byteRefilledAt = byteTokens == burstBytes ? now : byteRefilledAt + earned * NANOS / bytesPerSecond;
            }
        }
        if (packetsPerSecond > 0) {
            long elapsed = Math.min(now - packetRefilledAt, NANOS * burstPackets / packetsPerSecond + 1);
            long earned = elapsed * packetsPerSecond / NANOS;
            if (earned > 0) {
                packetTokens = Math.min(burstPackets, packetTokens + earned);
                packetRefilledAt = packetTokens == burstPackets ? now : packetRefilledAt + earned * NANOS / packetsPerSecond;
            }
        }
    }

    /** Takes the tokens of a {@code bytes}-byte packet and says true, or takes nothing and says false (policing). */
    public boolean admit(int bytes, long now) {
        return admit(bytes, now, 0);
    }

    /**
     * As {@link #admit(int, long)}, but only while {@code reserve} bytes of tokens would be left over: what a lower
     * class may take from a bucket it shares with higher ones, so that a higher class's packet finds tokens at once
     * instead of waiting for the lower class's last packet to be paid for.
     */
    public boolean admit(int bytes, long now, int reserve) {
        refill(now);
        // never more reserve than a full bucket can spare beside the packet: the lower class is slowed, never stopped
        long keep = Math.max(0, Math.min(reserve, burstBytes - bytes));
        if ((bytesPerSecond > 0 && byteTokens < bytes + keep) || (packetsPerSecond > 0 && packetTokens < 1)) {
            return false;
        }
        if (bytesPerSecond > 0) {
            byteTokens -= bytes;
        }
        if (packetsPerSecond > 0) {
            packetTokens--;
        }
        return true;
    }
}
