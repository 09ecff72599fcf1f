package io.quiver.dataplane.classify;

import io.quiver.configstore.model.VnicConfig;
import io.quiver.dataplane.port.Port;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.runtime.DpdkRuntime;
import io.quiver.dpdk.EthDev;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The uplink's classifier for the life of a datapath, and why it is the one: rte_flow rules where the port validates
 * every rule of the plan (the uplink is reopened with a queue per VNIC ring), the software classifier otherwise or
 * when configured so. With rules, a VNIC change is validated on the NIC before it is published and the rules are
 * replaced after; a failed replacement restores the previous rules, or leaves queue 0 and software classification.
 */
public final class UplinkClassification implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UplinkClassification.class);

    private final String uplink;
    private final DpdkRuntime runtime;
    private final Classifier classifier;
    /** The uplink's rte_flow rules, null where it classifies in software. */
    private final PortFlows flows;
    private FlowRules rules;
    /** Written under this object's lock, read by the API without it. */
    private volatile String reason;

    private UplinkClassification(String uplink, DpdkRuntime runtime, Classifier classifier, PortFlows flows, FlowRules rules,
                                 String reason) {
        this.uplink = uplink;
        this.runtime = runtime;
        this.classifier = classifier;
        this.flows = flows;
        this.rules = rules;
        this.reason = reason;
    }

    /**
     * Chooses the uplink's classifier for {@code vnics} (by index): with {@link ClassifierChoice#AUTO} or
     * {@link ClassifierChoice#RTE_FLOW} it tries rte_flow first; RTE_FLOW fails when the port refuses.
     */
    public static UplinkClassification choose(DpdkRuntime runtime, String uplink, ClassifierChoice choice, List<VnicConfig> vnics) {
        if (choice == ClassifierChoice.SOFTWARE) {
            return new UplinkClassification(uplink, runtime, SoftwareClassifier.INSTANCE, null, null, "chosen in the configuration");
        }
        Port port = runtime.port(uplink);
        FlowRulePlan plan = new FlowRulePlan(vnics);
        EthDev.Info info = EthDev.info(port.id());
        String refusal;
        if (plan.queues() > info.maxRxQueues()) {
            refusal = info.driverName() + " has " + info.maxRxQueues() + " RX queues; rte_flow steering needs " + plan.queues();
        } else {
            PortConfig pc = port.config();
            Port multi = runtime.reopen(pc.withRxQueues(plan.queues()));
            StringBuilder why = new StringBuilder();
            PortFlows flows = new PortFlows(multi.id());
            Optional<FlowRules> programmed = FlowRules.program(flows, plan, why);
            if (programmed.isPresent()) {
                String reason = programmed.get().count() + " rte_flow rules on " + info.driverName();
                LOG.info("uplink {}: hardware classification, {}", uplink, reason);
                return new UplinkClassification(uplink, runtime, FlowRuleClassifier.INSTANCE, flows, programmed.get(), reason);
            }
            refusal = why.toString();
            runtime.reopen(pc);
        }
        if (choice == ClassifierChoice.RTE_FLOW) {
            throw new IllegalStateException("uplink " + uplink + ": rte_flow classification was required but refused: " + refusal);
        }
        String reason = "rte_flow refused: " + refusal;
        LOG.info("uplink {}: software classification ({})", uplink, reason);
        return new UplinkClassification(uplink, runtime, SoftwareClassifier.INSTANCE, null, null, reason);
    }

    /** Software classification, for {@code reason} (the uplink is not one port the NIC's rules could be on). */
    public static UplinkClassification inSoftware(String uplink, String reason) {
        LOG.info("uplink {}: software classification ({})", uplink, reason);
        return new UplinkClassification(uplink, null, SoftwareClassifier.INSTANCE, null, null, reason);
    }

    /** What the uplink's ingress classifies with; it never changes while the datapath runs. */
    public Classifier classifier() {
        return classifier;
    }

    /** The uplink's rte_flow rules (identified connections' rules join them), or null where it classifies in software. */
    public PortFlows flows() {
        return flows;
    }

    /** Whether the NIC classifies (its RX queues name the rings). */
    public boolean inHardware() {
        return rules != null;
    }

    /** "software" or "rte_flow". */
    public String name() {
        return classifier.name();
    }

    /** Why that classifier runs (e.g. DPDK's refusal of a rule). */
    public String reason() {
        return reason;
    }

    /** With rules: fails unless the NIC accepts every rule for {@code vnics}; nothing is programmed. */
    public synchronized void validate(List<VnicConfig> vnics) {
        if (rules == null) {
            return;
        }
        Optional<String> refused = FlowRules.refusal(uplinkId(), new FlowRulePlan(vnics));
        if (refused.isPresent()) {
            throw new IllegalStateException("uplink " + uplink + " refuses the updated rules: " + refused.get());
        }
    }

    /**
     * With rules: replaces them by those for {@code vnics}. Queue 0 keeps working through the software classifier
     * while they are replaced; a failure throws, and the caller {@link #restore}s.
     */
    public synchronized void reprogram(List<VnicConfig> vnics) {
        if (rules == null) {
            return;
        }
        rules.remove();
        StringBuilder why = new StringBuilder();
        rules = FlowRules.program(flows, new FlowRulePlan(vnics), why).orElseThrow(
                () -> new IllegalStateException("uplink " + uplink + " refused the updated rules: " + why));
    }

    /**
     * After a failed {@link #reprogram}, the rules for {@code vnics} (what runs again). Should the NIC refuse even
     * those, no rule is left and every frame arrives on queue 0, which the software classifier serves: slower,
     * still correct.
     */
    public synchronized void restore(List<VnicConfig> vnics) {
        if (flows == null) {
            return;
        }
        StringBuilder why = new StringBuilder();
        Optional<FlowRules> restored = FlowRules.program(flows, new FlowRulePlan(vnics), why);
        if (restored.isPresent()) {
            rules = restored.get();
            return;
        }
        reason = "rte_flow rules lost after a refused update (" + why + "): queue 0, software classification";
        LOG.error("uplink {}: {}", uplink, reason);
    }

    private int uplinkId() {
        return runtime.port(uplink).id();
    }

    /** Removes the rules this classification programmed. */
    @Override
    public synchronized void close() {
        if (rules != null) {
            rules.remove();
        }
    }
}
