package io.quiver.control.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A guest controls every byte of its requests: whatever it sends, the decoder either returns a message that holds to
 * the wire rules or throws {@link GuestProtocolException}; nothing else escapes. Fixed seed, so a failure reproduces.
 */
class GuestCodecFuzzTest {
    private static final int ROUNDS = 200_000;
    private static final long SEED = 0x5155_4956_4552L;
    /** Bytes that matter to the grammar, or to UTF-8, or to neither. */
    private static final byte[] INTERESTING = {'\n', '\r', ':', ' ', '0', '1', '9', '-', '=', '/', 'a', 'Z', 0, 0x7F,
            (byte) 0x80, (byte) 0xBF, (byte) 0xC0, (byte) 0xC3, (byte) 0xE2, (byte) 0xED, (byte) 0xF0, (byte) 0xF4,
            (byte) 0xF8, (byte) 0xFF};

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void randomAndMutatedPayloadsDecodeOrFailWithAProtocolErrorOnly() {
        SplittableRandom random = new SplittableRandom(SEED);
        List<byte[]> corpus = new ArrayList<>();
        for (GuestMessage m : GuestCodecTest.everyKind()) {
            corpus.add(GuestCodec.encode(m));
        }
        int decoded = 0;
        int refused = 0;
        for (int round = 0; round < ROUNDS; round++) {
            byte[] payload = round % 10 == 0 ? randomBytes(random) : mutate(random, corpus);
            try {
                GuestMessage m = GuestCodec.decode(payload, 0, payload.length);
                decoded++;
                byte[] again = GuestCodec.encode(m);
                assertTrue(again.length <= GuestProtocol.MAX_DATAGRAM);
                assertEquals(m, GuestCodec.decode(again), "a decoded message re-encodes to itself");
                if (corpus.size() < 2_000 && random.nextInt(4) == 0) {
                    corpus.add(payload);
                }
            } catch (GuestProtocolException e) {
                refused++;
                assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a refusal says why");
            } catch (Throwable t) {
                fail("round " + round + ": " + t + " for payload " + HexFormat.of().formatHex(payload), t);
            }
        }
        assertEquals(ROUNDS, decoded + refused);
        assertTrue(decoded > ROUNDS / 100, "mutations reach the accepting paths too: " + decoded + " decoded");
        assertTrue(refused > ROUNDS / 2, refused + " refused");
    }

    private static byte[] randomBytes(SplittableRandom random) {
        byte[] b = new byte[random.nextInt(GuestProtocol.MAX_DATAGRAM + 40)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }

    private static byte[] mutate(SplittableRandom random, List<byte[]> corpus) {
        byte[] b = corpus.get(random.nextInt(corpus.size())).clone();
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int at = b.length == 0 ? 0 : random.nextInt(b.length);
            switch (random.nextInt(8)) {
                case 0 -> {
                    if (b.length > 0) {
                        b[at] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> {
                    if (b.length > 0) {
                        b[at] = INTERESTING[random.nextInt(INTERESTING.length)];
                    }
                }
                case 2 -> b = insert(b, at, new byte[] {INTERESTING[random.nextInt(INTERESTING.length)]});
                case 3 -> b = remove(b, at, 1 + random.nextInt(4));
                case 4 -> b = Arrays.copyOf(b, random.nextInt(b.length + 1));
                case 5 -> {
                    // A slice of another message: lines moved, repeated, or crossing kinds.
                    byte[] other = corpus.get(random.nextInt(corpus.size()));
                    int from = random.nextInt(other.length);
                    b = insert(b, at, Arrays.copyOfRange(other, from, from + random.nextInt(other.length - from + 1)));
                }
                case 6 -> b = insert(b, at, "x".repeat(random.nextInt(600)).getBytes());
                default -> {
                    if (b.length > 0) {
                        b[at] = (byte) random.nextInt(256);
                    }
                }
            }
        }
        return b;
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        byte[] out = new byte[b.length + what.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(b, at, out, at + what.length, b.length - at);
        return out;
    }

    private static byte[] remove(byte[] b, int at, int n) {
        n = Math.min(n, b.length - at);
        byte[] out = new byte[b.length - n];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + n, out, at, b.length - at - n);
        return out;
    }
}
