package io.quiver.dataplane.datapath;

/** Which classifier the uplink uses. */
public enum ClassifierChoice {
    /** rte_flow where the port validates every rule, software otherwise. */
    AUTO,
    SOFTWARE,
    /** rte_flow or fail. */
    RTE_FLOW
}
