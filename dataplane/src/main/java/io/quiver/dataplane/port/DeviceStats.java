package io.quiver.dataplane.port;

/**
 * A port's counters as its driver keeps them (DPDK's {@code rte_eth_stats}): what reached the device, including what
 * it missed for want of descriptors or mbufs before Quiver saw a packet.
 */
public record DeviceStats(long rxPackets, long txPackets, long rxBytes, long txBytes, long rxMissed, long rxErrors,
                          long txErrors, long rxNoMbuf) {
    /**
     * The counters of the DPDK device named {@code deviceName}, which need not be one of Quiver's ports (a member
     * DPDK's net_bonding drives, say).
     */
    public static DeviceStats ofDevice(String deviceName) {
        int id = io.quiver.dpdk.EthDev.portByName(deviceName)
                .orElseThrow(() -> new IllegalArgumentException("no DPDK device named " + deviceName));
        return of(id);
    }

    static DeviceStats of(int id) {
        io.quiver.dpdk.EthDev.Stats s = io.quiver.dpdk.EthDev.stats(id);
        return new DeviceStats(s.rxPackets(), s.txPackets(), s.rxBytes(), s.txBytes(), s.rxMissed(), s.rxErrors(), s.txErrors(), s.rxNoMbuf());
    }
}
