package io.quiver.dataplane.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/**
 * Parses byte-array frames through the real parser, from native memory, as the datapath does. The parser reads
 * absolute addresses, where a read past a frame's end would go unnoticed; so every frame is parsed twice, followed
 * once by 64 bytes of 0x00 and once by 64 bytes of 0xFF, and any field that differs is a read past the end.
 */
public final class ParsedFrames {
    private static final int TRAILER = 64;

    private ParsedFrames() {
    }

    public static ParsedBurst parse(Arena arena, List<byte[]> frames) {
        ParsedBurst zeros = parse(arena, frames, (byte) 0x00);
        ParsedBurst ones = parse(arena, frames, (byte) 0xFF);
        for (int i = 0; i < frames.size(); i++) {
            long[] a = fields(zeros, i);
            long[] b = fields(ones, i);
            if (!Arrays.equals(a, b)) {
                throw new AssertionError("the parser read past the end of frame " + i + " (" + frames.get(i).length
                        + " bytes): fields " + Arrays.toString(a) + " vs " + Arrays.toString(b));
            }
        }
        return zeros;
    }

    private static ParsedBurst parse(Arena arena, List<byte[]> frames, byte trailer) {
        ParsedBurst b = new ParsedBurst(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            byte[] f = frames.get(i);
            MemorySegment s = arena.allocate(f.length + TRAILER, 1);
            s.fill(trailer);
            s.copyFrom(MemorySegment.ofArray(f));
            b.frame[i] = s.address();
            b.length[i] = f.length;
            b.pktLen[i] = f.length;
            PacketParser.parse(b, i);
        }
        return b;
    }

    private static long[] fields(ParsedBurst b, int i) {
        return new long[] {b.kind[i], b.dstMac[i], b.srcMac[i], b.tags[i], b.vlan[i], b.innerVlan[i], b.l3[i], b.l4[i],
            b.fragment[i] ? 1 : 0, b.srcIp[i], b.dstIp[i], b.src6Hi[i], b.src6Lo[i], b.dst6Hi[i], b.dst6Lo[i], b.op[i]};
    }
}
