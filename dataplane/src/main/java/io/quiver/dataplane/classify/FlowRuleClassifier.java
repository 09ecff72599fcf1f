package io.quiver.dataplane.classify;

import io.quiver.dataplane.packet.PacketKind;
import io.quiver.dataplane.packet.ParsedBurst;

/**
 * Hardware classification: the port's rte_flow rules ({@link FlowRulePlan}, programmed as {@link FlowRules}) steer
 * each VNIC's frames to its own RX queues, so the queue a packet arrives on is the classification; queue 0
 * (unmatched), the class queues (identified connections, of any VNIC) and anything malformed are classified in
 * software.
 */
public final class FlowRuleClassifier implements Classifier {
    public static final FlowRuleClassifier INSTANCE = new FlowRuleClassifier();

    private FlowRuleClassifier() {
    }

    @Override
    public String name() {
        return "rte_flow";
    }

    @Override
    public int classify(ClassifierTables t, ParsedBurst b, int i, int rxQueue, int vlan) {
        if (FlowRulePlan.classifiedInSoftware(rxQueue) || b.kind[i] == PacketKind.MALFORMED) {
            return SoftwareClassifier.INSTANCE.classify(t, b, i, rxQueue, vlan);
        }
        return FlowRulePlan.resultOfQueue(rxQueue);
    }
}
