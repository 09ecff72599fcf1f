package io.quiver.dataplane.priority;

import io.quiver.configstore.model.IdentificationRule;
import io.quiver.dataplane.packet.PacketKind;
import io.quiver.dataplane.packet.PacketParser;
import io.quiver.dataplane.packet.ParsedBurst;
import io.quiver.dpdk.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Finds which subscription level each packet's connection belongs to, on the lcore that receives it (one per
 * datapath: every port's RX runs on the same lcore, so both directions of a connection meet in one table).
 *
 * <p>A connection starts at its VNIC's default class. Its first packet is tried against the first-packet rules
 * (VNIC, prefixes, ports); when none matches but an SNI or token rule could, its first payload bytes are collected in
 * an inspection buffer (in TCP sequence order, one direction, at most {@value IdentificationRule#MAX_WITHIN} bytes)
 * and tried as they come. Once a rule matches, the connection's entry is upgraded: that packet and every later one
 * is handled at the level's class, and policed by the level's maxbw/maxpps. Nothing is allocated per packet.
 */
public final class Identifier {
    /** {@link #classify}: the level's limit dropped the packet. */
    public static final int DROP = -1;

    private static final MemorySegment MEMORY = NativeMemory.ALL;
    private static final int TCP = 6;
    private static final int UDP = 17;
    /** A connection's inspection ends after this many payload packets, matched or not. */
    private static final int MAX_INSPECTED_PACKETS = 16;
    /** An inspection buffer held longer than this (seconds) is taken back for another connection. */
    private static final int INSPECTION_SECONDS = 5;
    private static final int SWEEP_BUDGET = 64;
    private static final int ALLOCATION_PROBES = 32;

    private final ConnectionTable table;
    private final SniParser sni = new SniParser(IdentificationRule.MAX_WITHIN);
    private final byte[][] buffers;
    private final int[] collected;
    private final long[] ownerHigh;
    private final long[] ownerLow;
    /** Tick the buffer was taken, or -1 when free. */
    private final int[] takenAt;
    private final int[] nextSeq;
    private final int[] inspectedPackets;
    private final boolean[] fromLower;
    private int probe;
    /** Where identified connections are asked to be re-steered by the NIC; null where the uplink classifies in software. */
    private SteeringRequests steering;

    /** Connections identified, by how ({@link Levels}'s rule kinds: first packet, SNI, token). */
    public final long[] identified = new long[3];
    /** Over those, the sum of each connection's packets up to and including the one that identified it. */
    public final long[] packetsToIdentify = new long[3];
    /** The most packets one connection took to be identified, by how. */
    public final long[] mostPacketsToIdentify = new long[3];
    /** Inspections that found no free buffer (the connection stays at its default class). */
    public long noBuffer;
    /** Inspections that ended without a match. */
    public long unmatched;

    public Identifier(int connections, int inspectionBuffers) {
        this.table = ConnectionTable.withDefaultTimeouts(connections);
        this.buffers = new byte[inspectionBuffers][IdentificationRule.MAX_WITHIN];
        this.collected = new int[inspectionBuffers];
        this.ownerHigh = new long[inspectionBuffers];
        this.ownerLow = new long[inspectionBuffers];
        this.takenAt = new int[inspectionBuffers];
        this.nextSeq = new int[inspectionBuffers];
        this.inspectedPackets = new int[inspectionBuffers];
        this.fromLower = new boolean[inspectionBuffers];
        java.util.Arrays.fill(takenAt, -1);
    }

    /**
     * Asks the NIC, through {@code requests}, to re-steer every connection identified from now on to its class's RX
     * queue, and to let go when the table removes it. Set before the lcore runs (the uplink classifies in hardware).
     */
    public void steerWith(SteeringRequests requests) {
        this.steering = requests;
        table.onSteeredRemoval(requests::release);
    }

    public ConnectionTable table() {
        return table;
    }

    /** Once per burst: expires a bounded piece of the table. */
    public void sweep(int tick) {
        table.expire(tick, SWEEP_BUDGET);
    }

    /**
     * The class packet {@code i} is handled at, or {@link #DROP}. {@code vnic} is the VNIC it is delivered to
     * ({@code toVnic}) or sent from; {@code defaultClass} what an unidentified connection gets.
     */
    public int classify(Levels levels, ParsedBurst b, int i, int vnic, int vns, boolean toVnic, int defaultClass,
                        long now, int tick) {
        if (b.kind[i] != PacketKind.IPV4) {
            return defaultClass;
        }
        int protocol = b.op[i];
        long frame = b.frame[i];
        int l4 = b.l4[i];
        int room = b.length[i] - l4;
        int srcPort = 0;
        int dstPort = 0;
        int flags = 0;
        int seq = 0;
        int payloadAt = 0;
        int payloadLength = 0;
        if (l4 > 0 && (protocol == TCP && room >= 20 || protocol == UDP && room >= 8)) {
            srcPort = PacketParser.be16(frame + l4);
            dstPort = PacketParser.be16(frame + l4 + 2);
            int ipPayload = PacketParser.be16(frame + b.l3[i] + 2) - (l4 - b.l3[i]);
            int header = 8;
            if (protocol == TCP) {
                seq = PacketParser.be32(frame + l4 + 4);
                header = (PacketParser.u8(frame + l4 + 12) >>> 4) * 4;
                flags = PacketParser.u8(frame + l4 + 13);
            }
            if (header >= 8 && header <= room) {
                payloadAt = l4 + header;
                payloadLength = Math.max(0, Math.min(ipPayload, room) - header);
            }
        }
        int src = b.srcIp[i];
        int dst = b.dstIp[i];
        int slot = table.track(vns, protocol, src, dst, srcPort, dstPort, b.pktLen[i], tick);
        if (slot < 0) {
            return defaultClass;
        }
        int localIp = toVnic ? dst : src;
        int remoteIp = toVnic ? src : dst;
        int localPort = toVnic ? dstPort : srcPort;
        int remotePort = toVnic ? srcPort : dstPort;
        if (protocol == TCP && (flags & 0x05) != 0) {
            table.tcpFlags(slot, flags, table.isLowerEndpoint(slot, src, srcPort));
        }
        if (table.created) {
            int r = levels.firstPacket(vnic, protocol, localIp, remoteIp, localPort, remotePort);
            if (r >= 0) {
                decide(levels, slot, r, protocol, localIp, remoteIp, localPort, remotePort);
            } else if (levels.wantsPayload(vnic, protocol, localIp, remoteIp, localPort, remotePort)) {
                table.inspect(slot, -1);
            } else {
                table.upgrade(slot, ConnectionTable.DEFAULT_CLASS, -1);
            }
        }
        if (payloadLength > 0 && table.isInspecting(slot)) {
            inspect(levels, slot, vnic, protocol, localIp, remoteIp, localPort, remotePort,
                    table.isLowerEndpoint(slot, src, srcPort), seq, frame + payloadAt, payloadLength, tick);
        }
        int level = table.levelOf(slot);
        if (level < 0 || levels.level(level) == null) {
            return defaultClass;
        }
        LevelCounters c = levels.counters[level];
        TokenBucket policer = levels.policers[level];
        if (policer != null && !policer.admit(b.pktLen[i], now)) {
            c.overLimit++;
            return DROP;
        }
        c.packets++;
        c.bytes += b.pktLen[i];
        return levels.levelClass[level];
    }

    private void decide(Levels levels, int slot, int rule, int protocol, int localIp, int remoteIp, int localPort,
                        int remotePort) {
        int level = levels.level[rule];
        int cls = levels.levelClass[level];
        table.upgrade(slot, cls, level);
        if (steering != null && cls != ConnectionTable.DEFAULT_CLASS && (protocol == TCP || protocol == UDP)
                && !table.isSteered(slot)
                && steering.steer(table.keyHigh(slot), table.keyLow(slot), protocol, remoteIp, localIp, remotePort, localPort, cls)) {
            table.markSteered(slot);
        }
        levels.counters[level].connections++;
        int how = levels.kind[rule];
        long packets = table.packetsOf(slot);
        identified[how]++;
        packetsToIdentify[how] += packets;
        mostPacketsToIdentify[how] = Math.max(mostPacketsToIdentify[how], packets);
    }

    private void inspect(Levels levels, int slot, int vnic, int protocol, int localIp, int remoteIp, int localPort,
                         int remotePort, boolean lower, int seq, long payload, int length, int tick) {
        int k = table.bufferOf(slot);
        if (k >= 0 && (ownerHigh[k] != table.keyHigh(slot) || ownerLow[k] != table.keyLow(slot))) {
            unmatched++; // its buffer was taken back (it stalled): it stays at its default class
            table.upgrade(slot, ConnectionTable.DEFAULT_CLASS, -1);
            return;
        }
        if (k < 0) {
            k = takeBuffer(tick);
            if (k < 0) {
                noBuffer++;
                table.upgrade(slot, ConnectionTable.DEFAULT_CLASS, -1);
                return;
            }
            ownerHigh[k] = table.keyHigh(slot);
            ownerLow[k] = table.keyLow(slot);
            collected[k] = 0;
            nextSeq[k] = seq;
            inspectedPackets[k] = 0;
            fromLower[k] = lower;
            table.inspect(slot, k);
        }
        if (lower != fromLower[k] || protocol == TCP && seq != nextSeq[k]) {
            return; // the other direction, a retransmission or a segment out of order: only the stream in order counts
        }
        nextSeq[k] = seq + length;
        byte[] data = buffers[k];
        int n = Math.min(length, data.length - collected[k]);
        MemorySegment.copy(MEMORY, ValueLayout.JAVA_BYTE, payload, data, collected[k], n);
        collected[k] += n;
        inspectedPackets[k]++;
        int have = collected[k];
        int nameLength = -1;
        boolean nameSettled = true;
        if (levels.sniRules && protocol == TCP) {
            int found = sni.parse(data, have);
            if (found >= 0) {
                nameLength = found;
            } else if (found == SniParser.NEED_MORE && have < data.length) {
                nameSettled = false;
            }
        }
        int r = levels.payload(vnic, protocol, localIp, remoteIp, localPort, remotePort, sni.buffer(), sni.nameOffset(),
                nameLength, data, have);
        if (r >= 0) {
            decide(levels, slot, r, protocol, localIp, remoteIp, localPort, remotePort);
            takenAt[k] = -1;
        } else if (nameSettled && levels.tokensSettled(have) || have >= data.length
                || inspectedPackets[k] >= MAX_INSPECTED_PACKETS) {
            unmatched++;
            table.upgrade(slot, ConnectionTable.DEFAULT_CLASS, -1);
            takenAt[k] = -1;
        }
    }

    /** A free buffer, or one held past {@link #INSPECTION_SECONDS}; -1 when a bounded search finds none. */
    private int takeBuffer(int tick) {
        int n = takenAt.length;
        for (int p = 0; p < Math.min(n, ALLOCATION_PROBES); p++) {
            int k = probe;
            probe = probe + 1 == n ? 0 : probe + 1;
            if (takenAt[k] < 0 || tick - takenAt[k] >= INSPECTION_SECONDS) {
                takenAt[k] = tick;
                return k;
            }
        }
        return -1;
    }
}
