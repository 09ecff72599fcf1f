package io.quiver.control.cli.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The columns {@code -o} picks, {@code -p}'s lines, and --watch's rates, on tables whose numbers are known. */
class TablesTest {
    static final List<String> HEADER = List.of("VNIC", "MAC", "RX", "DROPS IN", "MTU");

    static Output output(String fields, boolean parsable) {
        Output o = new Output();
        o.fields = fields == null ? null : List.of(fields.split(","));
        o.parsable = parsable;
        return o;
    }

    static List<List<String>> rows(long rx1, String drops1, long rx2) {
        return List.of(List.of("vm1", "02:00:00:00:00:01", Long.toString(rx1), drops1, "1500"),
                List.of("vm2", "02:00:00:00:00:02", Long.toString(rx2), "-", "9000"));
    }

    @Test
    void outsideAShowVerbATablePrintsWhole() {
        assertEquals("""
                VNIC  MAC                RX   DROPS IN  MTU
                vm1   02:00:00:00:00:01  100  -         1500
                vm2   02:00:00:00:00:02  7    -         9000""", Tables.render(HEADER, rows(100, "-", 7)));
    }

    @Test
    void minusOPicksColumnsInItsOrderByTheirHeadersInAnyCase() {
        Tables.Round round = new Tables.Round(output("drops-in,VNIC,rx,nope", false), null, 0);
        String text = Tables.within(round, () -> Tables.render(HEADER, rows(100, "ring-full 3", 7)));
        assertEquals("""
                DROPS IN     VNIC  RX
                ring-full 3  vm1   100
                -            vm2   7""", text);
        assertEquals(List.of("nope"), round.unknownFields());
    }

    @Test
    void minusPIsOneLinePerRowWithSeparatorsEscaped() {
        Tables.Round round = new Tables.Round(output("vnic,mac,rx", true), null, 0);
        assertEquals("vm1:02\\:00\\:00\\:00\\:00\\:01:100\nvm2:02\\:00\\:00\\:00\\:00\\:02:7",
                Tables.within(round, () -> Tables.render(HEADER, rows(100, "-", 7))));
    }

    @Test
    void aWatchRoundAfterTheFirstShowsEachCounterAsItsRateOverTheInterval() {
        Tables.Round first = new Tables.Round(output(null, false), null, 0);
        Tables.within(first, () -> Tables.render(HEADER, rows(100, "ring-full 3", 7)));
        // two seconds later: vm1 received 50 more and dropped 4 more, one of them for a reason new since then
        Tables.Round second = new Tables.Round(output(null, false), first.counters, 2.0);
        String text = Tables.within(second, () -> Tables.render(HEADER, rows(150, "ring-full 6, malformed 1", 7)));
        assertEquals("""
                VNIC  MAC                RX/s  DROPS IN/s                  MTU
                vm1   02:00:00:00:00:01  25    ring-full 1.5, malformed -  1500
                vm2   02:00:00:00:00:02  0     -                           9000""", text);
    }

    @Test
    void aColumnLeftOutStillCountsForTheNextRound() {
        Tables.Round first = new Tables.Round(output("vnic", false), null, 0);
        Tables.within(first, () -> Tables.render(HEADER, rows(100, "-", 7)));
        Tables.Round second = new Tables.Round(output("vnic,rx", false), first.counters, 1.0);
        assertEquals("""
                VNIC  RX/s
                vm1   1000
                vm2   3.0""", Tables.within(second, () -> Tables.render(HEADER, rows(1100, "-", 10))));
    }
}
