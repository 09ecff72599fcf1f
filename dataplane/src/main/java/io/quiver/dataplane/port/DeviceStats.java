package io.quiver.dataplane.port;

/**
 * A port's counters as its driver keeps them (DPDK's {@code rte_eth_stats}): what reached the device, including what
 * it missed for want of descriptors or mbufs before Quiver saw a packet.
 */
public record DeviceStats(long rxPackets, long txPackets, long rxBytes, long txBytes, long rxMissed, long rxErrors,
                          long txErrors, long rxNoMbuf) {
}
