package io.quiver.configstore;

import io.quiver.configstore.model.ConfigException;


/** A request that was denied (and audited under {@link #sequence()}). */
public final class RequestDeniedException extends ConfigException {
    private static final long serialVersionUID = 1L;

    private final transient Decision decision;
    private final long sequence;

    public RequestDeniedException(Decision decision, long sequence) {
        super(decision.message());
        this.decision = decision;
        this.sequence = sequence;
    }

    public Decision decision() {
        return decision;
    }

    public long sequence() {
        return sequence;
    }
}
