package io.quiver.dataplane.aggr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The aggregation's member choice: shares within one entry of even for 1 to 16 members, and a member joining or
 * leaving moves only the entries it must (what keeps the other connections on their member, in order).
 */
class RedirectionTableTest {
    private static int moved(RedirectionTable a, RedirectionTable b) {
        int n = 0;
        for (int h = 0; h < RedirectionTable.SIZE; h++) {
            n += a.lookup(h) != b.lookup(h) ? 1 : 0;
        }
        return n;
    }

    @Test
    void sharesAreEvenWithinOneEntryFromOneMemberToSixteen() {
        RedirectionTable t = RedirectionTable.empty();
        assertEquals(RedirectionTable.NONE, t.lookup(12345), "no member: none");
        for (int m = 0; m < 16; m++) {
            t = t.with(m);
            int n = m + 1;
            for (int member : t.members()) {
                int share = t.share(member);
                assertTrue(share >= RedirectionTable.SIZE / n - 1 && share <= RedirectionTable.SIZE / n + 1,
                        n + " members: member " + member + " has " + share);
            }
        }
    }

    @Test
    void aJoiningMemberTakesOnlyItsShareAndNothingElseMoves() {
        RedirectionTable two = RedirectionTable.empty().with(0).with(1);
        RedirectionTable three = two.with(2);
        assertEquals(three.share(2), moved(two, three), "every moved entry went to the new member");
        assertEquals(RedirectionTable.SIZE / 3, three.share(2));
        for (int h = 0; h < RedirectionTable.SIZE; h++) {
            assertTrue(three.lookup(h) == two.lookup(h) || three.lookup(h) == 2);
        }
        assertSame(three, three.with(2), "a member already in: the same table");
    }

    @Test
    void aLeavingMembersEntriesGoToTheOthersAndNothingElseMoves() {
        RedirectionTable four = RedirectionTable.empty().with(0).with(1).with(2).with(3);
        RedirectionTable three = four.without(1);
        assertArrayEquals(new int[] {0, 2, 3}, three.members());
        assertEquals(four.share(1), moved(four, three), "only member 1's entries moved");
        for (int member : three.members()) {
            assertTrue(Math.abs(three.share(member) - RedirectionTable.SIZE / 3) <= 1, "rebalanced: " + three.share(member));
        }
        RedirectionTable none = RedirectionTable.empty().with(7).without(7);
        assertEquals(RedirectionTable.NONE, none.lookup(0), "the last member gone: none");
        assertEquals(0, none.members().length);
        assertThrows(IllegalArgumentException.class, () -> RedirectionTable.empty().with(-1));
    }

    @Test
    void netBondingsModuloWouldMoveMostConnectionsWhereTheTableMovesAThird() {
        // what DPDK's net_bonding does (hash % members), for comparison with the table's 1/3
        int movedByModulo = 0;
        for (int h = 0; h < RedirectionTable.SIZE; h++) {
            movedByModulo += h % 2 != h % 3 ? 1 : 0;
        }
        RedirectionTable two = RedirectionTable.empty().with(0).with(1);
        assertTrue(moved(two, two.with(2)) < movedByModulo / 1.9, moved(two, two.with(2)) + " vs modulo " + movedByModulo);
    }
}
