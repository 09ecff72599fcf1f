package io.quiver.dataplane.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/** Parses byte-array frames through the real parser, from native memory, as the datapath does. */
public final class ParsedFrames {
    private ParsedFrames() {
    }

    public static ParsedBurst parse(Arena arena, List<byte[]> frames) {
        ParsedBurst b = new ParsedBurst(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            byte[] f = frames.get(i);
            // exactly the frame's bytes, so a read past the end would leave the segment
            MemorySegment s = arena.allocate(Math.max(1, f.length), 1);
            s.copyFrom(MemorySegment.ofArray(f));
            b.frame[i] = s.address();
            b.length[i] = f.length;
            PacketParser.parse(b, i);
        }
        return b;
    }
}
