package io.quiver.dataplane.aggr;

import java.util.List;

/**
 * The aggregation's Selection Logic (802.1AX 6.4.14), for one aggregator: the partner the first member heard (by
 * system and key) is the aggregation's partner, and the members that hear that same partner are selected; a member
 * that hears another system or key stays out (it is cabled elsewhere) until the chosen partner is gone.
 */
public final class LacpSelection {
    private LacpSelection() {
    }

    /** Selects among {@code members} (in their configured order) and tells each; returns the partner chosen, or null. */
    public static LacpActor select(List<LacpPort> members) {
        LacpActor chosen = null;
        for (LacpPort p : members) {
            LacpActor heard = p.partner();
            if (heard != null && heard.has(LacpActor.AGGREGATION)) {
                chosen = heard;
                break;
            }
        }
        for (LacpPort p : members) {
            LacpActor heard = p.partner();
            p.select(chosen != null && heard != null && heard.has(LacpActor.AGGREGATION)
                    && heard.system() == chosen.system() && heard.systemPriority() == chosen.systemPriority()
                    && heard.key() == chosen.key());
        }
        return chosen;
    }
}
