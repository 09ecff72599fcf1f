package io.quiver.dataplane.aggr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * LACP's machines between two Quiver systems wired back to back on a simulated clock (each LACPDU through the real
 * encoder and decoder); against Linux in control's {@code LinuxLacpTest}.
 */
class LacpPortTest {
    private static final long MS = 1_000_000L;
    private static final long A = 0x0200_0000_00AAL;
    private static final long B = 0x0200_0000_00BBL;

    /** Runs both ends for {@code millis} from {@code start} in 10 ms steps; returns the end time. */
    private static long run(LacpPort a, LacpPort b, long start, long millis, boolean bTalks) {
        long now = start;
        for (long t = 0; t < millis; t += 10) {
            now = start + t * MS;
            deliver(a.tick(now), b, now);
            Lacpdu fromB = b.tick(now);
            if (bTalks) {
                deliver(fromB, a, now);
            }
            LacpSelection.select(List.of(a));
            LacpSelection.select(List.of(b));
        }
        return now;
    }

    private static void deliver(Lacpdu pdu, LacpPort to, long now) {
        if (pdu != null) {
            to.receive(Lacpdu.decode(pdu.encode(0x0200_0000_0001L)), now);
        }
    }

    @Test
    void twoActiveEndsReachCollectingAndDistributingWithinAFewTicks() {
        LacpPort a = new LacpPort(32768, A, 1, 255, 1, true, true);
        LacpPort b = new LacpPort(32768, B, 9, 255, 4, true, true);
        assertEquals(LacpPort.Mux.DETACHED, a.mux());
        assertTrue(a.actor().has(LacpActor.DEFAULTED));
        run(a, b, 0, 100, true);
        assertTrue(a.collectingAndDistributing() && b.collectingAndDistributing(), a.actor() + " / " + b.actor());
        assertEquals(B, a.partner().system());
        assertEquals(4, a.partner().port());
        assertTrue(a.actor().collectingAndDistributing());
        assertFalse(a.actor().has(LacpActor.DEFAULTED));
    }

    @Test
    void aSilentPartnerExpiresAfterThreeFastPeriodsAndTheMemberStopsCarrying() {
        LacpPort a = new LacpPort(32768, A, 1, 255, 1, true, true);
        LacpPort b = new LacpPort(32768, B, 9, 255, 4, true, true);
        long now = run(a, b, 0, 2000, true);
        assertTrue(a.collectingAndDistributing());
        long silent = now;
        long left = -1;
        for (long t = 10; t <= 5000 && left < 0; t += 10) {
            now = silent + t * MS;
            a.tick(now);
            LacpSelection.select(List.of(a));
            if (!a.collectingAndDistributing()) {
                left = t;
            }
        }
        assertTrue(left > 1900 && left <= 3010, "out of the aggregation " + left + " ms after the last LACPDU (3 s short timeout)");
        assertNull(a.partner());
        assertTrue(a.actor().has(LacpActor.EXPIRED) && a.actor().has(LacpActor.DEFAULTED), a.actor().stateNames());
    }

    @Test
    void passiveEndsNeverSpeakAndAPassiveEndAnswersAnActiveOne() {
        LacpPort a = new LacpPort(32768, A, 1, 255, 1, false, true);
        LacpPort b = new LacpPort(32768, B, 9, 255, 4, false, true);
        run(a, b, 0, 3000, true);
        assertEquals(0, a.sent + b.sent, "two passive ends: silence, as 802.1AX has it");
        LacpPort active = new LacpPort(32768, B, 9, 255, 4, true, true);
        run(a, active, 10_000 * MS, 3000, true);
        assertTrue(a.collectingAndDistributing() && active.collectingAndDistributing());
    }

    @Test
    void atMostThreeLacpdusAFastPeriodHoweverOftenThingsChange() {
        LacpPort a = new LacpPort(32768, A, 1, 255, 1, true, true);
        int sent = 0;
        for (int k = 0; k < 100; k++) {
            a.link(k % 2 == 0);
            if (a.tick(k * MS) != null) {
                sent++;
            }
        }
        assertTrue(sent <= 3, "sent " + sent + " in 100 ms");
    }

    @Test
    void aLinkGoingDownDetachesAndForgetsThePartner() {
        LacpPort a = new LacpPort(32768, A, 1, 255, 1, true, true);
        LacpPort b = new LacpPort(32768, B, 9, 255, 4, true, true);
        run(a, b, 0, 100, true);
        assertNotNull(a.partner());
        a.link(false);
        assertEquals(LacpPort.Mux.DETACHED, a.mux());
        assertNull(a.partner());
        assertNull(a.tick(200 * MS), "nothing is sent on a link that is down");
        assertThrows(IllegalArgumentException.class, () -> new LacpPort(32768, A, 1, 255, 0, true, true), "port 0");
    }

    @Test
    void aMemberHearingAnotherSystemIsNotSelected() {
        LacpPort a1 = new LacpPort(32768, A, 1, 255, 1, true, true);
        LacpPort a2 = new LacpPort(32768, A, 1, 255, 2, true, true);
        LacpPort b = new LacpPort(32768, B, 9, 255, 1, true, true);
        LacpPort c = new LacpPort(32768, 0x0200_0000_00CCL, 9, 255, 1, true, true);
        for (long t = 0; t < 200; t += 10) {
            long now = t * MS;
            deliver(b.tick(now), a1, now);
            deliver(c.tick(now), a2, now);
            deliver(a1.tick(now), b, now);
            deliver(a2.tick(now), c, now);
            LacpSelection.select(List.of(a1, a2));
            LacpSelection.select(List.of(b));
            LacpSelection.select(List.of(c));
        }
        assertTrue(a1.collectingAndDistributing());
        assertFalse(a2.selected(), "cabled to another system: left out");
        assertFalse(a2.collectingAndDistributing());
    }
}
