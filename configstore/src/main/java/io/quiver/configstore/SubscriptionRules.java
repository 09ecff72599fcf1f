package io.quiver.configstore;

import io.quiver.configstore.model.DenialReason;
import io.quiver.configstore.model.IdentificationRule;
import io.quiver.configstore.model.Subscription;
import java.util.Collection;
import java.util.Map;

/** What the store refuses about subscription levels and flows, beyond what {@link Subscription} checks of itself. */
final class SubscriptionRules {
    /**
     * The most levels and flows a store holds: each one's rules are tried for every new connection, so the bound keeps
     * that work bounded.
     */
    static final int MAX_LEVELS = 256;

    private SubscriptionRules() {
    }

    /** Why {@code next} may not be stored beside {@code existing}, or null. */
    static Decision checkPut(Subscription next, Collection<Subscription> existing, Map<String, VnicState> vnics) {
        boolean replacing = existing.stream().anyMatch(s -> s.name().equals(next.name()));
        if (!replacing && existing.size() >= MAX_LEVELS) {
            return Decision.denied(DenialReason.LIMIT_EXCEEDED, "the store holds " + existing.size()
                    + " subscription levels and flows, the most it takes (" + MAX_LEVELS + ")");
        }
        for (Subscription s : existing) {
            if (s.name().equals(next.name()) && s.kind() != next.kind()) {
                return Decision.denied(DenialReason.CONFLICT, next.name() + " is a " + s.kind().word() + ", not a "
                        + next.kind().word() + ": delete it first");
            }
        }
        for (IdentificationRule r : next.rules()) {
            if (r.vnic() != null && !vnics.containsKey(r.vnic())) {
                return Decision.denied(DenialReason.UNKNOWN_VNIC, next.name() + ": no VNIC named " + r.vnic());
            }
        }
        for (Subscription s : existing) {
            if (s.name().equals(next.name()) || s.rank() != next.rank()) {
                continue;
            }
            for (IdentificationRule a : next.rules()) {
                for (IdentificationRule b : s.rules()) {
                    if (a.overlaps(b)) {
                        return Decision.denied(DenialReason.CONFLICT, next.name() + " and " + s.name()
                                + " have the same rank (" + next.rank() + ") and a connection could match both ('" + a
                                + "' and '" + b + "'): give one a lower rank to say which is tried first");
                    }
                }
            }
        }
        return null;
    }

    /** Why VNIC {@code vnic} may not be deleted: a level or flow names it. */
    static Decision checkVnicDelete(String vnic, Collection<Subscription> existing) {
        for (Subscription s : existing) {
            for (IdentificationRule r : s.rules()) {
                if (vnic.equals(r.vnic())) {
                    return Decision.denied(DenialReason.IN_USE, "VNIC " + vnic + " is named by " + s.kind().word() + " "
                            + s.name() + ": remove it first");
                }
            }
        }
        return null;
    }

    static Decision unknown(String name) {
        return Decision.denied(DenialReason.INVALID_REQUEST, "no subscription level or flow named " + name);
    }
}
