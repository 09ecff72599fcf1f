package io.quiver.dataplane.classify;

import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dpdk.DpdkException;
import io.quiver.dpdk.FlowRule;
import io.quiver.dpdk.Flows;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The rte_flow rules of a {@link FlowRulePlan} as programmed on one port: created together, destroyed together. */
public final class FlowRules {
    private final PortFlows port;
    private final List<Long> flows = new ArrayList<>();

    private FlowRules(PortFlows port) {
        this.port = port;
    }

    /**
     * Validates every rule of {@code plan} on {@code port}, then creates them all. Empty when the device refused a
     * rule (nothing is left programmed), with DPDK's reason through {@code refusal}.
     */
    public static Optional<FlowRules> program(PortFlows port, FlowRulePlan plan, StringBuilder refusal) {
        Optional<String> refused = refusal(port.port(), plan);
        if (refused.isPresent()) {
            refusal.append(refused.get());
            return Optional.empty();
        }
        FlowRules programmed = new FlowRules(port);
        try {
            for (FlowRulePlan.Rule r : plan.rules()) {
                try (FlowRule rule = toFlowRule(r)) {
                    programmed.flows.add(port.create(rule));
                }
            }
        } catch (DpdkException e) {
            programmed.remove();
            refusal.append(e.getMessage());
            return Optional.empty();
        }
        return Optional.of(programmed);
    }

    /** Why {@code port} would refuse a rule of {@code plan} (the rule and DPDK's reason), or empty: it programs nothing. */
    public static Optional<String> refusal(int port, FlowRulePlan plan) {
        for (FlowRulePlan.Rule r : plan.rules()) {
            try (FlowRule rule = toFlowRule(r)) {
                Optional<String> why = Flows.validate(port, rule);
                if (why.isPresent()) {
                    return Optional.of(rule + ": " + why.get());
                }
            }
        }
        return Optional.empty();
    }

    /** The native rule for one planned rule. */
    public static FlowRule toFlowRule(FlowRulePlan.Rule r) {
        FlowRule rule = FlowRule.ingress(r.priority()).ethDst(Ethernet.longToMac(r.dstMac()));
        if (r.vlan() != 0) {
            rule.vlan(r.vlan());
        }
        if (r.ipv4Dst() != null) {
            rule.ipv4Dst(r.ipv4Dst());
        } else if (r.anyIpv4()) {
            rule.ipv4Any();
        }
        return rule.toQueue(r.queue());
    }

    /**
     * Destroys the rules. When the driver fails to destroy one, the port is flushed: a stale VNIC rule would steer
     * frames to a queue that names another VNIC, so it must go even at the cost of the connections' rules.
     */
    public void remove() {
        for (long f : flows) {
            try {
                port.destroy(f);
            } catch (DpdkException e) {
                port.flush();
                break;
            }
        }
        flows.clear();
    }

    public int count() {
        return flows.size();
    }
}
