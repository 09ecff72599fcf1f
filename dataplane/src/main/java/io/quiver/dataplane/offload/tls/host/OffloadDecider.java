package io.quiver.dataplane.offload.tls.host;

import io.quiver.dataplane.offload.tls.protocol.CipherSuite;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import java.util.function.BooleanSupplier;

/**
 * The per-connection offload decision: the current {@link OffloadPolicy} (a volatile reference, replaced whole when
 * the configuration changes, never locked), then what the engine can do and whether it runs.
 */
public final class OffloadDecider {
    private volatile OffloadPolicy policy;
    private final BooleanSupplier engineRunning;

    public OffloadDecider(OffloadPolicy policy, BooleanSupplier engineRunning) {
        this.policy = policy;
        this.engineRunning = engineRunning;
    }

    public OffloadPolicy policy() {
        return policy;
    }

    /** Swaps in a new policy; decisions from now on use it. */
    public void update(OffloadPolicy next) {
        this.policy = next;
    }

    public OffloadDecision decide(OffloadCandidate connection) {
        OffloadPolicy current = policy;
        OffloadDecision byPolicy = current.vnic(connection.vnic())
                .map(on -> new OffloadDecision(on, on ? OffloadDecision.Reason.VNIC_POLICY_ON : OffloadDecision.Reason.VNIC_POLICY_OFF))
                .or(() -> current.port(connection.port()).map(on -> new OffloadDecision(on,
                        on ? OffloadDecision.Reason.PORT_POLICY_ON : OffloadDecision.Reason.PORT_POLICY_OFF)))
                .orElseGet(() -> new OffloadDecision(current.enabledByDefault(), current.enabledByDefault()
                        ? OffloadDecision.Reason.DEFAULT_ON : OffloadDecision.Reason.DEFAULT_OFF));
        if (!byPolicy.offload()) {
            return byPolicy;
        }
        if (CipherSuite.fromCode(connection.cipherSuite()) == null) {
            return new OffloadDecision(false, OffloadDecision.Reason.UNSUPPORTED_SUITE);
        }
        if (NamedGroup.fromCode(connection.namedGroup()) == null) {
            return new OffloadDecision(false, OffloadDecision.Reason.UNSUPPORTED_GROUP);
        }
        if (!engineRunning.getAsBoolean()) {
            return new OffloadDecision(false, OffloadDecision.Reason.ENGINE_UNAVAILABLE);
        }
        return byPolicy;
    }
}
