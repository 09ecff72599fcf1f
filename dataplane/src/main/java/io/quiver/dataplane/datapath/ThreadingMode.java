package io.quiver.dataplane.datapath;

/** How the datapath's work is spread over lcores (after Aeron's ThreadingMode). */
public enum ThreadingMode {
    /** One lcore runs to completion: receive, classify, drain the VNIC rings, transmit. Best on few cores. */
    SHARED,
    /** One lcore receives and publishes into the rings; worker lcores drain them and transmit. Scales with cores. */
    DEDICATED
}
