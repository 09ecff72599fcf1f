package io.quiver.dataplane.classify;

/** Which classifier the uplink uses. */
public enum ClassifierChoice {
    /** rte_flow where the port validates every rule, software otherwise. */
    AUTO,
    SOFTWARE,
    /** rte_flow or fail. */
    RTE_FLOW
}
