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
    private final int port;
    private final List<Long> flows = new ArrayList<>();

    private FlowRules(int port) {
        this.port = port;
    }

    /**
     * Validates every rule of {@code plan} on {@code port}, then creates them all. Empty when the device refused a
     * rule (nothing is left programmed), with DPDK's reason through {@code refusal}.
     */
    public static Optional<FlowRules> program(int port, FlowRulePlan plan, StringBuilder refusal) {
        Optional<String> refused = refusal(port, plan);
        if (refused.isPresent()) {
            refusal.append(refused.get());
            return Optional.empty();
        }
        FlowRules programmed = new FlowRules(port);
        try {
            for (FlowRulePlan.Rule r : plan.rules()) {
                try (FlowRule rule = toFlowRule(r)) {
                    programmed.flows.add(Flows.create(port, rule));
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

    /** Destroys the rules (every one; a flush when the driver fails to destroy one). */
    public void remove() {
        for (long f : flows) {
            try {
                Flows.destroy(port, f);
            } catch (DpdkException e) {
                Flows.flush(port);
                break;
            }
        }
        flows.clear();
    }

    public int count() {
        return flows.size();
    }
}
