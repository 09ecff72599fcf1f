package io.quiver.dataplane.offload.tls.host;

/** Whether one connection's handshake goes to the appliance, and why. */
public record OffloadDecision(boolean offload, Reason reason) {
    public enum Reason {
        VNIC_POLICY_ON,
        VNIC_POLICY_OFF,
        PORT_POLICY_ON,
        PORT_POLICY_OFF,
        DEFAULT_ON,
        DEFAULT_OFF,
        /** The policy says yes but the engine does not implement the suite: the host does the handshake. */
        UNSUPPORTED_SUITE,
        /** The policy says yes but the engine does not implement the group. */
        UNSUPPORTED_GROUP,
        /** The offload engine is not running. */
        ENGINE_UNAVAILABLE
    }
}
