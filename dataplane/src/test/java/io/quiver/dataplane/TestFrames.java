package io.quiver.dataplane;

import io.quiver.dataplane.packet.UdpFrameBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic test traffic: UDP frames of varied sizes and addresses. */
public final class TestFrames {
    private TestFrames() {
    }

    public static List<byte[]> udp(int count, long seed) {
        Random r = new Random(seed);
        List<byte[]> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] payload = new byte[r.nextInt(1455)];
            r.nextBytes(payload);
            frames.add(new UdpFrameBuilder()
                    .destinationMac(new byte[] {2, 0, 0, 0, (byte) 0xff, (byte) 0xfe})
                    .sourceMac(new byte[] {2, 0, 0, 0, 0, (byte) (1 + i % 4)})
                    .sourceIp(0x0a000000 | (1 + i % 4)).destinationIp(0x0a010000 | i)
                    .ports(1024 + i, 53).payload(payload).build());
        }
        return frames;
    }
}
