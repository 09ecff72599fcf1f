package io.quiver.dataplane.vns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.SplittableRandom;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The neighbour states and timers, with a recording owner and a clock the test moves. */
class NeighbourTableTest {
    static final long S = 1_000_000_000L;
    static final int GW = 0x0A000001;
    static final long GW_MAC = 0x02_00_00_00_00_01L;

    /** What the table asked for, in order. */
    static final class Recorder implements NeighbourTable.Actions {
        final List<String> probes = new ArrayList<>();
        final List<Long> sent = new ArrayList<>();
        final List<Long> dropped = new ArrayList<>();

        @Override
        public void probe(int ip, long mac) {
            probes.add(mac == 0 ? "broadcast" : "unicast");
        }

        @Override
        public void transmit(long mbuf, long mac) {
            sent.add(mbuf);
        }

        @Override
        public void drop(long mbuf) {
            dropped.add(mbuf);
        }
    }

    @Test
    void aMissHoldsAndProbesAndTheAnswerSendsWhatWasHeldInOrder() {
        Recorder r = new Recorder();
        NeighbourTable t = new NeighbourTable(16, 1024, r);
        assertEquals(NeighbourTable.HELD, t.resolve(GW, 101, 0));
        assertEquals(NeighbourTable.HELD, t.resolve(GW, 102, S / 2));
        assertEquals(List.of("broadcast"), r.probes, "one probe, not one per packet");
        assertEquals("incomplete", t.stateOf(GW));
        t.learn(GW, GW_MAC, S / 2);
        assertEquals(List.of(101L, 102L), r.sent, "held packets go out in order");
        assertEquals("reachable", t.stateOf(GW));
        assertEquals(NeighbourTable.SENT, t.resolve(GW, 103, S));
        assertEquals(2, t.held);
        assertEquals(1, t.arpMisses);
    }

    @Test
    void silenceFailsTheNeighbourDropsWhatWasHeldAndForgetsItAfterAMinute() {
        Recorder r = new Recorder();
        NeighbourTable t = new NeighbourTable(16, 1024, r);
        for (int i = 0; i < 300; i++) {
            t.resolve(GW, 1000 + i, 0);
        }
        assertEquals(NeighbourTable.HELD_PER_NEIGHBOUR, t.held, "at most 256 held");
        assertEquals(300 - NeighbourTable.HELD_PER_NEIGHBOUR, t.dropped);
        for (long now = 0; now <= 4 * S; now += S / 10) {
            t.tick(now);
        }
        assertEquals(List.of("broadcast", "broadcast", "broadcast"), r.probes, "three broadcast probes a second apart");
        assertEquals("failed", t.stateOf(GW));
        assertEquals(NeighbourTable.HELD_PER_NEIGHBOUR, t.heldDropped, "what was held is dropped and counted");
        assertEquals(NeighbourTable.DROPPED, t.resolve(GW, 2000, 5 * S), "packets to a failed neighbour are dropped");
        t.tick(4 * S + NeighbourTable.UNREACHABLE_NANOS);
        assertEquals("none", t.stateOf(GW), "forgotten after the unreachable time");
        assertEquals(NeighbourTable.HELD, t.resolve(GW, 3000, 70 * S), "and asked for afresh");
    }

    @Test
    void aStaleNeighbourIsStillUsedWhileProbedUnicastThenBroadcast() {
        Recorder r = new Recorder();
        NeighbourTable t = new NeighbourTable(16, 64, r);
        t.resolve(GW, 1, 0);
        t.learn(GW, GW_MAC, 0);
        long later = NeighbourTable.REACHABLE_NANOS + S;
        assertEquals(NeighbourTable.SENT, t.resolve(GW, 2, later), "stale is still used");
        assertEquals("stale", t.stateOf(GW));
        for (long now = later; now <= later + 8 * S; now += S / 4) {
            t.tick(now);
        }
        assertEquals(List.of("broadcast", "unicast", "unicast", "unicast", "broadcast", "broadcast", "broadcast"), r.probes);
        assertEquals("failed", t.stateOf(GW));
    }

