package io.quiver.dataplane.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.priority.SteeringRequests;
import io.quiver.dataplane.runtime.DpdkRuntime;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The control half of re-steering identified connections, against a real DPDK port whose driver has no rte_flow
 * (every port on this machine: see docs/priority.md): each rule is refused with DPDK's reason and counted, a
 * connection no rule was made for is released without a call, and the lcore's requests never wait. On a NIC with
 * rte_flow the same requests create rules; {@code BindingsTest} checks what such a rule looks like to the NIC.
 */
class ConnectionRulesTest {
    private static final int VNIC_IP = UdpFrameBuilder.parseIpv4("10.0.0.1");
    private static final int PREMIUM = UdpFrameBuilder.parseIpv4("10.8.0.5");

    @Test
    void aNicWithoutRteFlowRefusesEachRuleWithDpdksReasonAndKeepsNothing() throws Exception {
        var config = new RuntimeConfig(EalOptions.virtualDefaults().withFilePrefix("quiver-connrules-" + ProcessHandle.current().pid()),
                2047, 0, 32, List.of(PortConfig.of("uplink", "net_null20")));
        try (DpdkRuntime runtime = DpdkRuntime.start(config, 1, 0)) {
            SteeringRequests requests = new SteeringRequests(16);
            try (ConnectionRules rules = ConnectionRules.start(new PortFlows(runtime.port("uplink").id()), requests)) {
                assertTrue(requests.steer(1, 2, 6, PREMIUM, VNIC_IP, 40000, 443, 2));
                assertTrue(requests.steer(3, 4, 17, PREMIUM, VNIC_IP, 40001, 53, 3));
                assertTrue(requests.release(1, 2), "a connection whose rule was refused: nothing to destroy");
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (rules.refusedByNic() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertEquals(2, rules.refusedByNic(), "each rule refused by net_null");
                assertTrue(rules.lastRefusal().contains("rte_flow_create"), rules.lastRefusal());
                assertEquals(0, rules.created());
                assertEquals(0, rules.active());
                assertEquals(0, rules.refusedByRing());
            }
            assertFalse(new PortFlows(runtime.port("uplink").id()).destroy(0x1234),
                    "a handle the port's rules never held (or a flush took) is never passed to the driver");
        }
    }
}
