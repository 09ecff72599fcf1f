package io.quiver.configstore;

import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.policy.GuestPolicy;

/**
 * The outcome of a change request: the decision, the journal sequence of its audit record (every request gets one,
 * committed or denied), and for a commit the VNIC config or the policy it produced (null after a delete).
 */
public record ChangeResult(Decision decision, long sequence, VnicConfig vnic, GuestPolicy policy) {

    public boolean committed() {
        return decision.allowed();
    }

    /** This result when committed; otherwise a {@link RequestDeniedException} carrying the decision. */
    public ChangeResult orThrow() {
        if (!committed()) {
            throw new RequestDeniedException(decision, sequence);
        }
        return this;
    }
}
