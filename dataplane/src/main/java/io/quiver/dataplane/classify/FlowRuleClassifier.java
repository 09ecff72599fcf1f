package io.quiver.dataplane.classify;

import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.PacketKind;
import io.quiver.dataplane.packet.ParsedBurst;
import io.quiver.dpdk.DpdkException;
import io.quiver.dpdk.FlowRule;
import io.quiver.dpdk.Flows;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Hardware classification: the port's rte_flow rules ({@link FlowRulePlan}) steer each VNIC's frames to its own RX
 * queues, so the queue a packet arrives on is the classification; queue 0 (unmatched) is classified in software.
 */
public final class FlowRuleClassifier implements Classifier {
    private final int port;
    private final List<Long> flows = new ArrayList<>();

    private FlowRuleClassifier(int port) {
        this.port = port;
    }

    /**
     * Validates every rule of {@code plan} on {@code port}, then creates them all. Empty when the device refused a
     * rule (nothing is left programmed), with DPDK's reason through {@code refusal}.
     */
    public static Optional<FlowRuleClassifier> program(int port, FlowRulePlan plan, StringBuilder refusal) {
        Optional<String> refused = refusal(port, plan);
        if (refused.isPresent()) {
            refusal.append(refused.get());
            return Optional.empty();
        }
        FlowRuleClassifier c = new FlowRuleClassifier(port);
        try {
            for (FlowRulePlan.Rule r : plan.rules()) {
                try (FlowRule rule = toFlowRule(r)) {
                    c.flows.add(Flows.create(port, rule));
                }
            }
        } catch (DpdkException e) {
            c.remove();
            refusal.append(e.getMessage());
            return Optional.empty();
        }
        return Optional.of(c);
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

    @Override
    public String name() {
        return "rte_flow";
    }

    @Override
    public int classify(ClassifierTables t, ParsedBurst b, int i, int rxQueue, int vlan) {
        return resultFor(t, b, i, rxQueue, vlan);
    }

    /** The classification of a packet the NIC steered to {@code rxQueue} under a {@link FlowRulePlan}. */
    static int resultFor(ClassifierTables t, ParsedBurst b, int i, int rxQueue, int vlan) {
        if (rxQueue == 0 || b.kind[i] == PacketKind.MALFORMED) {
            return SoftwareClassifier.INSTANCE.classify(t, b, i, rxQueue, vlan);
        }
        return rxQueue - 1;
    }

    /** Destroys the rules this classifier created. */
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

    public int ruleCount() {
        return flows.size();
    }
}