    @Test
    void staticEntriesAndUnsolicitedAnswers() {
        Recorder r = new Recorder();
        NeighbourTable t = new NeighbourTable(2, 8, r);
        t.learn(0x0A000009, 0x0200000000_09L, 0);
        assertEquals("none", t.stateOf(0x0A000009), "an unsolicited ARP reply does not fill the table");
        t.setStatic(GW, GW_MAC);
        assertEquals(NeighbourTable.SENT, t.resolve(GW, 1, 10 * NeighbourTable.REACHABLE_NANOS));
        t.tick(10 * NeighbourTable.REACHABLE_NANOS);
        assertEquals(List.of(), r.probes, "a static neighbour is never probed");
        t.resolve(0x0A000002, 2, 0);
        assertEquals(NeighbourTable.DROPPED, t.resolve(0x0A000003, 3, 0), "a full table drops, counted");
        assertThrows(IllegalArgumentException.class, () -> t.setStatic(0x0A000004, 1));
    }

    @Test
    void manyNeighboursComeAndGoAndEveryoneIsFoundMeanwhile() {
        Recorder r = new Recorder();
        NeighbourTable t = new NeighbourTable(512, 4096, r);
        Random random = new Random(3);
        Map<Integer, Long> known = new HashMap<>();
        long now = 0;
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < 40 && t.size() < 500; i++) {
                int ip = 0x0A000000 | random.nextInt(1 << 12) + 1;
                t.resolve(ip, 1, now);
                if (random.nextBoolean()) {
                    long m = 0x0200_0000_0000L | ip;
                    t.learn(ip, m, now);
                    known.put(ip, m);
                }
            }
            now += 10 * S; // the unanswered fail, and the failed are forgotten a minute on
            t.tick(now);
            for (var e : known.entrySet()) {
                String s = t.stateOf(e.getKey());
                assertTrue(s.equals("reachable") || s.equals("stale"), e.getKey() + " " + s);
                assertEquals((long) e.getValue(), t.macOf(e.getKey()));
            }
        }
    }

    @Test
    void anAnsweredNeighbourNoOneUsesIsForgottenSoTheTableFreesRoom() {
        Recorder r = new Recorder();
        NeighbourTable t = new NeighbourTable(2, 64, 10 * S, r);
        t.resolve(GW, 1, 0);
        t.resolve(GW + 1, 2, 0);
        t.learn(GW, GW_MAC, 0);
        t.learn(GW + 1, GW_MAC + 1, 0);
        assertEquals(NeighbourTable.DROPPED, t.resolve(GW + 2, 3, S), "full");
        t.tick(69 * S);
        assertEquals(2, t.size(), "not yet: reachable 10 s plus a minute unused");
        t.tick(70 * S);
        assertEquals(0, t.size());
        assertEquals(NeighbourTable.HELD, t.resolve(GW + 2, 4, 71 * S), "room again");
    }

    @Test
    void everyHeldPacketIsReleasedOnceWhateverMovedInTheTable() {
        SplittableRandom random = new SplittableRandom(3);
        for (int round = 0; round < 200; round++) {
            Recorder r = new Recorder();
            NeighbourTable t = new NeighbourTable(8, 256, 5 * S, r);
            List<Long> held = new ArrayList<>();
            long now = 0;
            long mbuf = 1;
            for (int step = 0; step < 300; step++) {
                int ip = GW + random.nextInt(24);
                switch (random.nextInt(4)) {
                    case 0, 1 -> {
                        long m = mbuf++;
                        if (t.resolve(ip, m, now) == NeighbourTable.HELD) {
                            held.add(m);
                        }
                    }
                    case 2 -> t.learn(ip, GW_MAC + ip, now);
                    default -> {
                        now += random.nextLong(3 * S);
                        t.tick(now);
                    }
                }
            }
            List<Long> released = new ArrayList<>();
            t.releaseHeld(released::add);
            List<Long> outcome = new ArrayList<>(released);
            outcome.addAll(r.sent);
            outcome.addAll(r.dropped);
            assertEquals(outcome.size(), new java.util.HashSet<>(outcome).size(), "no packet sent, dropped or released twice");
            assertTrue(outcome.containsAll(held), "every held packet had one fate");
        }
    }
}
